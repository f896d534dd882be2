package io.opensandbox.spring.actuate;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.actuate.SandboxesEndpoint.KilledSandboxDescriptor;
import io.opensandbox.spring.actuate.SandboxesEndpoint.SandboxDescriptor;
import io.opensandbox.spring.actuate.SandboxesEndpoint.SandboxesDescriptor;
import io.opensandbox.spring.core.FixedStatusPool;
import io.opensandbox.spring.core.OpenSandboxConnection;
import io.opensandbox.spring.core.ReactiveSandboxManager;
import io.opensandbox.spring.core.ReactiveSandboxPool;
import io.opensandbox.spring.core.SandboxTracker;
import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.model.SandboxInfo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.noContent;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link SandboxesEndpoint}.
 *
 * @author OpenSandbox Spring Boot
 */
class SandboxesEndpointTests {

	private static final Duration STATE_TIMEOUT = Duration.ofSeconds(2);

	private static final SandboxTracker.TrackedSandbox FIRST = new SandboxTracker.TrackedSandbox("sbx-first",
			"python:3.12", Instant.parse("2026-01-01T10:00:00Z"), Instant.parse("2026-01-01T10:10:00Z"),
			Duration.ofMinutes(10), "analysisSandbox");

	private static final SandboxTracker.TrackedSandbox SECOND = new SandboxTracker.TrackedSandbox("sbx-second", null,
			Instant.parse("2026-01-01T11:00:00Z"), null, null, null);

	@RegisterExtension
	static final WireMockExtension server = WireMockExtension.newInstance()
		.options(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort())
		.build();

	private final SandboxTracker tracker = new SandboxTracker();

	private SandboxesEndpoint endpoint;

	@BeforeEach
	void createEndpoint() {
		OpenSandboxConnection connection = OpenSandboxConnection.builder(WebClient.builder())
			.domain("127.0.0.1:" + server.getPort())
			.build();
		this.endpoint = new SandboxesEndpoint(this.tracker, ReactiveSandboxManager.create(connection), STATE_TIMEOUT);
	}

	@Test
	void readListsTheTrackedSandboxesOldestFirstWithTheirServerState() {
		this.tracker.track(SECOND);
		this.tracker.track(FIRST);
		stubState(FIRST.id(), "Running");
		stubState(SECOND.id(), "Paused");
		SandboxesDescriptor descriptor = this.endpoint.sandboxes();
		assertThat(descriptor.sandboxes()).containsExactly(
				new SandboxDescriptor("sbx-first", "Running", "python:3.12", Instant.parse("2026-01-01T10:00:00Z"),
						Instant.parse("2026-01-01T10:10:00Z"), "analysisSandbox"),
				new SandboxDescriptor("sbx-second", "Paused", null, Instant.parse("2026-01-01T11:00:00Z"), null, null));
	}

	@Test
	void readListsOnlyTrackedSandboxesWithoutListingTheServer() {
		this.tracker.track(FIRST);
		stubState(FIRST.id(), "Running");
		server.stubFor(get(urlPathEqualTo("/v1/sandboxes")).willReturn(
				okJson("""
						{"items":[%s],"pagination":{"page":1,"pageSize":200,"totalItems":1,"totalPages":1,"hasNextPage":false}}"""
					.formatted(sandboxJson("sbx-foreign", "Running")))));
		assertThat(this.endpoint.sandboxes().sandboxes()).extracting(SandboxDescriptor::id)
			.containsExactly("sbx-first");
		server.verify(0, getRequestedFor(urlPathEqualTo("/v1/sandboxes")));
	}

	@Test
	void readShowsTheStatusOfEachPoolWithTheTrackedSandboxes() {
		OpenSandboxConnection connection = OpenSandboxConnection.builder(WebClient.builder())
			.domain("127.0.0.1:" + server.getPort())
			.build();
		ReactiveSandboxPool.Status python = FixedStatusPool.healthy("python", 2, 1);
		ReactiveSandboxPool.Status node = FixedStatusPool.healthy("node", 0, 0);
		SandboxesEndpoint endpoint = new SandboxesEndpoint(this.tracker, ReactiveSandboxManager.create(connection),
				STATE_TIMEOUT, List.of(new FixedStatusPool(python), new FixedStatusPool(node)));
		assertThat(endpoint.sandboxes().pools()).containsExactly(python, node);
		this.tracker.track(FIRST);
		stubState(FIRST.id(), "Running");
		SandboxesDescriptor descriptor = endpoint.sandboxes();
		assertThat(descriptor.pools()).containsExactly(python, node);
		assertThat(descriptor.sandboxes()).extracting(SandboxDescriptor::id).containsExactly("sbx-first");
		assertThat(this.endpoint.sandboxes().pools()).isEmpty();
	}

