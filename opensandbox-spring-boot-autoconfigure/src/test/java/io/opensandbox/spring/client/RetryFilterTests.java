package io.opensandbox.spring.client;

import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.model.SandboxSpec;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Which requests are retried, after what, how long it waits, and when it gives up.
 *
 * @author OpenSandbox Spring Boot
 */
class RetryFilterTests {

	private static final String SANDBOX = """
			{"id":"abc","status":{"state":"Running"},"entrypoint":["tail"],"createdAt":"2026-01-01T00:00:00Z"}""";

	private static final RetryFilter POLICY = new RetryFilter(true, 3, Duration.ofMillis(20), Duration.ofMillis(200),
			Duration.ofSeconds(10));

	private WireMockServer server;

	@BeforeEach
	void startServer() {
		this.server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
		this.server.start();
	}

	@AfterEach
	void stopServer() {
		this.server.stop();
	}

	private LifecycleClient client(RetryFilter policy) {
		return new LifecycleClient(WebClient.builder().filter(policy.asFilter()),
				ServerAddress.of("127.0.0.1:" + this.server.port(), "http"), null, Map.of());
	}

	private void answerInTurn(
			java.util.function.Supplier<com.github.tomakehurst.wiremock.client.MappingBuilder> request,
			ResponseDefinitionBuilder... answers) {
		String state = Scenario.STARTED;
		for (int i = 0; i < answers.length; i++) {
			String next = (i < answers.length - 1) ? "answer-" + (i + 1) : state;
			this.server.stubFor(request.get()
				.inScenario("answers")
				.whenScenarioStateIs(state)
				.willReturn(answers[i])
				.willSetStateTo(next));
			state = next;
		}
	}

	@Test
	void idempotentRequestIsRetriedAfterA503() {
		answerInTurn(() -> get(urlEqualTo("/v1/sandboxes/abc")), json(503, "{\"code\":\"BUSY\",\"message\":\"busy\"}"),
				json(200, SANDBOX));
		assertThat(client(POLICY).get("abc").block().id()).isEqualTo("abc");
		this.server.verify(2, getRequestedFor(urlEqualTo("/v1/sandboxes/abc")));
	}

	@Test
	void aCallerThatRetriesOnItsOwnScheduleGetsOneAttempt() {
		answerInTurn(() -> get(urlEqualTo("/v1/sandboxes/abc")), json(503, "{\"code\":\"BUSY\",\"message\":\"busy\"}"),
				json(200, SANDBOX));
		assertThatExceptionOfType(OpenSandboxApiException.ServerError.class)
			.isThrownBy(() -> client(POLICY).poll("abc").block());
		this.server.verify(1, getRequestedFor(urlEqualTo("/v1/sandboxes/abc")));
		assertThat(client(POLICY).poll("abc").block().id()).isEqualTo("abc");
	}

	@Test
	void idempotentRequestIsRetriedAfterAConnectionReset() {
		answerInTurn(() -> get(urlEqualTo("/v1/sandboxes/abc")), aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
				json(200, SANDBOX));
		assertThat(client(POLICY).get("abc").block().id()).isEqualTo("abc");
	}

	@Test
	void retryAfterIsHonouredUpToTheMaximumBackoff() {
		answerInTurn(() -> get(urlEqualTo("/v1/sandboxes/abc")),
				json(429, "{\"code\":\"SLOW\",\"message\":\"slow down\"}").withHeader("Retry-After", "1"),
				json(200, SANDBOX));
		RetryFilter policy = new RetryFilter(true, 3, Duration.ofMillis(1), Duration.ofMillis(600),
				Duration.ofSeconds(10));
		long started = System.nanoTime();
		client(policy).get("abc").block();
		long elapsed = Duration.ofNanos(System.nanoTime() - started).toMillis();
		// Retry-After: 1 (second) capped at the 600 ms maximum backoff
		assertThat(elapsed).isBetween(550L, 2000L);
	}

	@Test
	void lastRetryableAnswerIsTranslatedWithItsBody() {
		this.server.stubFor(get(urlEqualTo("/v1/sandboxes/abc"))
			.willReturn(json(503, "{\"code\":\"BUSY\",\"message\":\"still busy\"}")));
		assertThatExceptionOfType(OpenSandboxApiException.ServerError.class)
			.isThrownBy(() -> client(POLICY).get("abc").block())
			.satisfies((ex) -> assertThat(ex.getServerMessage()).isEqualTo("still busy"));
		this.server.verify(3, getRequestedFor(urlEqualTo("/v1/sandboxes/abc")));
	}

