package io.opensandbox.spring.test.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Ends sandboxes at their expiry by the wall clock.
 * <p>
 * A scheduler counts elapsed time, not the wall clock an expiry is given in: it wakes
 * when the time until the deadline has passed, which can be before the wall clock reads
 * the deadline (a delay rounded to the millisecond, a clock stepped back). So when it
 * wakes, the deadline is read again and compared with the clock, and a deadline not yet
 * reached, or moved later, is waited for again: an expiry is never dropped because its
 * timer woke early. It has a thread of its own, so that no other scheduled work (a
 * process kill, a scan of {@code /proc}) can hold an expiry up, and the expiry itself
 * runs on the given executor.
 *
 * @author OpenSandbox Spring Boot
 */
final class ExpiryTimer implements AutoCloseable {

	private final Deadlines deadlines;

	private final Clock clock;

	ExpiryTimer(ThreadFactory thread, Executor work, Clock clock) {
		this.deadlines = new Deadlines(thread, work);
		this.clock = clock;
	}

	/**
	 * Run {@code expire} once the clock has reached the deadline.
	 * @param deadline the deadline, read now and again when the timer wakes; no deadline
	 * (null) means never
	 * @param expire what to do at the deadline, at most once
	 * @return the expiry, to cancel
	 */
	Expiry start(Supplier<@Nullable Instant> deadline, Runnable expire) {
		Expiry expiry = new Expiry(deadline, expire);
		expiry.arm();
		return expiry;
	}

	/**
	 * How many expiries wait for their deadline.
	 * @return the count
	 */
	int waiting() {
		return this.deadlines.waiting();
	}

	@Override
	public void close() {
		this.deadlines.close();
	}

	/**
	 * One deadline being waited for.
	 */
	final class Expiry {

		private final Supplier<@Nullable Instant> deadline;

		private final Runnable expire;

		private volatile boolean done;

		private volatile @Nullable Future<?> next;

		private Expiry(Supplier<@Nullable Instant> deadline, Runnable expire) {
			this.deadline = deadline;
			this.expire = expire;
		}

		/**
		 * Never expire (once expiring has begun, it finishes).
		 */
		void cancel() {
			this.done = true;
			Future<?> scheduled = this.next;
			if (scheduled != null) {
				scheduled.cancel(false);
			}
		}

		private void arm() {
			Instant at = this.deadline.get();
			if (at == null || this.done) {
				return;
			}
			// rounded up to the millisecond (a past deadline is due at once)
			long millis = Duration.between(ExpiryTimer.this.clock.instant(), at).plusNanos(999_999).toMillis();
			Future<?> scheduled;
			try {
				scheduled = ExpiryTimer.this.deadlines.after(millis, TimeUnit.MILLISECONDS, this::wake);
			}
			catch (RejectedExecutionException ex) {
				return; // the server is closing, and removes every sandbox itself
			}
			this.next = scheduled;
			if (this.done) {
				scheduled.cancel(false);
			}
		}

		private void wake() {
			Instant at = this.deadline.get();
			if (this.done || at == null) {
				return;
			}
			if (ExpiryTimer.this.clock.instant().isBefore(at)) {
				arm();
				return;
			}
			this.done = true;
			this.expire.run();
		}

	}

}
