package io.opensandbox.spring.test.server.isolation;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * A command started by a sandbox. The JVM's child is either the command itself (the
 * command is then the leader of its own session and process group) or an {@code nsenter}
 * wrapper whose single child, inside the sandbox, is that leader.
 *
 * @author OpenSandbox Spring Boot
 */
final class ManagedProcess implements SandboxProcess {

	private static final long LEADER_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

	private final AbstractSandbox sandbox;

	private final Process process;

	private final CompletableFuture<Integer> exit;

	private volatile @Nullable ProcessHandle leader;

	private final long startedAt;

	private final Object leaderGoneMonitor = new Object();

	private volatile boolean leaderSeenGone;

	private volatile long leaderGoneAt;

	/**
	 * Tracks a started command.
	 * @param sandbox the sandbox
	 * @param process the JVM's child
	 * @param wrapped whether the child is a wrapper whose single child leads the command,
	 * waiting for a line on standard input before it runs the command
	 */
	ManagedProcess(AbstractSandbox sandbox, Process process, boolean wrapped) {
		this.sandbox = sandbox;
		this.process = process;
		this.exit = process.onExit().thenApply(Process::exitValue);
		if (wrapped) {
			this.leader = findWrappedLeader(process);
			release(process);
		}
		else {
			this.leader = process.toHandle();
		}
		this.startedAt = System.nanoTime();
	}

	private static void release(Process wrapper) {
		try {
			OutputStream stdin = wrapper.getOutputStream();
			stdin.write('\n');
			stdin.flush();
		}
		catch (IOException ex) {
			// The wrapper is gone already: its exit code tells why.
		}
	}

	/*
	 * Waits until the wrapper has forked the command's leader, which then waits for
	 * {@link #release(Process)}, so that {@link #kill()} knows the command's process
	 * group even after the command and the wrapper are gone.
	 */
	private static @Nullable ProcessHandle findWrappedLeader(Process wrapper) {
		long deadline = System.nanoTime() + LEADER_TIMEOUT_NANOS;
		long pause = 50_000;
		while (System.nanoTime() < deadline) {
			List<Long> children = ProcFs.children(wrapper.pid());
			if (!children.isEmpty()) {
				return ProcessHandle.of(children.get(0)).orElse(null);
			}
			if (!wrapper.isAlive()) {
				return null;
			}
			LockSupport.parkNanos(pause);
			pause = Math.min(pause + 50_000, 300_000);
		}
		return null;
	}

	@Override
	public InputStream stdout() {
		return this.process.getInputStream();
	}

	@Override
	public InputStream stderr() {
		return this.process.getErrorStream();
	}

	@Override
	public OutputStream stdin() {
		return this.process.getOutputStream();
	}

	@Override
	public CompletableFuture<Integer> onExit() {
		return this.exit;
	}

	@Override
	public boolean hasLiveProcesses() {
		return this.process.isAlive() || this.sandbox.hasLiveMembers(this);
	}

	@Override
	public void kill() {
		this.sandbox.killProcessGroup(this);
		if (this.leader == null) {
			this.process.destroyForcibly();
			return;
		}
		// In a paused sandbox the nsenter wrapper has stopped itself along with the
		// command; it must run again to reap the command and report its exit.
		ProcFs.ProcStat wrapper = ProcFs.stat(this.process.pid());
		if (wrapper != null && wrapper.isStopped() && this.process.isAlive()) {
			Signals.send("CONT", List.of(this.process.pid()));
		}
	}

	/**
	 * What a command that never started wrote to standard error, once it has exited.
	 * @param process the command
	 * @return the message, or a description of the exit
	 */
	static String failure(ManagedProcess process) {
		try {
			if (!process.process.waitFor(10, TimeUnit.SECONDS)) {
				process.process.destroyForcibly();
				return "it did not start within 10 seconds";
			}
			byte[] stderr = process.process.getErrorStream().readNBytes(4096);
			String text = new String(stderr, java.nio.charset.StandardCharsets.UTF_8).strip();
			return text.isEmpty() ? "exit code " + process.process.exitValue() : text;
		}
		catch (IOException ex) {
			return String.valueOf(ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted";
		}
	}

	Process process() {
		return this.process;
	}

	/**
	 * The host process that leads the command's session and process group.
	 * @return the leader or {@code null} if the command never started
	 */
	@Nullable ProcessHandle leader() {
		return this.leader;
	}

	/**
	 * When this command had its leader ({@link System#nanoTime()}).
	 * @return the time
	 */
	long startedAt() {
		return this.startedAt;
	}

	/**
	 * When the leader was first seen gone, at or after it went.
	 * @param now the time it is seen gone now, kept if it is the first time
	 * @return the time ({@link System#nanoTime()})
	 */
	long leaderGoneAt(long now) {
		if (!this.leaderSeenGone) {
			synchronized (this.leaderGoneMonitor) {
				if (!this.leaderSeenGone) {
					this.leaderGoneAt = now;
					this.leaderSeenGone = true;
				}
			}
		}
		return this.leaderGoneAt;
	}

	@Override
	public String toString() {
		ProcessHandle leader = this.leader;
		return "SandboxProcess[pid=" + this.process.pid() + ((leader != null) ? ", leader=" + leader.pid() : "") + "]";
	}

}