	@Test
	void readWithNothingTrackedIsEmptyAndSendsNothing() {
		assertThat(this.endpoint.sandboxes().sandboxes()).isEmpty();
		server.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void readGivesNoStateForALookupThatFailsAndListsTheRest() {
		this.tracker.track(FIRST);
		this.tracker.track(SECOND);
		server.stubFor(get(urlEqualTo("/v1/sandboxes/" + FIRST.id())).willReturn(aResponse().withStatus(500)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"code\":\"SANDBOX::INTERNAL_ERROR\",\"message\":\"boom\"}")));
		stubState(SECOND.id(), "Running");
		assertThat(this.endpoint.sandboxes().sandboxes()).extracting(SandboxDescriptor::id, SandboxDescriptor::state)
			.containsExactly(tuple("sbx-first", null), tuple("sbx-second", "Running"));
	}

	@Test
	void readGivesNoStateForALookupSlowerThanTheStateTimeoutAndListsTheRest() {
		this.tracker.track(FIRST);
		this.tracker.track(SECOND);
		server.stubFor(get(urlEqualTo("/v1/sandboxes/" + FIRST.id()))
			.willReturn(okJson(sandboxJson(FIRST.id(), "Running")).withFixedDelay(10_000)));
		stubState(SECOND.id(), "Running");
		assertThat(this.endpoint.sandboxes().sandboxes()).extracting(SandboxDescriptor::id, SandboxDescriptor::state)
			.containsExactly(tuple("sbx-first", null), tuple("sbx-second", "Running"));
	}

	@Test
	@Timeout(30)
	void stateLookupsRunInParallel() {
		PendingLookupsManager manager = new PendingLookupsManager();
		SandboxesEndpoint endpoint = new SandboxesEndpoint(this.tracker, manager.proxy(), Duration.ofMillis(100));
		trackSandboxes(3);
		assertThat(endpoint.sandboxes().sandboxes()).hasSize(3);
		assertThat(manager.maxInFlight).hasValue(3);
	}

	@Test
	@Timeout(30)
	void stateLookupsAreBoundedInNumber() {
		PendingLookupsManager manager = new PendingLookupsManager();
		SandboxesEndpoint endpoint = new SandboxesEndpoint(this.tracker, manager.proxy(), Duration.ofMillis(100));
		trackSandboxes(SandboxesEndpoint.STATE_LOOKUP_CONCURRENCY + 1);
		assertThat(endpoint.sandboxes().sandboxes()).hasSize(SandboxesEndpoint.STATE_LOOKUP_CONCURRENCY + 1)
			.allSatisfy((sandbox) -> assertThat(sandbox.state()).isNull());
		assertThat(manager.maxInFlight).hasValue(SandboxesEndpoint.STATE_LOOKUP_CONCURRENCY);
		assertThat(manager.lookups).hasValue(SandboxesEndpoint.STATE_LOOKUP_CONCURRENCY + 1);
	}

	@Test
	void readOfATrackedSandboxHasItsServerState() {
		this.tracker.track(FIRST);
		stubState(FIRST.id(), "Running");
		assertThat(this.endpoint.sandbox(FIRST.id()))
			.isEqualTo(new SandboxDescriptor("sbx-first", "Running", "python:3.12",
					Instant.parse("2026-01-01T10:00:00Z"), Instant.parse("2026-01-01T10:10:00Z"), "analysisSandbox"));
	}

	@Test
	void readOfATrackedSandboxWhoseLookupFailsHasNoState() {
		this.tracker.track(FIRST);
		server.stubFor(get(urlEqualTo("/v1/sandboxes/" + FIRST.id())).willReturn(aResponse().withStatus(500)));
		SandboxDescriptor descriptor = this.endpoint.sandbox(FIRST.id());
		assertThat(descriptor).isNotNull();
		assertThat(descriptor.id()).isEqualTo("sbx-first");
		assertThat(descriptor.state()).isNull();
	}

