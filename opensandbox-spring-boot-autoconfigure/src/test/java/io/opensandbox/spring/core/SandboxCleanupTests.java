package io.opensandbox.spring.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

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
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Keeping the application's sandboxes alive and killing them at shutdown: parallel kills
 * within a deadline, 404 as success, released sandboxes left alone, renewals, the orphan
 * sweep.
 *
 * @author OpenSandbox Spring Boot
 */
@ExtendWith(OutputCaptureExtension.class)
class SandboxCleanupTests {

	private WireMockServer server;

	private LifecycleClient lifecycle;

	private SandboxTracker tracker;

	@BeforeEach
	void startServer() {
		this.server = new WireMockServer(WireMockConfiguration.options()
			.bindAddress("127.0.0.1")
			.dynamicPort()
			.containerThreads(64)
			.jettyAcceptors(2));
		this.server.start();
		this.lifecycle = new LifecycleClient(WebClient.builder(),
				ServerAddress.of("127.0.0.1:" + this.server.port(), "http"), null, Map.of());
		this.tracker = new SandboxTracker();
	}

	@AfterEach
	void stopServer() {
		this.server.stop();
	}

	private SandboxCleanup cleanup(boolean killOnShutdown, Duration timeout, Duration keepAliveInterval,
			SandboxOwnership orphanSweep) {
		return new SandboxCleanup(new DefaultReactiveSandboxManager(this.lifecycle), this.tracker, null,
				new SandboxCleanup.Settings(killOnShutdown, timeout, keepAliveInterval, orphanSweep, 16),
				Clock.systemUTC());
	}

	private void track(String... ids) {
		for (String id : ids) {
			this.tracker.track(new SandboxTracker.TrackedSandbox(id, "python:3.12", Instant.now(),
					Instant.now().plusSeconds(600), Duration.ofMinutes(10), null));
		}
	}

	@Test
	void stopKillsEveryTrackedSandboxOnceAndInParallel() {
		this.server.stubFor(
				delete(urlMatching("/v1/sandboxes/sb-.*")).willReturn(aResponse().withStatus(204).withFixedDelay(300)));
		for (int i = 0; i < 20; i++) {
			track("sb-" + i);
		}
		SandboxCleanup cleanup = cleanup(true, Duration.ofSeconds(10), null, null);
		long started = System.nanoTime();
		cleanup.destroy();
		long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
		for (int i = 0; i < 20; i++) {
			this.server.verify(1, deleteRequestedFor(urlEqualTo("/v1/sandboxes/sb-" + i)));
		}
		assertThat(this.tracker.size()).isZero();
		// 20 kills of 300 ms each, one after another, would take 6 s
		assertThat(elapsed).isLessThan(4000);
	}

	@Test
	void aHungKillDoesNotHoldShutdownPastTheDeadline(CapturedOutput output) {
		this.server.stubFor(delete(urlEqualTo("/v1/sandboxes/fast")).willReturn(aResponse().withStatus(204)));
		this.server.stubFor(delete(urlEqualTo("/v1/sandboxes/hung"))
			.willReturn(aResponse().withStatus(204).withFixedDelay(20_000)));
		track("fast", "hung");
		long started = System.nanoTime();
		cleanup(true, Duration.ofMillis(500), null, null).destroy();
		long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
		assertThat(elapsed).isLessThan(3000);
		assertThat(this.tracker.isTracked("fast")).isFalse();
		assertThat(this.tracker.isTracked("hung")).isTrue();
		assertThat(output).contains("1 of 2 sandboxes could not be killed at shutdown")
			.contains("did not finish within 500 ms")
			.contains("hung");
	}

	@Test
	void aSandboxThatIsAlreadyGoneCountsAsKilled(CapturedOutput output) {
		this.server.stubFor(delete(urlEqualTo("/v1/sandboxes/gone"))
			.willReturn(json(404, "{\"code\":\"DOCKER::SANDBOX_NOT_FOUND\",\"message\":\"Sandbox gone not found.\"}")));
		track("gone");
		cleanup(true, Duration.ofSeconds(5), null, null).destroy();
		assertThat(this.tracker.size()).isZero();
		assertThat(output).doesNotContain("could not be killed");
	}

	@Test
	void failedKillsAreReportedInOneWarning(CapturedOutput output) {
		this.server.stubFor(delete(urlMatching("/v1/sandboxes/bad-.*"))
			.willReturn(json(500, "{\"code\":\"X\",\"message\":\"boom\"}")));
		track("bad-1", "bad-2");
		cleanup(true, Duration.ofSeconds(5), null, null).destroy();
		assertThat(output).contains("2 of 2 sandboxes could not be killed at shutdown (2 failed)");
		assertThat(output.toString().split("could not be killed", -1)).hasSize(2);
	}

