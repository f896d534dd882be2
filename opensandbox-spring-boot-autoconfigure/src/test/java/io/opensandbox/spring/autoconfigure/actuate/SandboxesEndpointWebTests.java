package io.opensandbox.spring.autoconfigure.actuate;

import java.time.Duration;
import java.time.Instant;

import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.jackson.JacksonEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementContextAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.reactor.netty.autoconfigure.NettyReactiveWebServerAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webflux.autoconfigure.HttpHandlerAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.opensandbox.spring.autoconfigure.OpenSandboxAutoConfiguration;
import io.opensandbox.spring.core.SandboxTracker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.noContent;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the {@code sandboxes} actuator endpoint over HTTP, in a reactive web
 * application on loopback with an OpenSandbox server stand-in.
 *
 * @author OpenSandbox Spring Boot
 */
@SpringBootTest(classes = SandboxesEndpointWebTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "management.endpoints.web.exposure.include=sandboxes",
				"opensandbox.cleanup.kill-on-shutdown=false", "opensandbox.cleanup.keep-alive=false",
				"opensandbox.retry.enabled=false" })
@DirtiesContext
class SandboxesEndpointWebTests {

	private static final SandboxTracker.TrackedSandbox FIRST = new SandboxTracker.TrackedSandbox("sbx-first",
			"python:3.12", Instant.parse("2026-01-01T10:00:00Z"), Instant.parse("2026-01-01T10:10:00Z"),
			Duration.ofMinutes(10), "analysisSandbox");

	private static final SandboxTracker.TrackedSandbox SECOND = new SandboxTracker.TrackedSandbox("sbx-second",
			"node:22", Instant.parse("2026-01-01T11:00:00Z"), null, null, null);

	@RegisterExtension
	static final WireMockExtension server = WireMockExtension.newInstance()
		.options(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort())
		.build();

	@DynamicPropertySource
	static void openSandboxServer(DynamicPropertyRegistry registry) {
		registry.add("opensandbox.domain", () -> "127.0.0.1:" + server.getPort());
	}

	@LocalServerPort
	private int port;

	@Autowired
	private SandboxTracker tracker;

	private WebTestClient client;

	@BeforeEach
	void trackTwoSandboxes() {
		this.tracker.tracked().forEach((sandbox) -> this.tracker.untrack(sandbox.id()));
		this.tracker.track(FIRST);
		this.tracker.track(SECOND);
		this.client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).build();
		stubState(FIRST.id(), "Running");
		stubState(SECOND.id(), "Paused");
	}

	@Test
	void readListsTheTrackedSandboxesWithTheirState() {
		this.client.get()
			.uri("/actuator/sandboxes")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.sandboxes.length()")
			.isEqualTo(2)
			.jsonPath("$.sandboxes[0].id")
			.isEqualTo("sbx-first")
			.jsonPath("$.sandboxes[0].state")
			.isEqualTo("Running")
			.jsonPath("$.sandboxes[0].image")
			.isEqualTo("python:3.12")
			.jsonPath("$.sandboxes[0].created")
			.isEqualTo("2026-01-01T10:00:00Z")
			.jsonPath("$.sandboxes[0].expires")
			.isEqualTo("2026-01-01T10:10:00Z")
			.jsonPath("$.sandboxes[0].owner")
			.isEqualTo("analysisSandbox")
			.jsonPath("$.sandboxes[1].id")
			.isEqualTo("sbx-second")
			.jsonPath("$.sandboxes[1].state")
			.isEqualTo("Paused");
	}

	@Test
	void readAnswersOkWithoutAStateForASandboxWhoseLookupFails() {
		server.stubFor(get(urlEqualTo("/v1/sandboxes/" + FIRST.id())).willReturn(aResponse().withStatus(500)));
		this.client.get()
			.uri("/actuator/sandboxes")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.sandboxes.length()")
			.isEqualTo(2)
			.jsonPath("$.sandboxes[0].id")
			.isEqualTo("sbx-first")
			.jsonPath("$.sandboxes[0].state")
			.doesNotHaveJsonPath()
			.jsonPath("$.sandboxes[1].state")
			.isEqualTo("Paused");
	}

	@Test
	void readOfATrackedSandboxAnswersItWithItsState() {
		this.client.get()
			.uri("/actuator/sandboxes/sbx-second")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.id")
			.isEqualTo("sbx-second")
			.jsonPath("$.state")
			.isEqualTo("Paused")
			.jsonPath("$.image")
			.isEqualTo("node:22");
	}

	@Test
	void readOfAnUntrackedSandboxAnswersNotFoundAndSendsNothing() {
		stubState("sbx-foreign", "Running");
		this.client.get().uri("/actuator/sandboxes/sbx-foreign").exchange().expectStatus().isNotFound();
		server.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void deleteKillsATrackedSandboxAndALaterReadListsOnlyTheOther() {
		server.stubFor(delete(urlEqualTo("/v1/sandboxes/" + FIRST.id())).willReturn(noContent()));
		this.client.delete()
			.uri("/actuator/sandboxes/sbx-first")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.id")
			.isEqualTo("sbx-first");
		server.verify(1, deleteRequestedFor(urlEqualTo("/v1/sandboxes/" + FIRST.id())));
		this.client.get()
			.uri("/actuator/sandboxes")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.sandboxes.length()")
			.isEqualTo(1)
			.jsonPath("$.sandboxes[0].id")
			.isEqualTo("sbx-second");
		server.verify(1, deleteRequestedFor(urlPathMatching("/v1/sandboxes/.*")));
	}

	@Test
	void deleteOfAnUnknownSandboxAnswersNotFoundAndSendsNothing() {
		server.stubFor(delete(urlEqualTo("/v1/sandboxes/sbx-foreign")).willReturn(noContent()));
		this.client.delete().uri("/actuator/sandboxes/sbx-foreign").exchange().expectStatus().isNotFound();
		server.verify(0, anyRequestedFor(anyUrl()));
		assertThat(this.tracker.tracked()).containsExactly(FIRST, SECOND);
	}

	private static void stubState(String id, String state) {
		server.stubFor(get(urlEqualTo("/v1/sandboxes/" + id)).willReturn(okJson("""
				{"id":"%s","status":{"state":"%s"},"entrypoint":["tail"],"createdAt":"2026-01-01T00:00:00Z"}"""
			.formatted(id, state))));
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ NettyReactiveWebServerAutoConfiguration.class, HttpHandlerAutoConfiguration.class,
			WebFluxAutoConfiguration.class, CodecsAutoConfiguration.class, JacksonAutoConfiguration.class,
			EndpointAutoConfiguration.class, JacksonEndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class,
			ManagementContextAutoConfiguration.class, OpenSandboxAutoConfiguration.class,
			SandboxesEndpointAutoConfiguration.class })
	static class TestApplication {

	}

}
