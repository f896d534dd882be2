package io.opensandbox.spring.test;

import java.time.Duration;
import java.util.UUID;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Starts an {@link EmbeddedOpenSandboxServer} with the application context and points the
 * starter at it through {@link EmbeddedOpenSandboxConnectionDetails}; the server and
 * every sandbox in it stop with the context. Used by
 * {@link EmbeddedOpenSandbox @EmbeddedOpenSandbox} in tests, and for local runs the way
 * Spring Boot runs dev-time services: <pre class="code">
 * SpringApplication.from(MyApplication::main).with(EmbeddedOpenSandboxConfiguration.class).run(args);
 * </pre> Optional properties: {@code opensandbox.embedded.port} (0, a free port),
 * {@code opensandbox.embedded.api-key} (a random key, so that requests without it fail),
 * {@code opensandbox.embedded.ready-delay} (0),
 * {@code opensandbox.embedded.creation-delay} (0),
 * {@code opensandbox.embedded.allow-unisolated} (false).
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
public class EmbeddedOpenSandboxConfiguration {

	@Bean(destroyMethod = "close")
	EmbeddedOpenSandboxServer embeddedOpenSandboxServer(Environment environment) {
		String apiKey = environment.getProperty("opensandbox.embedded.api-key");
		return EmbeddedOpenSandboxServer.builder()
			.port(environment.getProperty("opensandbox.embedded.port", Integer.class, 0))
			.apiKey((apiKey != null) ? apiKey : "embedded-" + UUID.randomUUID())
			.readyDelay(environment.getProperty("opensandbox.embedded.ready-delay", Duration.class, Duration.ZERO))
			.creationDelay(
					environment.getProperty("opensandbox.embedded.creation-delay", Duration.class, Duration.ZERO))
			.allowUnisolated(environment.getProperty("opensandbox.embedded.allow-unisolated", Boolean.class, false))
			.build()
			.start();
	}

	@Bean
	EmbeddedOpenSandboxConnectionDetails embeddedOpenSandboxConnectionDetails(EmbeddedOpenSandboxServer server) {
		return new EmbeddedOpenSandboxConnectionDetails(server);
	}

}
