package io.opensandbox.spring.test.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link Deadlines}: what starts at a deadline runs off the timer's thread, and
 * a cancelled deadline leaves nothing behind.
 *
 * @author OpenSandbox Spring Boot
 */
class DeadlinesTests {

	private final ExecutorService work = Executors.newCachedThreadPool(named("deadline-work"));

	private final Deadlines deadlines = new Deadlines(named("deadline-timer"), this.work);

	@AfterEach
	void close() {
		this.deadlines.close();
		this.work.shutdownNow();
	}

	@Test
	void aTaskRunsOnTheWorkExecutorOnceItsDelayHasPassed() throws Exception {
		long scheduled = System.nanoTime();
		CompletableFuture<String> ran = new CompletableFuture<>();
		this.deadlines.after(100, TimeUnit.MILLISECONDS, () -> ran.complete(Thread.currentThread().getName()));
		assertThat(ran.get(5, TimeUnit.SECONDS)).isEqualTo("deadline-work");
		assertThat(System.nanoTime() - scheduled).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
	}

	@Test
	void aSlowTaskDoesNotHoldUpTheNextDeadline() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<Void> slowStarted = new CompletableFuture<>();
		this.deadlines.after(0, TimeUnit.MILLISECONDS, () -> {
			slowStarted.complete(null);
			try {
				// a kill that waits for processes that keep reappearing
				release.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		slowStarted.get(5, TimeUnit.SECONDS);
		CompletableFuture<Void> next = new CompletableFuture<>();
		this.deadlines.after(50, TimeUnit.MILLISECONDS, () -> next.complete(null));
		try {
			assertThat(next).succeedsWithin(5, TimeUnit.SECONDS);
		}
		finally {
			release.countDown();
		}
	}

	@Test
	void aTaskCancelledBeforeItsDeadlineNeverRuns() throws Exception {
		AtomicInteger runs = new AtomicInteger();
		this.deadlines.after(100, TimeUnit.MILLISECONDS, runs::incrementAndGet).cancel(false);
		CompletableFuture<Void> later = new CompletableFuture<>();
		this.deadlines.after(300, TimeUnit.MILLISECONDS, () -> later.complete(null));
		later.get(5, TimeUnit.SECONDS);
		assertThat(runs).hasValue(0);
	}

	@Test
	void cancelledTasksLeaveTheQueueAtOnce() {
		// commands that end long before their timeout, a sandbox renewed again and again
		List<ScheduledFuture<?>> tasks = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			tasks.add(this.deadlines.after(1, TimeUnit.DAYS, () -> {
			}));
		}
		assertThat(this.deadlines.waiting()).isEqualTo(10_000);
		tasks.forEach((task) -> task.cancel(false));
		assertThat(this.deadlines.waiting()).isZero();
	}

	@Test
	void shortChecksMayRunOnTheTimerItself() throws Exception {
		CompletableFuture<String> ran = new CompletableFuture<>();
		this.deadlines.timer()
			.schedule(() -> ran.complete(Thread.currentThread().getName()), 10, TimeUnit.MILLISECONDS);
		assertThat(ran.get(5, TimeUnit.SECONDS)).isEqualTo("deadline-timer");
	}

	@Test
	void nothingIsScheduledOnceClosed() {
		this.deadlines.close();
		assertThatExceptionOfType(RejectedExecutionException.class)
			.isThrownBy(() -> this.deadlines.after(10, TimeUnit.MILLISECONDS, () -> {
			}));
	}

	private static ThreadFactory named(String name) {
		return (runnable) -> {
			Thread thread = new Thread(runnable, name);
			thread.setDaemon(true);
			return thread;
		};
	}

}
