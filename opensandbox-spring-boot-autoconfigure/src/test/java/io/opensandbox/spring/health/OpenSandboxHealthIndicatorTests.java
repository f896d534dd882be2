package io.opensandbox.spring.health;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.reactive.function.client.WebClient;

import io.opensandbox.spring.client.LifecycleClient;
import io.opensandbox.spring.core.FixedStatusPool;
import io.opensandbox.spring.core.OpenSandboxConnection;
import io.opensandbox.spring.core.ReactiveSandboxManager;
import io.opensandbox.spring.core.ReactiveSandboxPool;
import io.opensandbox.spring.core.SandboxTracker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link OpenSandboxHealthIndicator}.
 *
 * @author OpenSandbox Spring Boot
 */
@ExtendWith(OutputCaptureExtension.class)
class OpenSandboxHealthIndicatorTests {

	private static final String API_KEY = "health-secret-key-7f3a";

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final String LIST_URL = "/v1/sandboxes?page=1&pageSize=1";

	private static final String EMPTY_PAGE = """
			{"items": [], "pagination": {"page": 1, "pageSize": 1, "totalItems": 0, "totalPages": 0,
			 "hasNextPage": false}}""";

	private WireMockServer server;

	private final SandboxTracker tracker = new SandboxTracker();

	@BeforeEach
	void startServer() {
		this.server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
		this.server.start();
	}

	@AfterEach
	void stopServer() {
		this.server.stop();
	}

	@Test
	void upWhenTheServerAnswersAndAcceptsTheApiKey() {
		stubHealthy();
		this.server.stubFor(get(urlEqualTo(LIST_URL)).withHeader(LifecycleClient.API_KEY_HEADER, equalTo(API_KEY))
			.willReturn(okJson(EMPTY_PAGE)));
		track("sb-1", "sb-2");
		Health health = check(indicator(this.server.port(), this.tracker, TIMEOUT));
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("domain", "http://127.0.0.1:" + this.server.port())
			.containsEntry("trackedSandboxes", 2)
			.doesNotContainKeys("reason", "error");
		assertThat(health.getDetails().get("responseTime")).isInstanceOfSatisfying(Long.class,
				(millis) -> assertThat(millis).isNotNegative());
		assertNoApiKey(health);
	}

	@Test
	void checkMakesOneHealthCallAndOneAuthenticatedOneItemListCall() {
		stubHealthy();
		this.server.stubFor(get(urlPathEqualTo("/v1/sandboxes")).willReturn(okJson(EMPTY_PAGE)));
		check(indicator(this.server.port(), this.tracker, TIMEOUT));
		this.server.verify(1, getRequestedFor(urlEqualTo("/health")));
		this.server.verify(1,
				getRequestedFor(urlEqualTo(LIST_URL)).withHeader(LifecycleClient.API_KEY_HEADER, equalTo(API_KEY)));
		this.server.verify(2, anyRequestedFor(anyUrl()));
	}