	@Test
	void createIsNotRetriedAfterAnErrorStatus() {
		this.server
			.stubFor(post(urlEqualTo("/v1/sandboxes")).willReturn(json(503, "{\"code\":\"BUSY\",\"message\":\"b\"}")));
		SandboxSpec spec = SandboxSpec.builder()
			.image("python:3.12")
			.entrypoint("tail")
			.resource("cpu", "1")
			.timeout(Duration.ofMinutes(5))
			.build();
		assertThatExceptionOfType(OpenSandboxApiException.ServerError.class)
			.isThrownBy(() -> client(POLICY).create(spec).block());
		this.server.verify(1, postRequestedFor(urlEqualTo("/v1/sandboxes")));
	}

	@Test
	void metadataPatchIsNotRetriedAfterAnErrorStatus() {
		this.server.stubFor(patch(urlEqualTo("/v1/sandboxes/abc/metadata"))
			.willReturn(json(502, "{\"code\":\"GW\",\"message\":\"g\"}")));
		assertThatExceptionOfType(OpenSandboxApiException.ServerError.class)
			.isThrownBy(() -> client(POLICY).patchMetadata("abc", Map.of("a", "b")).block());
		this.server.verify(1, patchRequestedFor(urlEqualTo("/v1/sandboxes/abc/metadata")));
	}

	@Test
	void pauseIsRetriedAsTheServerTreatsItIdempotently() {
		answerInTurn(() -> post(urlEqualTo("/v1/sandboxes/abc/pause")), json(504, "{\"code\":\"T\",\"message\":\"t\"}"),
				aResponse().withStatus(202));
		client(POLICY).pause("abc").block();
		this.server.verify(2, postRequestedFor(urlEqualTo("/v1/sandboxes/abc/pause")));
	}

	@Test
	void resumeAndRenewAreRetriedAsTheClientMarksThemIdempotent() {
		answerInTurn(() -> post(urlEqualTo("/v1/sandboxes/abc/resume")),
				json(503, "{\"code\":\"T\",\"message\":\"t\"}"), aResponse().withStatus(202));
		client(POLICY).resume("abc").block();
		this.server.resetScenarios();
		answerInTurn(() -> post(urlEqualTo("/v1/sandboxes/abc/renew-expiration")),
				json(502, "{\"code\":\"T\",\"message\":\"t\"}"), json(200, "{\"expiresAt\":\"2030-01-01T00:00:00Z\"}"));
		client(POLICY).renewExpiration("abc", java.time.Instant.parse("2030-01-01T00:00:00Z")).block();
		this.server.verify(2, postRequestedFor(urlEqualTo("/v1/sandboxes/abc/resume")));
		this.server.verify(2, postRequestedFor(urlEqualTo("/v1/sandboxes/abc/renew-expiration")));
	}

	@Test
	void aPostIsIdempotentOnlyWhenItsCallerSaysSoNotByItsPath() {
		ClientRequest unmarked = ClientRequest
			.create(HttpMethod.POST, URI.create("http://127.0.0.1:1/v1/sandboxes/a/pause"))
			.build();
		ClientRequest marked = ClientRequest.from(unmarked).attribute(RetryFilter.IDEMPOTENT, true).build();
		assertThat(RetryFilter.isIdempotent(unmarked)).isFalse();
		assertThat(RetryFilter.isIdempotent(marked)).isTrue();
		assertThat(RetryFilter.isIdempotent(ClientRequest.create(HttpMethod.GET, URI.create("http://h/x")).build()))
			.isTrue();
		assertThat(RetryFilter.isIdempotent(ClientRequest.create(HttpMethod.PATCH, URI.create("http://h/x")).build()))
			.isFalse();
	}

	@Test
	void nonIdempotentRequestIsRetriedOnlyWhenTheConnectionWasRefused() {
		AtomicInteger attempts = new AtomicInteger();
		ClientRequest create = ClientRequest.create(HttpMethod.POST, URI.create("http://127.0.0.1:1/v1/sandboxes"))
			.build();
		ClientResponse response = POLICY.asFilter().filter(create, (request) -> {
			if (attempts.incrementAndGet() == 1) {
				return Mono.error(new WebClientRequestException(new ConnectException("Connection refused"),
						HttpMethod.POST, request.url(), HttpHeaders.EMPTY));
			}
			return Mono.just(ClientResponse.create(HttpStatus.ACCEPTED).build());
		}).block();
		assertThat(response.statusCode().value()).isEqualTo(202);
		assertThat(attempts).hasValue(2);
	}