	@Test
	void readOfAnUntrackedSandboxIsNullAndSendsNothing() {
		this.tracker.track(FIRST);
		stubState("sbx-foreign", "Running");
		assertThat(this.endpoint.sandbox("sbx-foreign")).isNull();
		server.verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void deleteKillsATrackedSandboxOnceAndUntracksIt() {
		this.tracker.track(FIRST);
		this.tracker.track(SECOND);
		server.stubFor(delete(urlEqualTo("/v1/sandboxes/" + FIRST.id())).willReturn(noContent()));
		KilledSandboxDescriptor killed = this.endpoint.kill(FIRST.id());
		assertThat(killed).isEqualTo(new KilledSandboxDescriptor("sbx-first", "python:3.12", "analysisSandbox"));
		server.verify(1, deleteRequestedFor(urlEqualTo("/v1/sandboxes/" + FIRST.id())));
		server.verify(1, anyRequestedFor(anyUrl()));
		assertThat(this.tracker.isTracked(FIRST.id())).isFalse();
		assertThat(this.tracker.isTracked(SECOND.id())).isTrue();
	}

	@Test
	void deleteOfATrackedSandboxThatIsAlreadyGoneUntracksIt() {
		this.tracker.track(FIRST);
		server.stubFor(delete(urlEqualTo("/v1/sandboxes/" + FIRST.id())).willReturn(aResponse().withStatus(404)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"code\":\"DOCKER::SANDBOX_NOT_FOUND\",\"message\":\"gone\"}")));
		assertThat(this.endpoint.kill(FIRST.id())).isNotNull();
		assertThat(this.tracker.isTracked(FIRST.id())).isFalse();
	}

	@Test
	void deleteThatTheServerRejectsKeepsTheSandboxTracked() {
		this.tracker.track(FIRST);
		server.stubFor(delete(urlEqualTo("/v1/sandboxes/" + FIRST.id())).willReturn(aResponse().withStatus(500)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"code\":\"SANDBOX::INTERNAL_ERROR\",\"message\":\"boom\"}")));
		assertThatExceptionOfType(OpenSandboxApiException.ServerError.class)
			.isThrownBy(() -> this.endpoint.kill(FIRST.id()));
		assertThat(this.tracker.isTracked(FIRST.id())).isTrue();
	}

	@Test
	void deleteOfAnUntrackedSandboxKillsNothingAndIsNull() {
		this.tracker.track(FIRST);
		server.stubFor(delete(urlEqualTo("/v1/sandboxes/sbx-foreign")).willReturn(noContent()));
		assertThat(this.endpoint.kill("sbx-foreign")).isNull();
		server.verify(0, anyRequestedFor(anyUrl()));
		assertThat(this.tracker.isTracked(FIRST.id())).isTrue();
	}

	@Test
	void stateTimeoutMustBePositive() {
		ReactiveSandboxManager manager = new PendingLookupsManager().proxy();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SandboxesEndpoint(this.tracker, manager, Duration.ZERO))
			.withMessageContaining("stateTimeout");
	}

	private void trackSandboxes(int count) {
		for (int i = 0; i < count; i++) {
			this.tracker.track(new SandboxTracker.TrackedSandbox("sbx-" + i, null, Instant.EPOCH.plusSeconds(i), null,
					null, null));
		}
	}

	private static void stubState(String id, String state) {
		server.stubFor(get(urlEqualTo("/v1/sandboxes/" + id)).willReturn(okJson(sandboxJson(id, state))));
	}

	private static String sandboxJson(String id, String state) {
		return """
				{"id":"%s","status":{"state":"%s"},"entrypoint":["tail"],"createdAt":"2026-01-01T00:00:00Z"}"""
			.formatted(id, state);
	}

	/**
	 * A manager whose state lookups never answer, counting how many are in flight at
	 * once. Nothing else may be called.
	 */
	static class PendingLookupsManager {

		final AtomicInteger lookups = new AtomicInteger();

		final AtomicInteger maxInFlight = new AtomicInteger();

		private final AtomicInteger inFlight = new AtomicInteger();

		ReactiveSandboxManager proxy() {
			return (ReactiveSandboxManager) Proxy.newProxyInstance(getClass().getClassLoader(),
					new Class<?>[] { ReactiveSandboxManager.class }, (instance, method, arguments) -> {
						if (method.getName().equals("get")) {
							return get();
						}
						if (method.getName().equals("toString")) {
							return "PendingLookupsManager";
						}
						throw new UnsupportedOperationException(method.getName());
					});
		}

		private Mono<SandboxInfo> get() {
			return Mono.<SandboxInfo>never().doOnSubscribe((subscription) -> {
				this.lookups.incrementAndGet();
				this.maxInFlight.accumulateAndGet(this.inFlight.incrementAndGet(), Math::max);
			}).doFinally((signal) -> this.inFlight.decrementAndGet());
		}

	}

}
