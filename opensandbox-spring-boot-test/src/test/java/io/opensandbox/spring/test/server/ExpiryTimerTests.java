package io.opensandbox.spring.test.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ExpiryTimer}: a sandbox's expiry is kept by the wall clock, whatever
 * its timer does.
 *
 * @author OpenSandbox Spring Boot
 */
class ExpiryTimerTests {

	private final ExecutorService work = Executors.newCachedThreadPool();

	private final SteppedClock clock = new SteppedClock();

	private final ExpiryTimer timer = new ExpiryTimer(named("expiry-timer"), this.work, this.clock);

	@AfterEach
	void close() {
		this.timer.close();
		this.work.shutdownNow();
	}

	@Test
	void expiresOnceTheClockHasReachedTheDeadline() throws Exception {
		Instant deadline = this.clock.instant().plusMillis(200);
		CompletableFuture<Instant> expired = new CompletableFuture<>();
		this.timer.start(() -> deadline, () -> expired.complete(this.clock.instant()));
		assertThat(expired.get(5, TimeUnit.SECONDS)).isAfterOrEqualTo(deadline);
	}

	@Test
	void aDeadlineLateInItsMillisecondIsNotMissed() throws Exception {
		Instant deadline = this.clock.instant().truncatedTo(ChronoUnit.MILLIS).plusMillis(100).plusNanos(999_999);
		CompletableFuture<Instant> expired = new CompletableFuture<>();
		this.timer.start(() -> deadline, () -> expired.complete(this.clock.instant()));
		assertThat(expired.get(5, TimeUnit.SECONDS)).isAfterOrEqualTo(deadline);
	}

	@Test
	void aTimerThatWakesBeforeTheClockReachesTheDeadlineWaitsAgain() throws Exception {
		Instant deadline = this.clock.instant().plusMillis(100);
		CompletableFuture<Instant> expired = new CompletableFuture<>();
		this.timer.start(() -> deadline, () -> expired.complete(this.clock.instant()));
		// the wall clock is stepped back: the timer wakes after 100 ms, the clock then
		// reads 300 ms before the deadline
		this.clock.stepBack(Duration.ofMillis(400));
		assertThatExceptionOfType(TimeoutException.class).isThrownBy(() -> expired.get(300, TimeUnit.MILLISECONDS));
		assertThat(expired.get(5, TimeUnit.SECONDS)).isAfterOrEqualTo(deadline);
	}

	@Test
	void aDeadlineMovedLaterIsWaitedFor() throws Exception {
		AtomicReference<Instant> deadline = new AtomicReference<>(this.clock.instant().plusMillis(100));
		CompletableFuture<Instant> expired = new CompletableFuture<>();
		this.timer.start(deadline::get, () -> expired.complete(this.clock.instant()));
		Instant later = this.clock.instant().plusMillis(600);
		deadline.set(later);
		assertThat(expired.get(5, TimeUnit.SECONDS)).isAfterOrEqualTo(later);
	}

	@Test
	void aCancelledExpiryNeverRuns() throws Exception {
		AtomicInteger runs = new AtomicInteger();
		Instant deadline = this.clock.instant().plusMillis(100);
		this.timer.start(() -> deadline, runs::incrementAndGet).cancel();
		CompletableFuture<Instant> control = new CompletableFuture<>();
		this.timer.start(() -> deadline.plusMillis(200), () -> control.complete(this.clock.instant()));
		control.get(5, TimeUnit.SECONDS);
		assertThat(runs).hasValue(0);
	}

	@Test
	void anExpiryCancelledWhileItWaitsAgainNeverRuns() throws Exception {
		AtomicInteger runs = new AtomicInteger();
		AtomicReference<Instant> deadline = new AtomicReference<>(this.clock.instant().plusMillis(50));
		ExpiryTimer.Expiry expiry = this.timer.start(deadline::get, runs::incrementAndGet);
		deadline.set(this.clock.instant().plusMillis(300));
		Thread.sleep(150);
		expiry.cancel();
		Thread.sleep(400);
		assertThat(runs).hasValue(0);
	}

	@Test
	void anExpiryRunsOnce() throws Exception {
		AtomicInteger runs = new AtomicInteger();
		Instant deadline = this.clock.instant().plusMillis(20);
		CompletableFuture<Void> expired = new CompletableFuture<>();
		this.timer.start(() -> deadline, () -> {
			runs.incrementAndGet();
			expired.complete(null);
		});
		expired.get(5, TimeUnit.SECONDS);
		Thread.sleep(200);
		assertThat(runs).hasValue(1);
	}

	@Test
	void noDeadlineNeverExpiresAndAFarOneIsWaitedForWithoutFail() throws Exception {
		AtomicInteger runs = new AtomicInteger();
		this.timer.start(() -> null, runs::incrementAndGet);
		this.timer.start(() -> Instant.parse("9999-12-31T23:59:59.999999Z"), runs::incrementAndGet);
		Thread.sleep(200);
		assertThat(runs).hasValue(0);
	}

	@Test
	void aPastDeadlineExpiresAtOnce() throws Exception {
		CompletableFuture<Void> expired = new CompletableFuture<>();
		this.timer.start(() -> this.clock.instant().minusSeconds(5), () -> expired.complete(null));
		expired.get(1, TimeUnit.SECONDS);
	}

	@Test
	void anExpiryRunsOnTheWorkExecutorNotOnTheTimersThread() throws Exception {
		CompletableFuture<Thread> ranOn = new CompletableFuture<>();
		ExecutorService namedWork = Executors.newSingleThreadExecutor(named("expiry-work"));
		try (ExpiryTimer own = new ExpiryTimer(named("expiry-timer"), namedWork, this.clock)) {
			own.start(() -> this.clock.instant(), () -> ranOn.complete(Thread.currentThread()));
			assertThat(ranOn.get(5, TimeUnit.SECONDS).getName()).isEqualTo("expiry-work");
		}
		finally {
			namedWork.shutdownNow();
		}
	}

	@Test
	void startingAfterCloseDoesNotFail() {
		this.timer.close();
		AtomicInteger runs = new AtomicInteger();
		this.timer.start(() -> this.clock.instant().plusMillis(10), runs::incrementAndGet).cancel();
		assertThat(runs).hasValue(0);
	}

	@Test
	void closingDropsEveryWaitingExpiry() throws Exception {
		AtomicInteger runs = new AtomicInteger();
		this.timer.start(() -> this.clock.instant().plusMillis(100), runs::incrementAndGet);
		assertThat(this.timer.waiting()).isOne();
		this.timer.close();
		assertThat(this.timer.waiting()).isZero();
		Thread.sleep(400);
		assertThat(runs).hasValue(0);
	}

	private static ThreadFactory named(String name) {
		return (runnable) -> {
			Thread thread = new Thread(runnable, name);
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * The system clock, stepped back as a test says.
	 */
	static final class SteppedClock extends Clock {

		private volatile Duration back = Duration.ZERO;

		void stepBack(Duration step) {
			this.back = this.back.plus(step);
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			throw new UnsupportedOperationException();
		}

		@Override
		public Instant instant() {
			return Instant.now().minus(this.back);
		}

	}

}
