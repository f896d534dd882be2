package io.opensandbox.spring.test.server;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A timer thread whose work runs elsewhere. What it starts at a deadline (killing a
 * sandbox's processes, which waits for them to go, or removing a sandbox) runs on the
 * given executor, so that one slow task cannot hold up the deadlines of other sandboxes.
 * A cancelled task leaves the queue at once: a command that ends long before its timeout,
 * or a sandbox renewed again and again, leaves nothing behind until the old deadline.
 *
 * @author OpenSandbox Spring Boot
 */
final class Deadlines implements AutoCloseable {

	private final ScheduledThreadPoolExecutor timer;

	private final Executor work;

	Deadlines(ThreadFactory thread, Executor work) {
		this.timer = new ScheduledThreadPoolExecutor(1, thread);
		this.timer.setRemoveOnCancelPolicy(true);
		this.work = work;
	}

	/**
	 * Run a task on the work executor once a delay has passed.
	 * @param delay the delay, at least zero
	 * @param unit its unit
	 * @param task the task
	 * @return the scheduled task, to cancel before it is due
	 * @throws java.util.concurrent.RejectedExecutionException once closed
	 */
	ScheduledFuture<?> after(long delay, TimeUnit unit, Runnable task) {
		return this.timer.schedule(() -> this.work.execute(task), delay, unit);
	}

	/**
	 * The timer itself, for short checks that may run on its thread (whether an exited
	 * command's output has been emptied, a state transition).
	 * @return the timer
	 */
	ScheduledExecutorService timer() {
		return this.timer;
	}

	/**
	 * How many tasks wait for their deadline.
	 * @return the count
	 */
	int waiting() {
		return this.timer.getQueue().size();
	}

	@Override
	public void close() {
		this.timer.shutdownNow();
	}

}