	@Test
	void releasedSandboxesAreNotKilled() {
		this.server.stubFor(delete(urlMatching("/v1/sandboxes/.*")).willReturn(aResponse().withStatus(204)));
		track("kept", "released");
		ReactiveSandbox released = new DefaultReactiveSandbox("released", this.lifecycle,
				new io.opensandbox.spring.client.SandboxEndpointClients(WebClient.builder(), "http", Map.of(), null,
						Duration.ofSeconds(5)),
				false, Clock.systemUTC(), Long.MAX_VALUE, this.tracker, Readiness.defaults());
		assertThat(released.release()).isTrue();
		cleanup(true, Duration.ofSeconds(5), null, null).destroy();
		this.server.verify(1, deleteRequestedFor(urlEqualTo("/v1/sandboxes/kept")));
		this.server.verify(0, deleteRequestedFor(urlEqualTo("/v1/sandboxes/released")));
	}

	@Test
	void killOnShutdownCanBeTurnedOff() {
		track("left");
		cleanup(false, Duration.ofSeconds(5), null, null).destroy();
		this.server.verify(0, deleteRequestedFor(urlMatching(".*")));
		assertThat(this.tracker.isClosed()).isTrue();
	}

	@Test
	void poolsAreDrainedAtShutdownAlongsideTheKillsWithinTheDeadlineAlsoWhenKillsAreOff(CapturedOutput output) {
		this.server.stubFor(delete(urlEqualTo("/v1/sandboxes/tracked")).willReturn(aResponse().withStatus(204)));
		track("tracked");
		AtomicInteger drained = new AtomicInteger();
		SandboxCleanup cleanup = cleanup(true, Duration.ofMillis(500), null, null);
		cleanup.drainOnShutdown(() -> Mono.fromRunnable(drained::incrementAndGet));
		cleanup.drainOnShutdown(() -> Mono.never());
		cleanup.drainOnShutdown(() -> Mono.error(new IllegalStateException("store down")));
		long started = System.nanoTime();
		cleanup.destroy();
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(3000);
		assertThat(drained).hasValue(1);
		this.server.verify(1, deleteRequestedFor(urlEqualTo("/v1/sandboxes/tracked")));
		assertThat(output).contains("Draining a sandbox pool failed: store down");
		SandboxCleanup keeping = cleanup(false, Duration.ofSeconds(5), null, null);
		keeping.drainOnShutdown(() -> Mono.fromRunnable(drained::incrementAndGet));
		keeping.destroy();
		assertThat(drained).hasValue(2);
	}

	@Test
	void noSandboxCanBeTrackedOnceShutdownStarted() {
		cleanup(true, Duration.ofSeconds(5), null, null).destroy();
		org.assertj.core.api.Assertions.assertThatIllegalStateException()
			.isThrownBy(() -> track("late"))
			.withMessageContaining("shutting down");
	}

