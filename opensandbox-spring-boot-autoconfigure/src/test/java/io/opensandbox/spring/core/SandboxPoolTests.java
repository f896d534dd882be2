package io.opensandbox.spring.core;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.error.OpenSandboxException;
import io.opensandbox.spring.error.OpenSandboxTimeoutException;
import io.opensandbox.spring.model.SandboxSpec;
import io.opensandbox.spring.observation.OpenSandboxObservations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Warm pools: filling, hand-out, refill, limits, policies, failures, upkeep and drain,
 * against a scripted lifecycle server and execd on loopback.
 *
 * @author OpenSandbox Spring Boot
 */
@ExtendWith(OutputCaptureExtension.class)
class SandboxPoolTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final PoolServer server = new PoolServer();

	private final SandboxTracker tracker = new SandboxTracker();

	private final ReactiveSandboxManagerTests.MutableClock clock = new ReactiveSandboxManagerTests.MutableClock(
			Instant.now());

	private ReactiveSandboxPool pool;

	@AfterEach
	void closeEverything() {
		if (this.pool != null) {
			this.pool.close();
		}
		this.server.close();
	}

	private ReactiveSandboxPool.Builder builder() {
		return ReactiveSandboxPool.builder(this.server.template(this.tracker, this.clock))
			.name("python")
			.spec(SandboxSpec.ofImage("python:3.12"))
			.clock(this.clock)
			.upkeepInterval(Duration.ofMillis(50));
	}

	/**
	 * A pool whose upkeep runs once, at its start: whatever it does afterwards follows
	 * from the changes themselves, not from a periodic catch-up.
	 */
	private ReactiveSandboxPool.Builder withoutUpkeep() {
		return builder().upkeepInterval(Duration.ofHours(1)).leaseTime(Duration.ofHours(2));
	}

	private ReactiveSandboxPool started(ReactiveSandboxPool.Builder builder) {
		this.pool = builder.build();
		((DefaultReactiveSandboxPool) this.pool).start();
		return this.pool;
	}

	private void awaitIdle(int idle) {
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.pool.status().idle()).isEqualTo(idle));
	}

	@Test
	void fillsToTheMinimumBeforeAnyoneAsksAndKeepsIdleSandboxesOutOfTheTracker() {
		started(builder().minIdle(3).maxIdle(3));
		awaitIdle(3);
		assertThat(this.server.creates).hasValue(3);
		assertThat(this.server.alive).hasSize(3);
		assertThat(this.tracker.size()).isZero();
		assertThat(this.pool.status().running()).isTrue();
	}

	@Test
	void anIdleSandboxIsHandedOutAtOnceTrackedAndReplacedInTheBackground() {
		started(builder().minIdle(2).maxIdle(2));
		awaitIdle(2);
		Map<String, Integer> pings = new HashMap<>();
		this.server.alive.keySet().forEach((id) -> pings.put(id, this.server.pingsOf(id)));
		ReactiveSandbox sandbox = this.pool.acquire().block(WAIT);
		assertThat(this.server.creates).hasValueLessThanOrEqualTo(3);
		assertThat(this.tracker.isTracked(sandbox.id())).isTrue();
		assertThat(this.server.pingsOf(sandbox.id())).as("one ping before the hand-out")
			.isEqualTo(pings.get(sandbox.id()) + 1);
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(this.pool.status().idle()).isEqualTo(2);
			assertThat(this.pool.status().inUse()).isEqualTo(1);
		});
		assertThat(this.server.creates).hasValue(3);
	}

	@Test
	void aSandboxIsNeverHandedOutTwiceAndReleasingKillsIt() {
		started(builder().minIdle(4).maxIdle(4).maxTotal(40));
		awaitIdle(4);
		List<ReactiveSandbox> sandboxes = Flux.range(0, 24)
			.flatMap((i) -> this.pool.acquire(), 24)
			.collectList()
			.block(WAIT);
		Set<String> ids = new HashSet<>();
		sandboxes.forEach((sandbox) -> ids.add(sandbox.id()));
		assertThat(ids).hasSize(24);
		Flux.fromIterable(sandboxes).flatMap(this.pool::release).then().block(WAIT);
		assertThat(this.server.alive.keySet()).doesNotContainAnyElementsOf(ids);
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(this.pool.status().inUse()).isZero();
			assertThat(this.pool.status().idle()).isEqualTo(4);
		});
		assertThat(this.tracker.size()).isZero();
	}

	@Test
	void aBrokenIdleSandboxIsKilledAndReplacedNeverHandedOut() {
		started(builder().minIdle(1).maxIdle(1));
		awaitIdle(1);
		String broken = this.server.alive.keySet().iterator().next();
		this.server.broken.add(broken);
		ReactiveSandbox sandbox = this.pool.acquire().block(WAIT);
		assertThat(sandbox.id()).isNotEqualTo(broken);
		assertThat(this.server.alive).doesNotContainKey(broken);
		assertThat(this.tracker.isTracked(broken)).isFalse();
	}

	@Test
	void anEmptyPoolCreatesForTheCallerAndRaisesItsTargetTowardsTheMaximumIdle() {
		MeterRegistry meters = new SimpleMeterRegistry();
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
		started(builder().minIdle(0).maxIdle(2).observations(new OpenSandboxObservations(observations, List.of())));
		assertThat(this.pool.status().target()).isZero();
		ReactiveSandbox first = this.pool.acquire().block(WAIT);
		assertThat(this.tracker.isTracked(first.id())).isTrue();
		assertThat(this.pool.status().target()).isEqualTo(1);
		awaitIdle(1);
		this.pool.acquire().block(WAIT);
		Timer created = meters.find("opensandbox.pool.acquire")
			.tags("opensandbox.pool.name", "python", "opensandbox.pool.source", "created", "outcome", "success")
			.timer();
		Timer idle = meters.find("opensandbox.pool.acquire").tags("opensandbox.pool.source", "idle").timer();
		assertThat(created).isNotNull().extracting(Timer::count).isEqualTo(1L);
		assertThat(idle).isNotNull().extracting(Timer::count).isEqualTo(1L);
	}

	@Test
	void aWaitingPolicyNeverCreatesForTheCallerButGetsTheRefillsSandbox() {
		MeterRegistry meters = new SimpleMeterRegistry();
		this.server.creationDelay = Duration.ofMillis(300);
		started(builder().minIdle(0)
			.maxIdle(1)
			.whenEmpty(ReactiveSandboxPool.WhenEmpty.WAIT)
			.observations(observedBy(meters)));
		ReactiveSandbox sandbox = this.pool.acquire().block(WAIT);
		assertThat(this.tracker.isTracked(sandbox.id())).isTrue();
		assertThat(meters.find("opensandbox.pool.acquire").tags("opensandbox.pool.source", "waited").timer())
			.isNotNull();
		assertThat(meters.find("opensandbox.pool.acquire").tags("opensandbox.pool.source", "created").timer()).isNull();
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.pool.status().idle()).isEqualTo(1));
	}

	private static OpenSandboxObservations observedBy(MeterRegistry meters) {
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
		return new OpenSandboxObservations(observations, List.of());
	}

	@Test
	void theMaximumTotalBoundsEverySandboxAndAnAcquireTimesOutWithTheReason() {
		started(builder().minIdle(0).maxIdle(1).maxTotal(2));
		ReactiveSandbox first = this.pool.acquire().block(WAIT);
		ReactiveSandbox second = this.pool.acquire().block(WAIT);
		assertThat(first.id()).isNotEqualTo(second.id());
		assertThatExceptionOfType(OpenSandboxTimeoutException.class)
			.isThrownBy(() -> this.pool.acquire(Duration.ofMillis(300)).block(WAIT))
			.withMessageContaining("No sandbox from pool 'python' within 300 ms")
			.withMessageContaining("2 in use")
			.withMessageContaining("at most 2")
			.withMessageNotContaining("failed");
		assertThat(this.server.alive).hasSize(2);
		Mono<ReactiveSandbox> third = this.pool.acquire(Duration.ofSeconds(5));
		Mono.delay(Duration.ofMillis(200)).then(this.pool.release(first)).subscribe();
		assertThat(third.block(WAIT).id()).isNotIn(first.id(), second.id());
		assertThat(this.server.alive).hasSizeLessThanOrEqualTo(2);
	}

	@Test
	void failedCreationsBackOffDoublingAndShowInTheStatusUntilOneSucceeds() {
		this.server.failingCreations.set(2);
		started(builder().minIdle(1).maxIdle(1));
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.pool.status().consecutiveFailures()).isEqualTo(1));
		ReactiveSandboxPool.Status failing = this.pool.status();
		assertThat(failing.backingOff()).isTrue();
		assertThat(failing.retryAt()).isEqualTo(this.clock.now.plusSeconds(1));
		assertThat(failing.lastFailure()).contains("no such image");
		sleep(300);
		assertThat(this.server.creates).hasValue(1);
		this.clock.now = this.clock.now.plusSeconds(1);
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.pool.status().consecutiveFailures()).isEqualTo(2));
		assertThat(this.pool.status().retryAt()).isEqualTo(this.clock.now.plusSeconds(2));
		this.clock.now = this.clock.now.plusSeconds(1);
		sleep(300);
		assertThat(this.server.creates).hasValue(2);
		this.clock.now = this.clock.now.plusSeconds(1);
		awaitIdle(1);
		ReactiveSandboxPool.Status recovered = this.pool.status();
		assertThat(recovered.consecutiveFailures()).isZero();
		assertThat(recovered.backingOff()).isFalse();
		assertThat(recovered.creationFailures()).isEqualTo(2);
	}

	@Test
	void idleSandboxesAreRenewedWhenHalfTheirTimeToLiveIsGone() {
		started(builder().minIdle(1).maxIdle(1));
		awaitIdle(1);
		sleep(200);
		assertThat(this.server.renewals).hasValue(0);
		this.clock.now = this.clock.now.plus(Duration.ofMinutes(6));
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.server.renewals).hasValue(1));
		sleep(200);
		assertThat(this.server.renewals).hasValue(1);
	}

	@Test
	void idleSandboxesPastTheirIdleTimeToLiveAreReplacedByFreshOnes() {
		started(builder().minIdle(2).maxIdle(2).idleTimeToLive(Duration.ofMinutes(5)));
		awaitIdle(2);
		Set<String> first = Set.copyOf(this.server.alive.keySet());
		this.clock.now = this.clock.now.plus(Duration.ofMinutes(5));
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(this.server.alive.keySet()).doesNotContainAnyElementsOf(first).hasSize(2);
			assertThat(this.pool.status().idle()).isEqualTo(2);
		});
	}

	@Test
	void closingKillsTheIdleSandboxesCancelsCreationsAndRefusesAcquires() {
		started(builder().minIdle(2).maxIdle(3));
		awaitIdle(2);
		Set<String> idle = new HashSet<>(this.server.alive.keySet());
		this.server.creationDelay = Duration.ofMillis(500);
		ReactiveSandbox inUse = this.pool.acquire().block(WAIT);
		idle.remove(inUse.id());
		await().atMost(WAIT).until(() -> this.pool.status().creating() > 0);
		this.pool.close();
		assertThat(this.server.alive.keySet()).doesNotContainAnyElementsOf(idle).contains(inUse.id());
		ReactiveSandboxPool.Status closed = this.pool.status();
		assertThat(closed.running()).isFalse();
		assertThat(closed.idle()).isZero();
		assertThat(closed.creating()).as("creations in flight cancelled at once").isZero();
		assertThatExceptionOfType(OpenSandboxException.class).isThrownBy(() -> this.pool.acquire().block(WAIT))
			.withMessage("Sandbox pool 'python' is closed");
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.server.alive).containsOnlyKeys(inUse.id()));
		sleep(300);
		assertThat(this.server.alive).containsOnlyKeys(inUse.id());
	}

	@Test
	void stoppingSuspendsTheRefillAndStartingResumesIt() {
		started(builder().minIdle(1).maxIdle(1));
		awaitIdle(1);
		DefaultReactiveSandboxPool pool = (DefaultReactiveSandboxPool) this.pool;
		pool.stop();
		assertThat(pool.isRunning()).isFalse();
		this.pool.acquire().block(WAIT);
		sleep(300);
		assertThat(this.server.creates).hasValue(1);
		pool.start();
		awaitIdle(1);
		assertThat(this.server.creates).hasValue(2);
	}

	@Test
	void aSandboxTheCallerTakesOverWithReleaseLeavesThePoolAlive() {
		started(builder().minIdle(1).maxIdle(1));
		awaitIdle(1);
		ReactiveSandbox sandbox = this.pool.acquire().block(WAIT);
		assertThat(sandbox.release()).isTrue();
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.pool.status().inUse()).isZero());
		assertThat(this.server.alive).containsKey(sandbox.id());
	}

	@Test
	void anAcquireThatTimesOutWhileCreatingLeavesNothingBehind() {
		this.server.creationDelay = Duration.ofMillis(700);
		started(builder().minIdle(0).maxIdle(0).maxTotal(1));
		assertThatExceptionOfType(OpenSandboxTimeoutException.class)
			.isThrownBy(() -> this.pool.acquire(Duration.ofMillis(200)).block(WAIT));
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(this.server.creates).hasValue(1);
			assertThat(this.server.alive).isEmpty();
			assertThat(this.pool.status().creating()).isZero();
		});
		this.server.creationDelay = Duration.ZERO;
		assertThat(this.pool.acquire(Duration.ofSeconds(5)).block(WAIT)).isNotNull();
	}

	@Test
	void executeReleasesTheSandboxHoweverTheCallbackEnds() {
		started(builder().minIdle(1).maxIdle(1));
		awaitIdle(1);
		AtomicBoolean ran = new AtomicBoolean();
		String used = this.pool.execute((sandbox) -> Mono.fromRunnable(() -> ran.set(true)).thenReturn(sandbox.id()))
			.blockLast(WAIT);
		assertThat(ran).isTrue();
		assertThat(this.server.alive).doesNotContainKey(used);
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(
				() -> this.pool.execute((sandbox) -> Mono.error(new IllegalStateException("boom"))).blockLast(WAIT));
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.pool.status().inUse()).isZero());
	}

	@Test
	void argumentsAreCheckedBeforeAnythingIsSent() {
		started(builder().minIdle(0));
		SandboxPool blocking = SandboxPool.of(this.pool);
		assertThatIllegalArgumentException().isThrownBy(() -> this.pool.acquire(Duration.ZERO))
			.withMessage("Acquire timeout must be positive, not PT0S");
		assertThatIllegalArgumentException().isThrownBy(() -> this.pool.release(null))
			.withMessage("'sandbox' must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> this.pool.execute(null))
			.withMessage("'callback' must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> blocking.release(null))
			.withMessage("'sandbox' must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> blocking.execute(null))
			.withMessage("'callback' must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> SandboxPool.of(null))
			.withMessage("'reactive' must not be null");
		assertThat(this.server.creates).hasValue(0);
	}

	@Test
	void aPoolBuiltWithTheCleanupIsDrainedWhenTheApplicationShutsDown() {
		ReactiveSandboxTemplate template = this.server.template(this.tracker, this.clock);
		SandboxCleanup cleanup = new SandboxCleanup(this.server.manager(), this.tracker, null,
				new SandboxCleanup.Settings(true, Duration.ofSeconds(5), null, null, 16), this.clock);
		this.pool = ReactiveSandboxPool.builder(template)
			.name("python")
			.spec(SandboxSpec.ofImage("python:3.12"))
			.minIdle(2)
			.maxIdle(2)
			.cleanup(cleanup)
			.build();
		((DefaultReactiveSandboxPool) this.pool).start();
		awaitIdle(2);
		cleanup.destroy();
		assertThat(this.server.alive).isEmpty();
		assertThat(this.pool.status().running()).isFalse();
	}

	@Test
	void theBlockingTwinHandsOutAndKillsOnClose() {
		started(builder().minIdle(1).maxIdle(1));
		awaitIdle(1);
		SandboxPool blocking = SandboxPool.of(this.pool);
		String id;
		try (Sandbox sandbox = blocking.acquire()) {
			id = sandbox.id();
			assertThat(this.server.alive).containsKey(id);
		}
		assertThat(this.server.alive).doesNotContainKey(id);
		assertThat(blocking.execute(Sandbox::id)).isNotEqualTo(id);
		assertThat(blocking.status().name()).isEqualTo("python");
		assertThat(blocking.name()).isEqualTo("python");
		assertThat(blocking.spec().image()).isEqualTo("python:3.12");
		assertThat(blocking.reactive()).isSameAs(this.pool);
		assertThat(blocking).hasToString(this.pool.toString()).asString().contains("SandboxPool 'python'");
		awaitIdle(1);
		Sandbox released = blocking.acquire(Duration.ofSeconds(5));
		blocking.release(released);
		assertThat(this.server.alive).doesNotContainKey(released.id());
		awaitIdle(1);
		blocking.close();
		assertThat(this.server.alive).isEmpty();
		assertThat(blocking.status().running()).isFalse();
	}

	@Test
	void aPoolMadeInCodeStartsFillingAtItsFirstAcquire() {
		this.pool = builder().minIdle(2).maxIdle(2).build();
		sleep(200);
		assertThat(this.server.creates).hasValue(0);
		assertThat(this.pool.status().running()).isFalse();
		this.pool.acquire().block(WAIT);
		awaitIdle(2);
		assertThat(this.pool.status().running()).isTrue();
	}

	@Test
	void aTemplateThatDrawsFromAPoolServesMatchingCreatesFromItAndOthersAsUsual() {
		ReactiveSandboxTemplate template = this.server.template(this.tracker, this.clock);
		this.pool = ReactiveSandboxPool.builder(template)
			.name("python")
			.spec(SandboxSpec.ofImage("python:3.12"))
			.minIdle(1)
			.maxIdle(1)
			.upkeepInterval(Duration.ofMillis(50))
			.build();
		((DefaultReactiveSandboxPool) this.pool).start();
		template.drawFrom(this.pool);
		awaitIdle(1);
		String idle = this.server.alive.keySet().iterator().next();
		ReactiveSandbox drawn = template.create(SandboxSpec.ofImage("python:3.12")).block(WAIT);
		assertThat(drawn.id()).isEqualTo(idle);
		assertThat(this.server.creates).hasValueLessThanOrEqualTo(2);
		awaitIdle(1);
		assertThat(this.server.creates).hasValue(2);
		ReactiveSandbox other = template.create(SandboxSpec.ofImage("node:22")).block(WAIT);
		assertThat(this.server.creates).hasValue(3);
		assertThat(this.server.lastCreation).contains("node:22");
		assertThat(this.pool.status().inUse()).isEqualTo(1);
		assertThat(this.tracker.isTracked(other.id())).isTrue();
		template.drawFrom(null);
		template.create(SandboxSpec.ofImage("python:3.12")).block(WAIT);
		assertThat(this.pool.status().idle()).isEqualTo(1);
	}

	@Test
	void aPoolRunsInTheLifecyclePhaseBeforeTheCleanup() {
		DefaultReactiveSandboxPool pool = (DefaultReactiveSandboxPool) started(builder().minIdle(0));
		assertThat(pool.getPhase()).isEqualTo(SandboxCleanup.PHASE + 1);
		assertThat(pool.isRunning()).isTrue();
		assertThat(pool.status().running()).isTrue();
		pool.stop();
		assertThat(pool.isRunning()).isFalse();
	}

	@Test
	void badSettingsAreRefusedWhenThePoolIsBuilt() {
		assertThatIllegalArgumentException().isThrownBy(() -> ReactiveSandboxPool.builder(null))
			.withMessageContaining("'template'");
		assertThatIllegalArgumentException().isThrownBy(() -> builder().upkeepInterval(Duration.ZERO).build())
			.withMessageContaining("Upkeep interval must be positive");
		assertThat(builder().creationConcurrency(1).build()).as("one creation at a time").isNotNull();
		assertThat(builder().minIdle(1).maxIdle(2).maxTotal(2).build()).as("no room beyond the idle").isNotNull();
		assertThatIllegalArgumentException().isThrownBy(() -> builder().leaseTime(Duration.ZERO).build())
			.withMessageContaining("Lease time must be positive");
		assertThatIllegalArgumentException().isThrownBy(() -> builder().name("Python_3"))
			.withMessageContaining("lower-case letters, digits and dashes");
		assertThatIllegalArgumentException().isThrownBy(() -> builder().minIdle(3).maxIdle(2).build())
			.withMessage("Max idle (2) must be at least min idle (3)");
		assertThatIllegalArgumentException().isThrownBy(() -> builder().maxIdle(4).maxTotal(3).build())
			.withMessageContaining("Max total (3) must be at least 1 and at least max idle (4)");
		assertThatIllegalArgumentException().isThrownBy(() -> builder().creationConcurrency(0).build())
			.withMessageContaining("Creation concurrency");
		assertThatIllegalArgumentException().isThrownBy(() -> builder().acquireTimeout(Duration.ZERO).build())
			.withMessageContaining("Acquire timeout must be positive");
		assertThatIllegalArgumentException().isThrownBy(() -> builder().spec(null)).withMessageContaining("'spec'");
		assertThatIllegalArgumentException().isThrownBy(() -> builder().whenEmpty(null))
			.withMessageContaining("'whenEmpty'");
		assertThatIllegalArgumentException().isThrownBy(() -> builder().observations(null))
			.withMessageContaining("'observations'");
		assertThatIllegalArgumentException().isThrownBy(() -> builder().clock(null)).withMessageContaining("'clock'");
		assertThatIllegalArgumentException().isThrownBy(() -> builder().minIdle(-1).build())
			.withMessageContaining("Min idle must not be negative");
		assertThatIllegalArgumentException().isThrownBy(() -> builder().minIdle(0).maxIdle(0).maxTotal(0).build())
			.withMessageContaining("Max total (0) must be at least 1");
		assertThatIllegalArgumentException().isThrownBy(() -> builder().idleTimeToLive(Duration.ZERO).build())
			.withMessageContaining("Idle time to live must be positive");
		assertThatIllegalArgumentException().isThrownBy(() -> builder().drainTimeout(Duration.ZERO).build())
			.withMessageContaining("Drain timeout must be positive");
		assertThat(builder().minIdle(0).maxIdle(0).maxTotal(1).leaseTime(Duration.ofMillis(100)).build())
			.as("a lease of exactly two upkeeps")
			.isNotNull();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> builder().leaseTime(Duration.ofMillis(80)).upkeepInterval(Duration.ofMillis(50)).build())
			.withMessageContaining("at least twice the upkeep interval");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ReactiveSandboxPool.builder(this.server.template(null, this.clock)))
			.withMessageContaining("tracks its sandboxes");
	}

	@Test
	void everyChangeRefillsAndUpdatesTheStatusAtOnceNotAtTheNextUpkeep() {
		started(withoutUpkeep().minIdle(2).maxIdle(2).creationConcurrency(1));
		awaitIdle(2);
		ReactiveSandbox sandbox = this.pool.acquire().block(WAIT);
		assertThat(this.pool.status().inUse()).as("current when the hand-out returns").isEqualTo(1);
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.server.creates).hasValue(3));
		awaitIdle(2);
		this.pool.release(sandbox).block(WAIT);
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.pool.status().inUse()).isZero());
		this.server.pingDelay = Duration.ofSeconds(2);
		assertThatExceptionOfType(OpenSandboxTimeoutException.class)
			.isThrownBy(() -> this.pool.acquire(Duration.ofMillis(200)).block(WAIT));
		this.server.pingDelay = Duration.ZERO;
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(this.server.creates).as("the sandbox claimed for the cancelled acquire is replaced").hasValue(4);
			assertThat(this.server.alive).hasSize(2);
			assertThat(this.pool.status().idle()).isEqualTo(2);
		});
	}

	@Test
	void aSandboxBeingHandedOutCountsTowardsTheTotalWhileItsPingIsAnswered() {
		started(builder().minIdle(1).maxIdle(1).maxTotal(1));
		awaitIdle(1);
		this.server.pingDelay = Duration.ofMillis(400);
		ReactiveSandbox sandbox = this.pool.acquire().block(WAIT);
		sleep(300);
		assertThat(this.server.creates).as("upkeeps ran during the ping; none made room for another").hasValue(1);
		assertThat(this.server.alive).containsOnlyKeys(sandbox.id());
		assertThat(this.pool.status().inUse()).isEqualTo(1);
	}

	@Test
	void aSandboxCreatedForTheCallerIsCountedWhenTheAcquireReturns() {
		// No idle target: no refill whose creation would refresh the counts meanwhile
		started(withoutUpkeep().minIdle(0).maxIdle(0).maxTotal(2));
		sleep(200);
		assertThat(this.pool.status().inUse()).as("the one upkeep is over").isZero();
		this.pool.acquire().block(WAIT);
		assertThat(this.pool.status().inUse()).isEqualTo(1);
	}

	@Test
	void aWaitingAcquireStartsTheRefillItWaitsFor() {
		started(withoutUpkeep().minIdle(0).maxIdle(1).whenEmpty(ReactiveSandboxPool.WhenEmpty.WAIT));
		assertThat(this.pool.acquire(Duration.ofSeconds(5)).block(WAIT)).isNotNull();
		awaitIdle(1);
	}

	@Test
	void creationsRunUpToTheConcurrencyAtOnceAndNeverMore() {
		this.server.creationDelay = Duration.ofSeconds(3);
		started(withoutUpkeep().minIdle(4).maxIdle(4).creationConcurrency(2));
		await().atMost(Duration.ofMillis(1500)).untilAsserted(() -> assertThat(this.server.creates).hasValue(2));
		sleep(300);
		assertThat(this.server.creates).hasValue(2);
	}

	@Test
	void waitingAcquiresLookAgainSoonThenEvery50Milliseconds() {
		assertThat(DefaultReactiveSandboxPool.poll(0)).isEqualTo(Duration.ofMillis(1));
		assertThat(DefaultReactiveSandboxPool.poll(1)).isEqualTo(Duration.ofMillis(2));
		assertThat(DefaultReactiveSandboxPool.poll(5)).isEqualTo(Duration.ofMillis(32));
		assertThat(DefaultReactiveSandboxPool.poll(6)).isEqualTo(DefaultReactiveSandboxPool.MAX_POLL);
		assertThat(DefaultReactiveSandboxPool.poll(Long.MAX_VALUE)).isEqualTo(DefaultReactiveSandboxPool.MAX_POLL);
	}

	@Test
	void anAcquireThatTimesOutSaysWhyTheLastCreationFailed() {
		this.server.failingCreations.set(1000);
		started(builder().minIdle(1).maxIdle(1).whenEmpty(ReactiveSandboxPool.WhenEmpty.WAIT));
		assertThatExceptionOfType(OpenSandboxTimeoutException.class)
			.isThrownBy(() -> this.pool.acquire(Duration.ofMillis(500)).block(WAIT))
			.withMessageContaining("No sandbox from pool 'python' within 500 ms")
			.withMessageContaining("; the last creation failed: ")
			.withMessageContaining("no such image");
	}

	@Test
	void aFailedCreationForTheCallerGivesBackItsPlaceInTheTotal() {
		this.server.failingCreations.set(1);
		started(builder().minIdle(0).maxIdle(0).maxTotal(1));
		assertThatExceptionOfType(OpenSandboxException.class).isThrownBy(() -> this.pool.acquire().block(WAIT))
			.withMessageContaining("no such image");
		assertThat(this.pool.status().creating()).isZero();
		assertThat(this.pool.status().consecutiveFailures()).isEqualTo(1);
		assertThat(this.pool.acquire(Duration.ofSeconds(2)).block(WAIT)).isNotNull();
		assertThat(this.pool.status().consecutiveFailures()).isZero();
	}

	@Test
	void aTargetRaisedByDemandFallsBackToTheMinimumAsTheSurplusGoesStale() {
		started(builder().minIdle(1).maxIdle(3).idleTimeToLive(Duration.ofMinutes(5)));
		awaitIdle(1);
		this.server.creationDelay = Duration.ofMillis(300);
		this.pool.acquire().block(WAIT);
		this.pool.acquire().block(WAIT);
		assertThat(this.pool.status().target()).as("one acquire found none idle").isEqualTo(2);
		awaitIdle(2);
		this.clock.now = this.clock.now.plus(Duration.ofMinutes(5));
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(this.pool.status().target()).isEqualTo(1);
			assertThat(this.pool.status().idle()).isEqualTo(1);
			assertThat(this.server.alive).hasSize(3);
		});
	}

	@Test
	void aStoreThatFailsIsLoggedAndThePoolKeepsGoing(CapturedOutput output) {
		ScriptedStore store = new ScriptedStore();
		store.failJoin.set(true);
		store.failNextReserve.set(true);
		store.failNextUpkeep.set(true);
		startedOn(store, Duration.ofMillis(50));
		awaitIdle(1);
		assertThat(output).contains("The store of sandbox pool 'python' failed: join refused")
			.contains("The store of sandbox pool 'python' failed: reserve refused")
			.contains("The store of sandbox pool 'python' failed: upkeep refused");
	}

	@Test
	void countsThatAnswerLateNeverHideNewerOnes() {
		ScriptedStore store = new ScriptedStore();
		startedOn(store, Duration.ofHours(1));
		awaitIdle(1);
		store.slowNextCounts.set(true);
		this.pool.acquire().block(WAIT);
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(this.server.creates).hasValue(2);
			assertThat(this.pool.status().idle()).isEqualTo(1);
		});
		sleep(500);
		assertThat(this.pool.status().idle()).as("the counts read before the refill are not shown after it")
			.isEqualTo(1);
		assertThat(this.pool.status().inUse()).isEqualTo(1);
	}

	@Test
	void aBlockingAcquireOfASandboxCreatedForItGivesNoReservationBack() {
		ScriptedStore store = new ScriptedStore();
		startedOn(store, Duration.ofHours(1));
		awaitIdle(1);
		this.server.creationDelay = Duration.ofMillis(500);
		this.pool.acquire().block(WAIT);
		this.pool.acquire().block(WAIT);
		assertThat(this.server.creates).as("the second was created for its caller").hasValue(3);
		sleep(200);
		assertThat(store.cancels).hasValue(0);
		assertThat(this.pool.status().inUse()).isEqualTo(2);
	}

	/**
	 * A pool of at least one idle sandbox, of at most one creation at a time, on the
	 * given books.
	 */
	private void startedOn(SandboxPoolStore store, Duration upkeepInterval) {
		ReactiveSandboxTemplate template = this.server.template(this.tracker, this.clock);
		DefaultReactiveSandboxPool pool = new DefaultReactiveSandboxPool(template, this.tracker,
				new DefaultReactiveSandboxPool.Settings("python", SandboxSpec.ofImage("python:3.12"), 1, 1, 4,
						Duration.ofSeconds(5), Duration.ofMinutes(30), 1, ReactiveSandboxPool.WhenEmpty.CREATE,
						Duration.ofSeconds(5), upkeepInterval, this.clock),
				store, OpenSandboxObservations.NOOP);
		this.pool = pool;
		pool.start();
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Books in memory that fail or answer late when a test says so.
	 */
	private static final class ScriptedStore implements SandboxPoolStore {

		private final SandboxPoolStore books = new LocalSandboxPoolStore();

		final AtomicBoolean failJoin = new AtomicBoolean();

		final AtomicBoolean failNextReserve = new AtomicBoolean();

		final AtomicBoolean failNextUpkeep = new AtomicBoolean();

		/** Reservations given back. */
		final AtomicInteger cancels = new AtomicInteger();

		/** Whether the next counts are read at once and answered 300 ms later. */
		final AtomicBoolean slowNextCounts = new AtomicBoolean();

		@Override
		public Mono<Void> join() {
			if (this.failJoin.get()) {
				return Mono.error(new IllegalStateException("join refused"));
			}
			return this.books.join();
		}

		@Override
		public Mono<String> reserve(int target, int maxTotal, boolean forCaller) {
			if (this.failNextReserve.compareAndSet(true, false)) {
				return Mono.error(new IllegalStateException("reserve refused"));
			}
			return this.books.reserve(target, maxTotal, forCaller);
		}

		@Override
		public Mono<List<String>> upkeep(List<String> inUse) {
			if (this.failNextUpkeep.compareAndSet(true, false)) {
				return Mono.error(new IllegalStateException("upkeep refused"));
			}
			return this.books.upkeep(inUse);
		}

		@Override
		public Mono<Idle> claim() {
			return this.books.claim();
		}

		@Override
		public Mono<Boolean> created(String token, Idle idle) {
			return this.books.created(token, idle);
		}

		@Override
		public Mono<Void> createdInUse(String token, String sandboxId) {
			return this.books.createdInUse(token, sandboxId);
		}

		@Override
		public Mono<Void> cancel(String token) {
			this.cancels.incrementAndGet();
			return this.books.cancel(token);
		}

		@Override
		public Mono<Void> done(String sandboxId) {
			return this.books.done(sandboxId);
		}

		@Override
		public Mono<Boolean> remove(String sandboxId) {
			return this.books.remove(sandboxId);
		}

		@Override
		public Mono<Void> renewed(String sandboxId, Instant expiresAt) {
			return this.books.renewed(sandboxId, expiresAt);
		}

		@Override
		public Mono<List<Idle>> idle() {
			return this.books.idle();
		}

		@Override
		public Mono<Counts> counts() {
			if (this.slowNextCounts.compareAndSet(true, false)) {
				return Mono.just(this.books.counts().block()).delayElement(Duration.ofMillis(300));
			}
			return this.books.counts();
		}

		@Override
		public Mono<List<Idle>> drain() {
			return this.books.drain();
		}

	}

}
