package io.opensandbox.spring.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.opensandbox.spring.client.BlockHoundExtension;
import io.opensandbox.spring.client.LifecycleClient;
import io.opensandbox.spring.client.ServerAddress;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The background work of {@link SandboxCleanup} (renewals and the orphan sweep) makes no
 * blocking call on a non-blocking thread. Both run as they do in the application: on
 * Reactor's {@code parallel()} scheduler, whose threads BlockHound watches, with the
 * responses handled on Netty event loops. See {@code NonBlockingTests} for the client.
 *
 * @author OpenSandbox Spring Boot
 */
@ExtendWith(BlockHoundExtension.class)
class SandboxCleanupNonBlockingTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private WireMockServer server;

	private SandboxTracker tracker;

	private SandboxCleanup cleanup;

	@BeforeEach
	void startServer() {
		this.server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
		this.server.start();
		LifecycleClient lifecycle = new LifecycleClient(WebClient.builder(),
				ServerAddress.of("127.0.0.1:" + this.server.port(), "http"), null, Map.of());
		this.tracker = new SandboxTracker();
		this.cleanup = new SandboxCleanup(new DefaultReactiveSandboxManager(lifecycle), this.tracker, null,
				new SandboxCleanup.Settings(true, Duration.ofSeconds(5), null, null, 4), Clock.systemUTC());
	}

	@AfterEach
	void stopServer() {
		this.server.stop();
	}

	@Test
	void renewingDueSandboxesDoesNotBlock() {
		this.server.stubFor(post(urlMatching("/v1/sandboxes/[a-z]+/renew-expiration"))
			.willReturn(json(200, "{\"expiresAt\":\"2099-01-01T00:00:00Z\"}")));
		this.server.stubFor(post(urlEqualTo("/v1/sandboxes/vanished/renew-expiration"))
			.willReturn(json(404, "{\"code\":\"DOCKER::SANDBOX_NOT_FOUND\",\"message\":\"gone\"}")));
		track("due", Instant.now().plusSeconds(10));
		track("unknown", null);
		track("vanished", null);
		track("fresh", Instant.now().plusSeconds(540));
		Mono.defer(this.cleanup::renewDue).subscribeOn(Schedulers.parallel()).block(TIMEOUT);
		assertThat(this.tracker.get("due").expiresAt()).isEqualTo(Instant.parse("2099-01-01T00:00:00Z"));
		assertThat(this.tracker.get("unknown").expiresAt()).isEqualTo(Instant.parse("2099-01-01T00:00:00Z"));
		assertThat(this.tracker.isTracked("vanished")).isFalse();
		this.server.verify(0, postRequestedFor(urlEqualTo("/v1/sandboxes/fresh/renew-expiration")));
	}

	@Test
	void sweepingOrphansDoesNotBlock() {
		SandboxOwnership ownership = new SandboxOwnership("my-app", "mine");
		this.server.stubFor(get(urlPathEqualTo("/v1/sandboxes")).willReturn(json(200,
				"""
						{"items":[
						  {"id":"orphan","status":{"state":"Running"},"metadata":{"opensandbox-spring-boot/application":"my-app","opensandbox-spring-boot/instance":"old"}},
						  {"id":"missing","status":{"state":"Running"},"metadata":{"opensandbox-spring-boot/application":"my-app","opensandbox-spring-boot/instance":"old"}},
						  {"id":"own","status":{"state":"Running"},"metadata":{"opensandbox-spring-boot/application":"my-app","opensandbox-spring-boot/instance":"mine"}}
						],"pagination":{"page":1,"pageSize":200,"totalItems":3,"totalPages":1,"hasNextPage":false}}""")));
		this.server.stubFor(delete(urlEqualTo("/v1/sandboxes/orphan")).willReturn(aResponse().withStatus(204)));
		this.server.stubFor(delete(urlEqualTo("/v1/sandboxes/missing"))
			.willReturn(json(404, "{\"code\":\"DOCKER::SANDBOX_NOT_FOUND\",\"message\":\"gone\"}")));
		Integer killed = Mono.defer(() -> this.cleanup.sweepOrphans(ownership))
			.subscribeOn(Schedulers.parallel())
			.block(TIMEOUT);
		assertThat(killed).isEqualTo(2);
		this.server.verify(1, deleteRequestedFor(urlEqualTo("/v1/sandboxes/orphan")));
		this.server.verify(0, deleteRequestedFor(urlEqualTo("/v1/sandboxes/own")));
	}

	private void track(String id, Instant expiresAt) {
		this.tracker
			.track(new SandboxTracker.TrackedSandbox(id, null, Instant.now(), expiresAt, Duration.ofMinutes(10), null));
	}

	private static ResponseDefinitionBuilder json(int status, String body) {
		return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
	}

}
