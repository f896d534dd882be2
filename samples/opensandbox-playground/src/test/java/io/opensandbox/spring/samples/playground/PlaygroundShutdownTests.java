package io.opensandbox.spring.samples.playground;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.opensandbox.spring.test.EmbeddedOpenSandboxServer;
import io.opensandbox.spring.test.EmbeddedSandbox;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The playground as its plain {@code main} runs it: connected through the
 * {@code opensandbox.*} properties (here to an embedded server standing in for a real
 * one), and leaving no sandbox behind when it stops.
 *
 * @author OpenSandbox Spring Boot
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
@ExtendWith(ThreadDumpOnTimeout.class)
class PlaygroundShutdownTests {

	private static final String API_KEY = "playground-test-key";

	private EmbeddedOpenSandboxServer server;

	@BeforeEach
	void startServer() {
		this.server = EmbeddedOpenSandboxServer.builder().port(0).apiKey(API_KEY).build().start();
	}

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void usesTheConfiguredServerAndKillsEverySessionsSandboxWhenItStops() {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(OpenSandboxPlaygroundApplication.class)
			.properties("opensandbox.domain=" + this.server.getDomain(), "opensandbox.api-key=" + API_KEY)
			// An argument, which wins over application.properties (server.port=8090): a
			// port of
			// its own, so no pooled connection to an earlier application is reused.
			.run("--server.port=0");
		try {
			int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
			PlaygroundClient alice = PlaygroundClient.connect(port);
			PlaygroundClient bob = PlaygroundClient.connect(port);
			assertThat(alice.info()).extractingByKey("server")
				.isEqualTo(Map.of("kind", "remote", "domain", this.server.getDomain(), "protocol", "http",
						"description", "OpenSandbox server configured by opensandbox.domain"));
			String first = alice.shell("echo hi").sandboxId();
			String second = bob.shell("echo hi").sandboxId();
			assertThat(this.server.getSandboxes()).extracting(EmbeddedSandbox::id).contains(first, second);
		}
		finally {
			context.close();
		}
		assertThat(this.server.getSandboxes()).as("sandboxes left after the application stopped").isEmpty();
	}

	@Test
	void reportsTheServerDownWhenTheApiKeyIsWrong() {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(OpenSandboxPlaygroundApplication.class)
			.properties("opensandbox.domain=" + this.server.getDomain(), "opensandbox.api-key=wrong")
			.run("--server.port=0");
		try {
			int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
			PlaygroundClient session = PlaygroundClient.connect(port);
			PlaygroundClient.Run run = session.run(Map.of("code", "echo hi"));
			assertThat(run.names()).containsExactly("status", "failure");
			assertThat(run.last().get("message")).asString().startsWith("The OpenSandbox server could not run it:");
			session.client()
				.get()
				.uri("/actuator/health")
				.exchange()
				.expectStatus()
				.isEqualTo(503)
				.expectBody()
				.jsonPath("$.components.opensandbox.status")
				.isEqualTo("DOWN");
		}
		finally {
			context.close();
		}
	}

}
