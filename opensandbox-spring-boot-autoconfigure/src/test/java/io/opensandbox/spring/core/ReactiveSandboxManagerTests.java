package io.opensandbox.spring.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import io.opensandbox.spring.client.LifecycleClient;
import io.opensandbox.spring.client.ServerAddress;
import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.model.SandboxInfo;
import io.opensandbox.spring.model.SnapshotInfo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.noContent;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ReactiveSandboxManager}.
 *
 * @author OpenSandbox Spring Boot
 */
class ReactiveSandboxManagerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String ID = "8a6b4d1e-3c2f-4e5a-9b7c-1d2e3f4a5b6c";

	private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");

	private WireMockServer server;

	private LifecycleClient client;

	private ReactiveSandboxManager manager;

	@BeforeEach
	void startServer() {
		this.server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
		this.server.start();
		this.client = new LifecycleClient(WebClient.builder(),
				ServerAddress.of("127.0.0.1:" + this.server.port(), "http"), "test-key", Map.of());
		this.manager = new DefaultReactiveSandboxManager(this.client, Clock.fixed(NOW, ZoneOffset.UTC));
	}

	@AfterEach
	void stopServer() {
		this.server.stop();
	}

	@Test
	void killDeletesTheSandbox() {
		this.server.stubFor(delete(urlEqualTo("/v1/sandboxes/" + ID)).willReturn(noContent()));
		StepVerifier.create(this.manager.kill(ID)).expectComplete().verify(TIMEOUT);
		this.server.verify(1, deleteRequestedFor(urlEqualTo("/v1/sandboxes/" + ID)));
	}

	@Test
	void killTreatsNotFoundAsDone() {
		this.server
			.stubFor(delete(urlEqualTo("/v1/sandboxes/" + ID)).willReturn(error(404, "DOCKER::SANDBOX_NOT_FOUND")));
		StepVerifier.create(this.manager.kill(ID)).expectComplete().verify(TIMEOUT);
		this.server.verify(1, deleteRequestedFor(urlEqualTo("/v1/sandboxes/" + ID)));
	}

	@Test
	void killPropagatesServerErrors() {
		this.server
			.stubFor(delete(urlEqualTo("/v1/sandboxes/" + ID)).willReturn(error(500, "SANDBOX::INTERNAL_ERROR")));
		StepVerifier.create(this.manager.kill(ID))
			.expectErrorSatisfies(
					(ex) -> assertThat(ex).isInstanceOfSatisfying(OpenSandboxApiException.ServerError.class,
							(server) -> assertThat(server.getErrorCode()).isEqualTo("SANDBOX::INTERNAL_ERROR")))
			.verify(TIMEOUT);
	}

	@Test
	void getPropagatesNotFound() {
		this.server.stubFor(get(urlEqualTo("/v1/sandboxes/" + ID)).willReturn(error(404, "DOCKER::SANDBOX_NOT_FOUND")));
		StepVerifier.create(this.manager.get(ID)).expectError(OpenSandboxApiException.NotFound.class).verify(TIMEOUT);
	}

	@Test
	void signedEndpointAsksForARouteUntilTheExpiryInEpochSeconds() {
		this.server.stubFor(get(
				urlEqualTo("/v1/sandboxes/" + ID + "/endpoints/8080?expires=" + NOW.plusSeconds(600).getEpochSecond()))
			.willReturn(okJson("{\"endpoint\":\"gw.example.com/signed/abc/8080\",\"headers\":{}}")));
		StepVerifier.create(this.manager.signedEndpoint(ID, 8080, NOW.plusSeconds(600)))
			.expectNextMatches((endpoint) -> endpoint.endpoint().equals("gw.example.com/signed/abc/8080"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void signedEndpointThatWouldAlreadyHaveExpiredIsRefusedBeforeSending() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.manager.signedEndpoint(ID, 8080, NOW))
			.withMessageContaining("Expiry must be in the future");
		assertThatIllegalArgumentException().isThrownBy(() -> this.manager.signedEndpoint(ID, 0, NOW.plusSeconds(9)));
		this.server.verify(0, getRequestedFor(urlPathEqualTo("/v1/sandboxes/" + ID + "/endpoints/8080")));
	}

	@Test
	void renewSendsNowPlusTimeToLive() {
		this.server.stubFor(post(urlEqualTo("/v1/sandboxes/" + ID + "/renew-expiration"))
			.willReturn(okJson("{\"expiresAt\": \"2025-03-01T10:30:00.000000+00:00\"}")));
		StepVerifier.create(this.manager.renew(ID, Duration.ofMinutes(30)))
			.expectNext(Instant.parse("2025-03-01T10:30:00Z"))
			.expectComplete()
			.verify(TIMEOUT);
		this.server.verify(1, postRequestedFor(urlEqualTo("/v1/sandboxes/" + ID + "/renew-expiration"))
			.withRequestBody(equalToJson("{\"expiresAt\": \"2025-03-01T10:30:00Z\"}")));
	}

	@Test
	void renewReadsTheClockWhenSubscribed() {
		this.server.stubFor(post(urlEqualTo("/v1/sandboxes/" + ID + "/renew-expiration"))
			.willReturn(okJson("{\"expiresAt\": \"2025-03-01T11:30:00Z\"}")));
		MutableClock clock = new MutableClock(NOW);
		ReactiveSandboxManager manager = new DefaultReactiveSandboxManager(this.client, clock);
		Mono<Instant> renewal = manager.renew(ID, Duration.ofMinutes(30));
		clock.now = NOW.plus(Duration.ofHours(1));
		renewal.block(TIMEOUT);
		this.server.verify(1, postRequestedFor(urlEqualTo("/v1/sandboxes/" + ID + "/renew-expiration"))
			.withRequestBody(equalToJson("{\"expiresAt\": \"2025-03-01T11:30:00Z\"}")));
	}

	@Test
	void renewRejectsZeroTimeToLive() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.manager.renew(ID, Duration.ZERO))
			.withMessageContaining("must be positive");
		assertThat(this.server.getAllServeEvents()).isEmpty();
	}

	@Test
	void renewRejectsNegativeTimeToLive() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.manager.renew(ID, Duration.ofSeconds(-1)))
			.withMessageContaining("must be positive");
		assertThat(this.server.getAllServeEvents()).isEmpty();
	}

	@Test
	void renewRejectsMissingTimeToLive() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.manager.renew(ID, null));
		assertThat(this.server.getAllServeEvents()).isEmpty();
	}

	@Test
	void listAllFollowsPagesUntilThereIsNoNextPage() {
		stubSandboxPage(1, true, "a", "b");
		stubSandboxPage(2, true, "c");
		stubSandboxPage(3, false, "d");
		SandboxInfo.Filter filter = SandboxInfo.Filter.all()
			.withStates(SandboxInfo.State.RUNNING)
			.withMetadata("team", "ml");
		List<SandboxInfo> sandboxes = this.manager.listAll(filter).collectList().block(TIMEOUT);
		assertThat(sandboxes).extracting(SandboxInfo::id).containsExactly("a", "b", "c", "d");
		for (int page = 1; page <= 3; page++) {
			this.server.verify(1, getRequestedFor(
					urlEqualTo("/v1/sandboxes?state=Running&metadata=team%3Dml&page=" + page + "&pageSize=200")));
		}
		assertThat(this.server.getAllServeEvents()).hasSize(3);
	}

	@Test
	void listAllStopsOnAnEmptyPageEvenIfTheServerClaimsMore() {
		stubSandboxPage(1, true, "a");
		stubSandboxPage(2, true);
		List<SandboxInfo> sandboxes = this.manager.listAll(SandboxInfo.Filter.all()).collectList().block(TIMEOUT);
		assertThat(sandboxes).extracting(SandboxInfo::id).containsExactly("a");
		assertThat(this.server.getAllServeEvents()).hasSize(2);
	}

	@Test
	void listAllFetchesNothingUntilSubscribed() {
		stubSandboxPage(1, false, "a");
		this.manager.listAll(SandboxInfo.Filter.all());
		assertThat(this.server.getAllServeEvents()).isEmpty();
	}

	@Test
	void listAllSnapshotsFollowsPagesUntilThereIsNoNextPage() {
		stubSnapshotPage(1, true, "s1", "s2");
		stubSnapshotPage(2, false, "s3");
		List<SnapshotInfo> snapshots = this.manager.listAllSnapshots(SnapshotInfo.Filter.all().withSandboxId(ID))
			.collectList()
			.block(TIMEOUT);
		assertThat(snapshots).extracting(SnapshotInfo::id).containsExactly("s1", "s2", "s3");
		this.server.verify(1, getRequestedFor(urlEqualTo("/v1/snapshots?sandboxId=" + ID + "&page=1&pageSize=200")));
		this.server.verify(1, getRequestedFor(urlEqualTo("/v1/snapshots?sandboxId=" + ID + "&page=2&pageSize=200")));
		assertThat(this.server.getAllServeEvents()).hasSize(2);
	}

	@Test
	void listAllSnapshotsStopsOnAnEmptyPageEvenIfTheServerClaimsMore() {
		stubSnapshotPage(1, true);
		assertThat(this.manager.listAllSnapshots(SnapshotInfo.Filter.all()).collectList().block(TIMEOUT)).isEmpty();
		assertThat(this.server.getAllServeEvents()).hasSize(1);
	}

	@Test
	void deleteSnapshotTreatsNotFoundAsDone() {
		this.server.stubFor(delete(urlEqualTo("/v1/snapshots/snap-1")).willReturn(error(404, "SNAPSHOT_NOT_FOUND")));
		StepVerifier.create(this.manager.deleteSnapshot("snap-1")).expectComplete().verify(TIMEOUT);
		this.server.verify(1, deleteRequestedFor(urlEqualTo("/v1/snapshots/snap-1")));
	}

	@Test
	void deleteSnapshotPropagatesServerErrors() {
		this.server.stubFor(delete(urlEqualTo("/v1/snapshots/snap-1")).willReturn(error(503, "UNAVAILABLE")));
		StepVerifier.create(this.manager.deleteSnapshot("snap-1"))
			.expectError(OpenSandboxApiException.ServerError.class)
			.verify(TIMEOUT);
	}

	private void stubSandboxPage(int page, boolean hasNextPage, String... ids) {
		String items = Arrays.stream(ids)
			.map((id) -> "{\"id\": \"" + id + "\", \"status\": {\"state\": \"Running\"}}")
			.collect(Collectors.joining(","));
		this.server.stubFor(get(urlPathEqualTo("/v1/sandboxes")).withQueryParam("page", equalTo(String.valueOf(page)))
			.willReturn(okJson(page(items, page, hasNextPage))));
	}

	private void stubSnapshotPage(int page, boolean hasNextPage, String... ids) {
		String items = Arrays.stream(ids)
			.map((id) -> "{\"id\": \"" + id + "\", \"sandboxId\": \"" + ID + "\", \"status\": {\"state\": \"Ready\"}}")
			.collect(Collectors.joining(","));
		this.server.stubFor(get(urlPathEqualTo("/v1/snapshots")).withQueryParam("page", equalTo(String.valueOf(page)))
			.willReturn(okJson(page(items, page, hasNextPage))));
	}

	private static String page(String items, int page, boolean hasNextPage) {
		return """
				{"items": [%s], "pagination": {"page": %d, "pageSize": 200, "totalItems": 1000, "totalPages": 5,
				  "hasNextPage": %s}}
				""".formatted(items, page, hasNextPage);
	}

	private static ResponseDefinitionBuilder error(int status, String code) {
		return aResponse().withStatus(status)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"code\": \"" + code + "\", \"message\": \"failed\"}");
	}

	static final class MutableClock extends Clock {

		volatile Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
