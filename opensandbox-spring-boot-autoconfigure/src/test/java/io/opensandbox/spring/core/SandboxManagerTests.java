package io.opensandbox.spring.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

import io.opensandbox.spring.client.LifecycleClient;
import io.opensandbox.spring.client.ServerAddress;
import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.model.ResultPage;
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
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link SandboxManager}.
 *
 * @author OpenSandbox Spring Boot
 */
class SandboxManagerTests {

	private static final String ID = "8a6b4d1e-3c2f-4e5a-9b7c-1d2e3f4a5b6c";

	private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");

	private WireMockServer server;

	private ReactiveSandboxManager reactive;

	private SandboxManager manager;

	@BeforeEach
	void startServer() {
		this.server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
		this.server.start();
		LifecycleClient client = new LifecycleClient(WebClient.builder(),
				ServerAddress.of("127.0.0.1:" + this.server.port(), "http"), "test-key", Map.of());
		this.reactive = new DefaultReactiveSandboxManager(client, Clock.fixed(NOW, ZoneOffset.UTC));
		this.manager = SandboxManager.of(this.reactive);
	}

	@AfterEach
	void stopServer() {
		this.server.stop();
	}

	@Test
	void reactiveReturnsTheTwin() {
		assertThat(this.manager.reactive()).isSameAs(this.reactive);
	}

	@Test
	void killDeletesTheSandbox() {
		this.server.stubFor(delete(urlEqualTo("/v1/sandboxes/" + ID)).willReturn(noContent()));
		this.manager.kill(ID);
		this.server.verify(1, deleteRequestedFor(urlEqualTo("/v1/sandboxes/" + ID)));
	}

	@Test
	void killTreatsNotFoundAsDone() {
		this.server
			.stubFor(delete(urlEqualTo("/v1/sandboxes/" + ID)).willReturn(error(404, "DOCKER::SANDBOX_NOT_FOUND")));
		this.manager.kill(ID);
		this.server.verify(1, deleteRequestedFor(urlEqualTo("/v1/sandboxes/" + ID)));
	}

