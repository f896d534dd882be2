package io.opensandbox.spring.benchmarks;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.alibaba.opensandbox.sandbox.config.ConnectionConfig;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.opensandbox.spring.autoconfigure.OpenSandboxWebClientBuilderFactory;
import io.opensandbox.spring.client.ExecdClient;
import io.opensandbox.spring.client.SandboxEndpointClients;
import io.opensandbox.spring.core.ReactiveSandboxManager;
import io.opensandbox.spring.core.ReactiveSandboxTemplate;
import io.opensandbox.spring.model.SandboxEndpoint;
import io.opensandbox.spring.model.SandboxSpec;
import io.opensandbox.spring.observation.OpenSandboxObservations;

/**
 * Our clients as an application gets them, from the auto-configuration (its connection
 * pool, retry filter and API key), pointed at one loopback server; and the official SDK's
 * connection settings for the same server.
 *
 * @author OpenSandbox Spring Boot
 */
final class Clients implements AutoCloseable {

	final ConfigurableApplicationContext context;

	final ReactiveSandboxManager manager;

	final SandboxEndpointClients endpoints;

	final ReactiveSandboxTemplate template;

	Clients(FakeOpenSandbox server) {
		this(server.address(), Map.of());
	}

	Clients(String address, Map<String, Object> properties) {
		Map<String, Object> all = new LinkedHashMap<>();
		all.put("opensandbox.domain", address);
		all.put("opensandbox.protocol", "http");
		all.put("opensandbox.api-key", "benchmark");
		all.put("opensandbox.cleanup.keep-alive", "false");
		all.put("opensandbox.execd.stream-idle-timeout", "60s");
		all.putAll(properties);
		this.context = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(all)
			.run();
		this.manager = this.context.getBean(ReactiveSandboxManager.class);
		// execd clients on the auto-configured builder, as a sandbox handle makes them
		this.endpoints = new SandboxEndpointClients(
				this.context.getBean(OpenSandboxWebClientBuilderFactory.class).builder(), "http", Map.of(), null,
				Duration.ofSeconds(60), this.context.getBean(OpenSandboxObservations.class));
		this.template = this.context.getBean(ReactiveSandboxTemplate.class);
	}

	/** An execd client for a loopback execd, as a sandbox handle would make it. */
	ExecdClient execd(String address) {
		return this.endpoints.execd(new SandboxEndpoint(address, Map.of()));
	}

	static SandboxSpec spec() {
		return SandboxSpec.builder()
			.image("python:3.11")
			.entrypoint("tail", "-f", "/dev/null")
			.resource("cpu", "1")
			.resource("memory", "2Gi")
			.timeout(Duration.ofMinutes(10))
			.build();
	}

	static ConnectionConfig sdkConfig(FakeOpenSandbox server) {
		return sdkConfig(server.address());
	}

	static ConnectionConfig sdkConfig(String address) {
		return ConnectionConfig.builder()
			.domain(address)
			.protocol("http")
			.apiKey("benchmark")
			.requestTimeout(Duration.ofMinutes(5))
			.build();
	}

	@Override
	public void close() {
		this.context.close();
	}

	/**
	 * A minimal application: whatever the class path auto-configures.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

	}

}