	@Test
	void nonIdempotentRequestIsNotRetriedAfterAResetConnection() {
		AtomicInteger attempts = new AtomicInteger();
		ClientRequest create = ClientRequest.create(HttpMethod.POST, URI.create("http://127.0.0.1:1/v1/sandboxes"))
			.build();
		assertThatExceptionOfType(WebClientRequestException.class)
			.isThrownBy(() -> POLICY.asFilter().filter(create, (request) -> {
				attempts.incrementAndGet();
				return Mono.error(new WebClientRequestException(new java.io.IOException("Connection reset by peer"),
						HttpMethod.POST, request.url(), HttpHeaders.EMPTY));
			}).block());
		assertThat(attempts).hasValue(1);
	}

	@Test
	void retriesStopAtTheDeadline() {
		this.server.stubFor(
				get(urlEqualTo("/v1/sandboxes/abc")).willReturn(json(503, "{\"code\":\"BUSY\",\"message\":\"busy\"}")));
		RetryFilter policy = new RetryFilter(true, 100, Duration.ofMillis(100), Duration.ofMillis(100),
				Duration.ofMillis(350));
		assertThatExceptionOfType(OpenSandboxApiException.ServerError.class)
			.isThrownBy(() -> client(policy).get("abc").block());
		assertThat(this.server.findAll(getRequestedFor(urlEqualTo("/v1/sandboxes/abc")))).hasSizeBetween(2, 8);
	}

	@Test
	void disabledPolicyNeverRetries() {
		this.server.stubFor(
				get(urlEqualTo("/v1/sandboxes/abc")).willReturn(json(503, "{\"code\":\"BUSY\",\"message\":\"busy\"}")));
		RetryFilter disabled = new RetryFilter(false, 5, Duration.ofMillis(1), Duration.ofMillis(1),
				Duration.ofSeconds(1));
		assertThatExceptionOfType(OpenSandboxApiException.ServerError.class)
			.isThrownBy(() -> client(disabled).get("abc").block());
		this.server.verify(1, getRequestedFor(urlEqualTo("/v1/sandboxes/abc")));
	}

	@Test
	void successfulStreamIsNeverRetriedEvenWhenItBreaks() {
		this.server.stubFor(get(urlEqualTo("/v1/sandboxes/abc")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withFault(Fault.MALFORMED_RESPONSE_CHUNK)));
		assertThatExceptionOfType(io.opensandbox.spring.error.OpenSandboxException.class)
			.isThrownBy(() -> client(POLICY).get("abc").block());
		this.server.verify(1, getRequestedFor(urlEqualTo("/v1/sandboxes/abc")));
	}

	@Test
	void delaysBackOffExponentiallyWithJitterUpToTheMaximum() {
		RetryFilter policy = new RetryFilter(true, 10, Duration.ofMillis(100), Duration.ofMillis(1000),
				Duration.ofSeconds(60));
		for (int i = 0; i < 50; i++) {
			assertThat(policy.delay(1, null).toMillis()).isBetween(50L, 100L);
			assertThat(policy.delay(3, null).toMillis()).isBetween(200L, 400L);
			assertThat(policy.delay(8, null).toMillis()).isBetween(500L, 1000L);
		}
		assertThat(policy.delay(1, Duration.ofSeconds(30))).isEqualTo(Duration.ofMillis(1000));
		assertThat(policy.delay(1, Duration.ofMillis(300))).isEqualTo(Duration.ofMillis(300));
	}

	@Test
	void retriesAreRecordedOnTheCurrentObservation() {
		answerInTurn(() -> get(urlEqualTo("/v1/sandboxes/abc")), json(503, "{\"code\":\"BUSY\",\"message\":\"busy\"}"),
				json(200, SANDBOX));
		io.micrometer.observation.tck.TestObservationRegistry registry = io.micrometer.observation.tck.TestObservationRegistry
			.create();
		LifecycleClient client = new LifecycleClient(
				WebClient.builder().observationRegistry(registry).filter(POLICY.asFilter()),
				ServerAddress.of("127.0.0.1:" + this.server.port(), "http"), null, Map.of());
		client.get("abc").block();
		io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat(registry)
			.hasObservationWithNameEqualTo("http.client.requests")
			.that()
			.hasEvent("opensandbox.retry");
	}

	private static ResponseDefinitionBuilder json(int status, String body) {
		return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
	}

}