	@Test
	void poolsAreReportedAndOneThatCannotCreateAndHasNoIdleSandboxIsDown() {
		stubHealthy();
		this.server.stubFor(get(urlEqualTo(LIST_URL)).willReturn(okJson(EMPTY_PAGE)));
		ReactiveSandboxPool.Status healthy = FixedStatusPool.healthy("python", 2, 1);
		Health up = check(new OpenSandboxHealthIndicator(client(this.server.port()),
				URI.create("http://127.0.0.1:" + this.server.port()), null, TIMEOUT,
				List.of(new FixedStatusPool(healthy))));
		assertThat(up.getStatus()).isEqualTo(Status.UP);
		assertThat(up.getDetails()).containsEntry("pools", Map.of("python", healthy));
		ReactiveSandboxPool.Status failing = new ReactiveSandboxPool.Status("node", 0, 0, 0, 1, 3, 3,
				"OpenSandboxApiException: no such image", Instant.now().plusSeconds(4), true);
		ReactiveSandboxPool.Status failingButStocked = new ReactiveSandboxPool.Status("go", 1, 0, 0, 2, 1, 1,
				"OpenSandboxApiException: quota", Instant.now().plusSeconds(1), true);
		Health down = check(new OpenSandboxHealthIndicator(client(this.server.port()),
				URI.create("http://127.0.0.1:" + this.server.port()), null, TIMEOUT,
				List.of(new FixedStatusPool(healthy), new FixedStatusPool(failingButStocked),
						new FixedStatusPool(failing))));
		assertThat(down.getStatus()).isEqualTo(Status.DOWN);
		assertThat(down.getDetails())
			.containsEntry("reason",
					"Sandbox pool 'node' cannot create sandboxes: OpenSandboxApiException: no such image")
			.containsKey("pools");
		Health stocked = check(new OpenSandboxHealthIndicator(client(this.server.port()),
				URI.create("http://127.0.0.1:" + this.server.port()), null, TIMEOUT,
				List.of(new FixedStatusPool(failingButStocked))));
		assertThat(stocked.getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void withoutTrackerTrackedSandboxesAreNotReported() {
		stubHealthy();
		this.server.stubFor(get(urlEqualTo(LIST_URL)).willReturn(okJson(EMPTY_PAGE)));
		Health health = check(indicator(this.server.port(), null, TIMEOUT));
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsKeys("domain", "responseTime").doesNotContainKey("trackedSandboxes");
	}

	@Test
	void downWhenTheConnectionIsRefused() throws IOException {
		int closedPort = closedPort();
		track("sb-1");
		Health health = check(indicator(closedPort, this.tracker, TIMEOUT));
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("reason", "Server unreachable")
			.containsEntry("domain", "http://127.0.0.1:" + closedPort)
			.containsEntry("trackedSandboxes", 1)
			.containsKey("responseTime");
		assertThat(health.getDetails().get("error")).asString().contains("connection refused");
		assertNoApiKey(health);
	}

	@Test
	void downWhenTheApiKeyIsInvalid() {
		stubHealthy();
		this.server.stubFor(get(urlEqualTo(LIST_URL)).willReturn(
				json(401, "{\"code\":\"INVALID_API_KEY\",\"message\":\"Authentication credentials are invalid.\"}")));
		Health health = check(indicator(this.server.port(), this.tracker, TIMEOUT));
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("reason", "API key rejected")
			.containsEntry("httpStatus", 401)
			.containsEntry("errorCode", "INVALID_API_KEY")
			.containsKeys("domain", "responseTime");
		assertThat(health.getDetails().get("error")).asString().contains("Authentication credentials are invalid.");
		assertNoApiKey(health);
	}

	@Test
	void downWhenTheApiKeyLacksPermission() {
		stubHealthy();
		this.server.stubFor(get(urlEqualTo(LIST_URL))
			.willReturn(json(403, "{\"code\":\"FORBIDDEN\",\"message\":\"Not allowed.\"}")));
		Health health = check(indicator(this.server.port(), this.tracker, TIMEOUT));
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("reason", "API key rejected").containsEntry("httpStatus", 403);
		assertNoApiKey(health);
	}

	@Test
	void downWithStatusAndErrorCodeOnAServerError() {
		stubHealthy();
		this.server.stubFor(get(urlEqualTo(LIST_URL)).willReturn(
				json(500, "{\"code\":\"SANDBOX::INTERNAL_ERROR\",\"message\":\"Docker daemon not reachable.\"}")));
		Health health = check(indicator(this.server.port(), this.tracker, TIMEOUT));
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("reason", "Server error (HTTP 500)")
			.containsEntry("httpStatus", 500)
			.containsEntry("errorCode", "SANDBOX::INTERNAL_ERROR");
		assertThat(health.getDetails().get("error")).asString().contains("Docker daemon not reachable.");
		assertNoApiKey(health);
	}

	@Test
	void downWithoutSendingTheApiKeyWhenTheHealthEndpointFails() {
		this.server.stubFor(get(urlEqualTo("/health")).willReturn(aResponse().withStatus(503)));
		this.server.stubFor(get(urlEqualTo(LIST_URL)).willReturn(okJson(EMPTY_PAGE)));
		Health health = check(indicator(this.server.port(), this.tracker, TIMEOUT));
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("reason", "Server error (HTTP 503)")
			.containsEntry("httpStatus", 503)
			.doesNotContainKey("errorCode");
		this.server.verify(0, getRequestedFor(urlPathEqualTo("/v1/sandboxes")));
	}

	@Test
	void downWhenTheHealthEndpointAnswersSomethingElse() {
		this.server.stubFor(get(urlEqualTo("/health")).willReturn(
				aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("not json")));
		Health health = check(indicator(this.server.port(), this.tracker, TIMEOUT));
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("reason", "Unexpected response");
	}

	@Test
	void downWithinTheTimeoutWhenTheServerHangs() {
		this.server
			.stubFor(get(urlEqualTo("/health")).willReturn(okJson("{\"status\":\"healthy\"}").withFixedDelay(10_000)));
		long started = System.nanoTime();
		Health health = check(indicator(this.server.port(), this.tracker, Duration.ofMillis(300)));
		long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
		assertThat(elapsed).isLessThan(3000);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("reason", "No answer within 300 ms").containsKey("domain");
		assertThat(health.getDetails().get("responseTime")).isInstanceOfSatisfying(Long.class,
				(millis) -> assertThat(millis).isGreaterThanOrEqualTo(300));
		assertThat(health.getDetails().get("error")).asString().contains("did not finish within 300 ms");
		assertNoApiKey(health);
	}

	@Test
	void timeoutAlsoBoundsTheAuthenticatedCall() {
		stubHealthy();
		this.server.stubFor(get(urlEqualTo(LIST_URL)).willReturn(okJson(EMPTY_PAGE).withFixedDelay(10_000)));
		long started = System.nanoTime();
		Health health = check(indicator(this.server.port(), this.tracker, Duration.ofMillis(300)));
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(3000);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("reason", "No answer within 300 ms");
	}

	@Test
	void neitherDetailsNorLogsContainTheApiKey(CapturedOutput output) throws IOException {
		stubHealthy();
		this.server.stubFor(get(urlEqualTo(LIST_URL)).willReturn(
				json(401, "{\"code\":\"INVALID_API_KEY\",\"message\":\"Authentication credentials are invalid.\"}")));
		Health rejected = check(indicator(this.server.port(), this.tracker, TIMEOUT));
		Health unreachable = check(indicator(closedPort(), this.tracker, TIMEOUT));
		this.server.resetAll();
		stubHealthy();
		this.server.stubFor(get(urlEqualTo(LIST_URL)).willReturn(okJson(EMPTY_PAGE)));
		Health up = check(indicator(this.server.port(), this.tracker, TIMEOUT));
		assertThat(rejected.getStatus()).isEqualTo(Status.DOWN);
		assertThat(unreachable.getStatus()).isEqualTo(Status.DOWN);
		assertThat(up.getStatus()).isEqualTo(Status.UP);
		assertNoApiKey(rejected);
		assertNoApiKey(unreachable);
		assertNoApiKey(up);
		// The failures are logged as warnings, also without the key
		assertThat(output).contains("OpenSandbox health check failed").doesNotContain(API_KEY);
	}

	@Test
	void timeoutMustBePositive() {
		ReactiveSandboxManager client = client(this.server.port());
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new OpenSandboxHealthIndicator(client, URI.create("http://127.0.0.1"), this.tracker,
					Duration.ZERO))
			.withMessageContaining("'timeout' must be positive");
	}

	private void stubHealthy() {
		this.server.stubFor(get(urlEqualTo("/health")).willReturn(okJson("{\"status\":\"healthy\"}")));
	}

	private static ResponseDefinitionBuilder json(int status, String body) {
		return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
	}

	private void track(String... ids) {
		for (String id : ids) {
			this.tracker.track(new SandboxTracker.TrackedSandbox(id, "python:3.12", Instant.now(), null, null, null));
		}
	}

	private static OpenSandboxHealthIndicator indicator(int port, @Nullable SandboxTracker tracker, Duration timeout) {
		return new OpenSandboxHealthIndicator(client(port), URI.create("http://127.0.0.1:" + port), tracker, timeout);
	}

	private static ReactiveSandboxManager client(int port) {
		return ReactiveSandboxManager.create(
				OpenSandboxConnection.builder(WebClient.builder()).domain("127.0.0.1:" + port).apiKey(API_KEY).build());
	}

	private static Health check(OpenSandboxHealthIndicator indicator) {
		Health health = indicator.health().block(TIMEOUT);
		assertThat(health).isNotNull();
		return health;
	}

	private static void assertNoApiKey(Health health) {
		assertThat(health.toString()).doesNotContain(API_KEY);
		assertThat(health.getDetails().values())
			.allSatisfy((value) -> assertThat(value).asString().doesNotContain(API_KEY));
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			return socket.getLocalPort();
		}
	}

}
