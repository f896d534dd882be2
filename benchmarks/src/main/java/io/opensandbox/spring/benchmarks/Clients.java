package io.opensandbox.spring.benchmarks;

import java.time.Duration;
import java.util.Map;

import com.alibaba.opensandbox.sandbox.config.ConnectionConfig;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import io.opensandbox.spring.client.LifecycleClient;
import io.opensandbox.spring.client.SandboxEndpointClients;
import io.opensandbox.spring.client.ServerAddress;
import io.opensandbox.spring.model.SandboxSpec;

/**
 * Our clients and the official SDK's connection settings for one loopback server.
 *
 * @author OpenSandbox Spring Boot
 */
final class Clients implements AutoCloseable {

	final ConnectionProvider pool;

	final WebClient.Builder builder;

	final LifecycleClient lifecycle;

	final SandboxEndpointClients endpoints;

	Clients(FakeOpenSandbox server) {
		this.pool = ConnectionProvider.builder("benchmark").maxConnections(500).pendingAcquireMaxCount(-1).build();
		this.builder = WebClient.builder().clientConnector(new ReactorClientHttpConnector(HttpClient.create(this.pool)));
		this.lifecycle = new LifecycleClient(this.builder, ServerAddress.of(server.address(), "http"), null, Map.of());
		this.endpoints = new SandboxEndpointClients(this.builder, "http", Map.of(), null, Duration.ofSeconds(60));
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
		return ConnectionConfig.builder()
			.domain(server.address())
			.protocol("http")
			.apiKey("benchmark")
			.requestTimeout(Duration.ofMinutes(5))
			.build();
	}

	@Override
	public void close() {
		this.pool.dispose();
	}

}