	@Test
	void keepAliveRenewsSandboxesDueForRenewalAndStopsAfterKill() {
		this.server.stubFor(post(urlPathEqualTo("/v1/sandboxes/due/renew-expiration"))
			.willReturn(json(200, "{\"expiresAt\":\"2099-01-01T00:00:00Z\"}")));
		this.server.stubFor(delete(urlEqualTo("/v1/sandboxes/due")).willReturn(aResponse().withStatus(204)));
		// expires in 10 s with a 10 minute time to live: past half of it, so it is due
		this.tracker.track(new SandboxTracker.TrackedSandbox("due", null, Instant.now(), Instant.now().plusSeconds(10),
				Duration.ofMinutes(10), null));
		// expires in 9 minutes: not due yet
		this.tracker.track(new SandboxTracker.TrackedSandbox("fresh", null, Instant.now(),
				Instant.now().plusSeconds(540), Duration.ofMinutes(10), null));
		// never expires: never renewed
		this.tracker.track(new SandboxTracker.TrackedSandbox("forever", null, Instant.now(), null, null, null));
		SandboxCleanup cleanup = cleanup(true, Duration.ofSeconds(5), Duration.ofMillis(100), null);
		cleanup.start();
		try {
			// The server logs the request before the client has read the answer: wait for
			// both
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				this.server.verify(postRequestedFor(urlEqualTo("/v1/sandboxes/due/renew-expiration")));
				assertThat(this.tracker.get("due").expiresAt()).isEqualTo(Instant.parse("2099-01-01T00:00:00Z"));
			});
			LoggedRequest renewal = this.server
				.findAll(postRequestedFor(urlEqualTo("/v1/sandboxes/due/renew-expiration")))
				.get(0);
			Instant requested = Instant
				.parse(renewal.getBodyAsString().replaceAll(".*\"expiresAt\":\"([^\"]+)\".*", "$1"));
			assertThat(requested).isBetween(Instant.now().plusSeconds(540), Instant.now().plusSeconds(601));
		}
		finally {
			cleanup.destroy();
		}
		int renewals = this.server.findAll(postRequestedFor(urlMatching(".*/renew-expiration"))).size();
		this.server.verify(0, postRequestedFor(urlEqualTo("/v1/sandboxes/fresh/renew-expiration")));
		this.server.verify(0, postRequestedFor(urlEqualTo("/v1/sandboxes/forever/renew-expiration")));
		await().pollDelay(Duration.ofMillis(400))
			.atMost(Duration.ofSeconds(2))
			.untilAsserted(() -> assertThat(this.server.findAll(postRequestedFor(urlMatching(".*/renew-expiration"))))
				.hasSize(renewals));
	}

	@Test
	void keepAliveStopsTrackingASandboxThatIsGone() {
		this.server.stubFor(post(urlEqualTo("/v1/sandboxes/vanished/renew-expiration"))
			.willReturn(json(404, "{\"code\":\"DOCKER::SANDBOX_NOT_FOUND\",\"message\":\"gone\"}")));
		this.tracker.track(
				new SandboxTracker.TrackedSandbox("vanished", null, Instant.now(), null, Duration.ofMinutes(10), null));
		SandboxCleanup cleanup = cleanup(true, Duration.ofSeconds(5), Duration.ofMillis(50), null);
		cleanup.start();
		try {
			await().atMost(Duration.ofSeconds(5)).until(() -> !this.tracker.isTracked("vanished"));
		}
		finally {
			cleanup.destroy();
		}
	}

	@Test
	void stopOutsideAClosingContextKillsNothingAndAcceptsNewSandboxes() {
		this.server.stubFor(delete(urlMatching("/v1/sandboxes/.*")).willReturn(aResponse().withStatus(204)));
		track("kept");
		SandboxCleanup cleanup = cleanup(true, Duration.ofSeconds(5), null, null);
		cleanup.start();
		cleanup.stop();
		assertThat(cleanup.isRunning()).isFalse();
		cleanup.start();
		assertThat(cleanup.isRunning()).isTrue();
		track("later");
		this.server.verify(0, deleteRequestedFor(urlMatching(".*")));
		assertThat(this.tracker.isClosed()).isFalse();
		cleanup.destroy();
		this.server.verify(1, deleteRequestedFor(urlEqualTo("/v1/sandboxes/kept")));
		this.server.verify(1, deleteRequestedFor(urlEqualTo("/v1/sandboxes/later")));
	}

	@Test
	void stopOfAClosingContextIsTheShutdownAndDestroyDoesNotRepeatIt() {
		this.server.stubFor(delete(urlMatching("/v1/sandboxes/.*")).willReturn(aResponse().withStatus(204)));
		track("one");
		SandboxCleanup cleanup = cleanup(true, Duration.ofSeconds(5), null, null);
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			cleanup.setApplicationContext(context);
			cleanup.start();
			cleanup.onApplicationEvent(new ContextClosedEvent(context));
			cleanup.stop();
		}
		this.server.verify(1, deleteRequestedFor(urlEqualTo("/v1/sandboxes/one")));
		assertThat(this.tracker.isClosed()).isTrue();
		org.assertj.core.api.Assertions.assertThatIllegalStateException()
			.isThrownBy(() -> track("two"))
			.withMessageContaining("shutting down");
		cleanup.start();
		assertThat(cleanup.isRunning()).isFalse();
		cleanup.destroy();
		this.server.verify(1, deleteRequestedFor(urlEqualTo("/v1/sandboxes/one")));
	}

	@Test
	void closingAChildContextIsNotAShutdown() {
		track("kept");
		SandboxCleanup cleanup = cleanup(true, Duration.ofSeconds(5), null, null);
		try (GenericApplicationContext parent = new GenericApplicationContext();
				GenericApplicationContext child = new GenericApplicationContext(parent)) {
			cleanup.setApplicationContext(parent);
			cleanup.start();
			cleanup.onApplicationEvent(new ContextClosedEvent(child));
			cleanup.stop();
			cleanup.start();
		}
		this.server.verify(0, deleteRequestedFor(urlMatching(".*")));
		assertThat(this.tracker.isTracked("kept")).isTrue();
		assertThat(this.tracker.isClosed()).isFalse();
	}

	@Test
	void stopSuspendsRenewalsAndStartResumesThemAtOnce() {
		this.server.stubFor(post(urlPathEqualTo("/v1/sandboxes/due/renew-expiration"))
			.willReturn(json(200, "{\"expiresAt\":\"2099-01-01T00:00:00Z\"}")));
		SandboxCleanup cleanup = cleanup(true, Duration.ofSeconds(5), Duration.ofSeconds(2), null);
		cleanup.start();
		cleanup.stop();
		// due at once: expires in 10 s with a 10 minute time to live
		this.tracker.track(new SandboxTracker.TrackedSandbox("due", null, Instant.now(), Instant.now().plusSeconds(10),
				Duration.ofMinutes(10), null));
		try {
			await().pollDelay(Duration.ofMillis(2500))
				.atMost(Duration.ofSeconds(3))
				.untilAsserted(() -> this.server.verify(0, postRequestedFor(urlMatching(".*/renew-expiration"))));
			cleanup.start();
			// the first renewal after a restart does not wait for the 2 s interval
			await().atMost(Duration.ofMillis(1500))
				.untilAsserted(() -> this.server.verify(1,
						postRequestedFor(urlEqualTo("/v1/sandboxes/due/renew-expiration"))));
		}
		finally {
			cleanup.destroy();
		}
	}

	@Test
	void orphansAreSweptAtTheFirstStartOnly() {
		SandboxOwnership ownership = new SandboxOwnership("my-app", "mine");
		this.server.stubFor(get(urlPathEqualTo("/v1/sandboxes")).willReturn(json(200,
				"{\"items\":[],\"pagination\":{\"page\":1,\"pageSize\":200,\"totalItems\":0,\"totalPages\":0,\"hasNextPage\":false}}")));
		SandboxCleanup cleanup = cleanup(false, Duration.ofSeconds(5), null, ownership);
		cleanup.start();
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> this.server.verify(1,
					com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlPathEqualTo("/v1/sandboxes"))));
		cleanup.stop();
		cleanup.start();
		await().pollDelay(Duration.ofMillis(300))
			.atMost(Duration.ofSeconds(2))
			.untilAsserted(() -> this.server.verify(1,
					com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlPathEqualTo("/v1/sandboxes"))));
		cleanup.destroy();
	}

	@Test
	void aSandboxFoundGoneDiscardsTheScopedBeanThatOwnedIt() {
		SandboxScope scope = new SandboxScope();
		scope.get("scopedTarget.python", () -> "instance");
		new SandboxCleanup(new DefaultReactiveSandboxManager(this.lifecycle), this.tracker, scope,
				new SandboxCleanup.Settings(true, Duration.ofSeconds(5), null, null, 16), Clock.systemUTC());
		this.tracker.track(new SandboxTracker.TrackedSandbox("owned", null, Instant.now(), null, null, "python"));
		this.tracker.untrack("owned");
		assertThat(scope.getBeanNames()).containsExactly("scopedTarget.python");
		this.tracker.track(new SandboxTracker.TrackedSandbox("owned", null, Instant.now(), null, null, "python"));
		this.tracker.gone("owned");
		assertThat(scope.getBeanNames()).isEmpty();
		assertThat(scope.get("scopedTarget.python", () -> "new instance")).isEqualTo("new instance");
	}

	@Test
	void orphanSweepKillsSandboxesOfOtherInstancesOfThisApplicationOnly(CapturedOutput output) {
		SandboxOwnership ownership = new SandboxOwnership("my-app", "mine");
		this.server.stubFor(get(urlPathEqualTo("/v1/sandboxes")).willReturn(json(200,
				"""
						{"items":[
						  {"id":"orphan","status":{"state":"Running"},"metadata":{"opensandbox-spring-boot/application":"my-app","opensandbox-spring-boot/instance":"old"}},
						  {"id":"own","status":{"state":"Running"},"metadata":{"opensandbox-spring-boot/application":"my-app","opensandbox-spring-boot/instance":"mine"}},
						  {"id":"dead","status":{"state":"Terminated"},"metadata":{"opensandbox-spring-boot/application":"my-app","opensandbox-spring-boot/instance":"old"}}
						],"pagination":{"page":1,"pageSize":200,"totalItems":3,"totalPages":1,"hasNextPage":false}}""")));
		this.server.stubFor(delete(urlMatching("/v1/sandboxes/.*")).willReturn(aResponse().withStatus(204)));
		SandboxCleanup cleanup = cleanup(false, Duration.ofSeconds(5), null, ownership);
		assertThat(cleanup.sweepOrphans(ownership).block()).isEqualTo(1);
		assertThat(output).contains("Killed 1 sandboxes left by earlier instances of application 'my-app'");
		List<LoggedRequest> listings = this.server
			.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlPathEqualTo("/v1/sandboxes")));
		assertThat(listings).singleElement()
			.satisfies((request) -> assertThat(request.queryParameter("metadata").firstValue())
				.isEqualTo("opensandbox-spring-boot/application=my-app"));
		this.server.verify(1, deleteRequestedFor(urlEqualTo("/v1/sandboxes/orphan")));
		this.server.verify(0, deleteRequestedFor(urlEqualTo("/v1/sandboxes/own")));
		this.server.verify(0, deleteRequestedFor(urlEqualTo("/v1/sandboxes/dead")));
	}

	@Test
	void settingsAreCheckedWhenMade() {
		Duration second = Duration.ofSeconds(1);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SandboxCleanup.Settings(true, Duration.ZERO, null, null, 1))
			.withMessageContaining("Shutdown timeout");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SandboxCleanup.Settings(true, second.negated(), null, null, 1));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SandboxCleanup.Settings(true, second, Duration.ZERO, null, 1))
			.withMessageContaining("Keep-alive interval");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SandboxCleanup.Settings(true, second, second.negated(), null, 1));
		assertThatIllegalArgumentException().isThrownBy(() -> new SandboxCleanup.Settings(true, second, null, null, 0))
			.withMessageContaining("Concurrency");
		assertThat(new SandboxCleanup.Settings(true, second, second, null, 1).concurrency()).isOne();
	}

	@Test
	void everyPartIsRequired() {
		SandboxCleanup.Settings settings = new SandboxCleanup.Settings(true, Duration.ofSeconds(1), null, null, 1);
		DefaultReactiveSandboxManager manager = new DefaultReactiveSandboxManager(this.lifecycle);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SandboxCleanup(null, this.tracker, null, settings, Clock.systemUTC()))
			.withMessageContaining("manager");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SandboxCleanup(manager, null, null, settings, Clock.systemUTC()))
			.withMessageContaining("tracker");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SandboxCleanup(manager, this.tracker, null, null, Clock.systemUTC()))
			.withMessageContaining("settings");
	}

	@Test
	void destroyStopsTheRenewalsOfSandboxesItLeavesAlive() throws InterruptedException {
		this.server.stubFor(post(urlPathEqualTo("/v1/sandboxes/kept/renew-expiration"))
			.willReturn(json(200, "{\"expiresAt\":\"2026-01-01T00:00:00Z\"}")));
		// always due: its expiry stays in the past
		this.tracker.track(new SandboxTracker.TrackedSandbox("kept", null, Instant.now(), Instant.EPOCH,
				Duration.ofMinutes(10), null));
		SandboxCleanup cleanup = cleanup(false, Duration.ofSeconds(5), Duration.ofMillis(50), null);
		cleanup.start();
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(
					() -> this.server.verify(postRequestedFor(urlEqualTo("/v1/sandboxes/kept/renew-expiration"))));
		cleanup.destroy();
		// A renewal already on the wire may still arrive; after that, none: running on,
		// the
		// renewals would come every 50 ms
		Thread.sleep(300);
		int renewals = this.server.findAll(postRequestedFor(urlMatching(".*/renew-expiration"))).size();
		Thread.sleep(600);
		assertThat(this.server.findAll(postRequestedFor(urlMatching(".*/renew-expiration")))).hasSize(renewals);
		assertThat(this.tracker.isTracked("kept")).isTrue();
	}

	@Test
	void anOrphanSweepThatKillsNothingSaysNothing(CapturedOutput output) {
		SandboxOwnership ownership = new SandboxOwnership("my-app", "mine");
		this.server.stubFor(get(urlPathEqualTo("/v1/sandboxes")).willReturn(json(200,
				"{\"items\":[],\"pagination\":{\"page\":1,\"pageSize\":200,\"totalItems\":0,\"totalPages\":0,\"hasNextPage\":false}}")));
		assertThat(cleanup(false, Duration.ofSeconds(5), null, ownership).sweepOrphans(ownership).block()).isZero();
		assertThat(output).doesNotContain("Killed");
	}

	@Test
	void stopsInAPhaseAboveReactorNettysResources() {
		assertThat(cleanup(true, Duration.ofSeconds(1), null, null).getPhase()).isGreaterThan(1);
	}

	private static ResponseDefinitionBuilder json(int status, String body) {
		return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
	}

}