	@Test
	void killPropagatesServerErrors() {
		this.server
			.stubFor(delete(urlEqualTo("/v1/sandboxes/" + ID)).willReturn(error(500, "SANDBOX::INTERNAL_ERROR")));
		assertThatExceptionOfType(OpenSandboxApiException.ServerError.class).isThrownBy(() -> this.manager.kill(ID))
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(500));
	}

	@Test
	void getReturnsTheSandbox() {
		this.server.stubFor(get(urlEqualTo("/v1/sandboxes/" + ID))
			.willReturn(okJson("{\"id\": \"" + ID + "\", \"status\": {\"state\": \"Paused\"}}")));
		SandboxInfo info = this.manager.get(ID);
		assertThat(info.id()).isEqualTo(ID);
		assertThat(info.state()).isEqualTo(SandboxInfo.State.PAUSED);
	}

	@Test
	void getPropagatesNotFound() {
		this.server.stubFor(get(urlEqualTo("/v1/sandboxes/" + ID)).willReturn(error(404, "DOCKER::SANDBOX_NOT_FOUND")));
		assertThatExceptionOfType(OpenSandboxApiException.NotFound.class).isThrownBy(() -> this.manager.get(ID));
	}

	@Test
	void listReturnsOnePage() {
		stubSandboxPage(2, true, "a");
		ResultPage<SandboxInfo> page = this.manager.list(SandboxInfo.Filter.all().withStates(SandboxInfo.State.PAUSED),
				2, 1);
		assertThat(page.items()).extracting(SandboxInfo::id).containsExactly("a");
		assertThat(page.hasNextPage()).isTrue();
		this.server.verify(1, getRequestedFor(urlEqualTo("/v1/sandboxes?state=Paused&page=2&pageSize=1")));
	}

	@Test
	void pauseAndResumeSendTheirRequests() {
		this.server.stubFor(post(urlEqualTo("/v1/sandboxes/" + ID + "/pause")).willReturn(aResponse().withStatus(202)));
		this.server
			.stubFor(post(urlEqualTo("/v1/sandboxes/" + ID + "/resume")).willReturn(aResponse().withStatus(202)));
		this.manager.pause(ID);
		this.manager.resume(ID);
		this.server.verify(1, postRequestedFor(urlEqualTo("/v1/sandboxes/" + ID + "/pause")));
		this.server.verify(1, postRequestedFor(urlEqualTo("/v1/sandboxes/" + ID + "/resume")));
	}

	@Test
	void renewSendsNowPlusTimeToLiveAndReturnsTheNewExpiry() {
		this.server.stubFor(post(urlEqualTo("/v1/sandboxes/" + ID + "/renew-expiration"))
			.willReturn(okJson("{\"expiresAt\": \"2025-03-01T12:00:00.5Z\"}")));
		Instant expiresAt = this.manager.renew(ID, Duration.ofHours(2));
		assertThat(expiresAt).isEqualTo(Instant.parse("2025-03-01T12:00:00.5Z"));
		this.server.verify(1, postRequestedFor(urlEqualTo("/v1/sandboxes/" + ID + "/renew-expiration"))
			.withRequestBody(equalToJson("{\"expiresAt\": \"2025-03-01T12:00:00Z\"}")));
	}

	@Test
	void renewRejectsZeroOrNegativeTimeToLive() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.manager.renew(ID, Duration.ZERO));
		assertThatIllegalArgumentException().isThrownBy(() -> this.manager.renew(ID, Duration.ofMinutes(-5)));
		assertThat(this.server.getAllServeEvents()).isEmpty();
	}

	@Test
	void patchMetadataSendsNullsAndReturnsTheSandbox() {
		this.server.stubFor(patch(urlEqualTo("/v1/sandboxes/" + ID + "/metadata")).willReturn(okJson(
				"{\"id\": \"" + ID + "\", \"status\": {\"state\": \"Running\"}, \"metadata\": {\"team\": \"ml\"}}")));
		Map<String, String> changes = new LinkedHashMap<>();
		changes.put("team", "ml");
		changes.put("old", null);
		SandboxInfo info = this.manager.patchMetadata(ID, changes);
		assertThat(info.metadata()).containsExactly(Map.entry("team", "ml"));
		this.server.verify(1, patchRequestedFor(urlEqualTo("/v1/sandboxes/" + ID + "/metadata"))
			.withRequestBody(equalToJson("{\"team\": \"ml\", \"old\": null}")));
	}

	@Test
	void listAllStreamsEveryPage() {
		stubSandboxPage(1, true, "a", "b");
		stubSandboxPage(2, false, "c");
		try (Stream<SandboxInfo> sandboxes = this.manager.listAll(SandboxInfo.Filter.all())) {
			assertThat(sandboxes.map(SandboxInfo::id)).containsExactly("a", "b", "c");
		}
		this.server.verify(1, getRequestedFor(urlEqualTo("/v1/sandboxes?page=1&pageSize=200")));
		this.server.verify(1, getRequestedFor(urlEqualTo("/v1/sandboxes?page=2&pageSize=200")));
		assertThat(this.server.getAllServeEvents()).hasSize(2);
	}

	@Test
	void listAllStopsOnAnEmptyPageEvenIfTheServerClaimsMore() {
		stubSandboxPage(1, true, "a");
		stubSandboxPage(2, true);
		try (Stream<SandboxInfo> sandboxes = this.manager.listAll(SandboxInfo.Filter.all())) {
			assertThat(sandboxes.map(SandboxInfo::id)).containsExactly("a");
		}
		assertThat(this.server.getAllServeEvents()).hasSize(2);
	}

	@Test
	void listAllPropagatesFailures() {
		stubSandboxPage(1, true, "a");
		this.server.stubFor(get(urlPathEqualTo("/v1/sandboxes")).withQueryParam("page", equalTo("2"))
			.willReturn(error(500, "SANDBOX::INTERNAL_ERROR")));
		try (Stream<SandboxInfo> sandboxes = this.manager.listAll(SandboxInfo.Filter.all())) {
			assertThatExceptionOfType(OpenSandboxApiException.ServerError.class).isThrownBy(sandboxes::toList);
		}
	}

	@Test
	void snapshotsCanBeCreatedReadListedAndDeleted() {
		String snapshot = "{\"id\": \"snap-1\", \"sandboxId\": \"" + ID
				+ "\", \"name\": \"cp\", \"status\": {\"state\": \"%s\"}}";
		this.server
			.stubFor(post(urlEqualTo("/v1/sandboxes/" + ID + "/snapshots")).willReturn(aResponse().withStatus(202)
				.withHeader("Content-Type", "application/json")
				.withBody(snapshot.formatted("Creating"))));
		this.server.stubFor(get(urlEqualTo("/v1/snapshots/snap-1")).willReturn(okJson(snapshot.formatted("Ready"))));
		this.server.stubFor(get(urlPathEqualTo("/v1/snapshots")).willReturn(okJson(
				"{\"items\": [" + snapshot.formatted("Ready") + "], \"pagination\": {\"page\": 1, \"pageSize\": 5,"
						+ " \"totalItems\": 1, \"totalPages\": 1, \"hasNextPage\": false}}")));
		this.server.stubFor(delete(urlEqualTo("/v1/snapshots/snap-1")).willReturn(noContent()));
		assertThat(this.manager.createSnapshot(ID, "cp").state()).isEqualTo(SnapshotInfo.State.CREATING);
		assertThat(this.manager.getSnapshot("snap-1").state()).isEqualTo(SnapshotInfo.State.READY);
		assertThat(this.manager.listSnapshots(SnapshotInfo.Filter.all().withStates(SnapshotInfo.State.READY), 1, 5)
			.items()).extracting(SnapshotInfo::name).containsExactly("cp");
		this.manager.deleteSnapshot("snap-1");
		this.server.verify(1, postRequestedFor(urlEqualTo("/v1/sandboxes/" + ID + "/snapshots"))
			.withRequestBody(equalToJson("{\"name\": \"cp\"}")));
		this.server.verify(1, getRequestedFor(urlEqualTo("/v1/snapshots?state=Ready&page=1&pageSize=5")));
		this.server.verify(1, deleteRequestedFor(urlEqualTo("/v1/snapshots/snap-1")));
	}

	@Test
	void listAllSnapshotsCollectsEveryPage() {
		stubSnapshotPage(1, true, "s1");
		stubSnapshotPage(2, false, "s2", "s3");
		List<SnapshotInfo> snapshots = this.manager.listAllSnapshots(SnapshotInfo.Filter.all()).toList();
		assertThat(snapshots).extracting(SnapshotInfo::id).containsExactly("s1", "s2", "s3");
		assertThat(this.server.getAllServeEvents()).hasSize(2);
	}

	@Test
	void deleteSnapshotTreatsNotFoundAsDone() {
		this.server.stubFor(delete(urlEqualTo("/v1/snapshots/snap-1")).willReturn(error(404, "SNAPSHOT_NOT_FOUND")));
		this.manager.deleteSnapshot("snap-1");
		this.server.verify(1, deleteRequestedFor(urlEqualTo("/v1/snapshots/snap-1")));
	}

	@Test
	void deleteSnapshotPropagatesServerErrors() {
		this.server
			.stubFor(delete(urlEqualTo("/v1/snapshots/snap-1")).willReturn(error(500, "SANDBOX::INTERNAL_ERROR")));
		assertThatExceptionOfType(OpenSandboxApiException.ServerError.class)
			.isThrownBy(() -> this.manager.deleteSnapshot("snap-1"));
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

}
