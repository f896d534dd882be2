package io.opensandbox.spring.test.server.isolation;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.test.server.isolation.ProcFs.ProcStat;

/**
 * What all sandboxes share: path mapping, the environment, tracking of started commands,
 * pause/resume/metrics over "the sandbox's processes" (which each kind defines), killing
 * process groups, and an idempotent close that kills everything and then removes the
 * sandbox directory.
 *
 * @author OpenSandbox Spring Boot
 */
abstract class AbstractSandbox implements IsolatedSandbox {

	private static final System.Logger logger = System.getLogger(AbstractSandbox.class.getName());

	static final String HOME = "/root";

	private static final int KILL_ROUNDS = 200;

	/** How old a census may be when asked whether a command left processes running. */
	static final long MEMBERS_CENSUS_MAX_AGE_MILLIS = 100;

	private final String id;

	private final Path directory;

	private final SandboxPaths paths;

	private final Map<String, String> environment;

	private final Object lifecycleMonitor = new Object();

	private final Object signalMonitor = new Object();

	private final Object metricsMonitor = new Object();

	private final CompletableFuture<Void> closed = new CompletableFuture<>();

	private final Set<ManagedProcess> processes = ConcurrentHashMap.newKeySet();

	private boolean closing;

	private long lastCpuTicks;

	private long lastNanos;

	AbstractSandbox(String id, Path directory, SandboxPaths paths, Map<String, String> environment) {
		this.id = id;
		this.directory = directory;
		this.paths = paths;
		this.environment = Map.copyOf(environment);
		this.lastNanos = System.nanoTime();
	}

	/**
	 * The environment every sandboxed process starts with.
	 * @param home the value of {@code HOME}
	 * @param options the creation options, whose variables win
	 * @return the environment
	 */
	static Map<String, String> environment(String home, IsolationOptions options) {
		Map<String, String> environment = new LinkedHashMap<>();
		environment.put("PATH", Tools.SANDBOX_PATH);
		environment.put("HOME", home);
		environment.put("LANG", "C.UTF-8");
		environment.putAll(options.env());
		return environment;
	}

	String id() {
		return this.id;
	}

	SandboxPaths paths() {
		return this.paths;
	}

	@Override
	public Path directory() {
		return this.directory;
	}

	@Override
	public Path hostPath(String sandboxPath) {
		return this.paths.hostPath(sandboxPath);
	}

	@Override
	public boolean isWritable(String sandboxPath) {
		return this.paths.isWritable(sandboxPath);
	}

	@Override
	public SandboxProcess start(List<String> command, @Nullable String workingDirectory, Map<String, String> env,
			@Nullable Path stdout, @Nullable Path stderr) throws IOException {
		if (command.isEmpty()) {
			throw new IllegalArgumentException("Command must not be empty");
		}
		if (isClosed()) {
			throw new IOException("Sandbox '" + this.id + "' is closed");
		}
		String directory = (workingDirectory != null) ? workingDirectory : HOME;
		Map<String, String> environment = new LinkedHashMap<>(this.environment);
		environment.putAll(env);
		synchronized (this.lifecycleMonitor) {
			if (this.closing) {
				throw new IOException("Sandbox '" + this.id + "' is closed");
			}
			ManagedProcess process = launch(command, directory, environment, new Output(stdout, stderr));
			this.processes.add(process);
			if (forgetsExitedProcesses()) {
				process.onExit().whenComplete((code, ex) -> this.processes.remove(process));
			}
			return process;
		}
	}

	/*
	 * Starts a command.
	 *
	 * @param command the program and arguments
	 *
	 * @param workingDirectory the working directory inside the sandbox, as given
	 *
	 * @param environment the complete environment
	 *
	 * @return the started command
	 *
	 * @throws IOException if it cannot be started, for example because the working
	 * directory does not exist
	 */
	abstract ManagedProcess launch(List<String> command, String workingDirectory, Map<String, String> environment,
			Output output) throws IOException;

	/**
	 * A working directory as an absolute, normalised path.
	 * @param workingDirectory the directory as given
	 * @return the normalised path
	 * @throws IOException if it is not absolute or leaves the sandbox
	 */
	static String normaliseDirectory(String workingDirectory) throws IOException {
		try {
			return "/" + String.join("/", SandboxPaths.normalise(workingDirectory));
		}
		catch (IllegalArgumentException ex) {
			throw new IOException("Invalid working directory '" + workingDirectory + "': " + ex.getMessage(), ex);
		}
	}

	/**
	 * Processes a kill of one of this sandbox's process groups may touch, as a census
	 * found them.
	 * @param census the host's processes
	 * @return the candidates, including zombies
	 */
	abstract List<ProcStat> killCandidates(ProcFs.Census census);

	/**
	 * Processes a kill of one of this sandbox's process groups may touch, now.
	 * @return the candidates, including zombies
	 */
	final List<ProcStat> killCandidates() {
		return killCandidates(ProcFs.census(System.nanoTime()));
	}

	/**
	 * The sandbox's processes, its own infrastructure (init) excluded.
	 * @return the processes, including zombies
	 */
	abstract List<ProcStat> sandboxProcesses();

	/**
	 * CPU ticks spent by processes that {@link #sandboxProcesses()} no longer shows, for
	 * example orphans reaped by the sandbox's init.
	 * @return extra ticks
	 */
	long reapedCpuTicks() {
		return 0;
	}

	/**
	 * Whether a command can be forgotten once the JVM's child has exited, because the
	 * sandbox finds whatever it left running without its help.
	 * @return whether exited commands are dropped from {@link #processes()}
	 */
	boolean forgetsExitedProcesses() {
		return false;
	}

	/**
	 * Kills every process of the sandbox and waits until they are gone.
	 */
	abstract void terminate();

	/**
	 * Releases what the sandbox held outside its directory, once its processes are gone.
	 */
	void removeResources() {
	}

	Set<ManagedProcess> processes() {
		return this.processes;
	}

	@Override
	public void pause() {
		synchronized (this.signalMonitor) {
			// A process may fork while its siblings are being stopped: repeat until every
			// process is seen stopped.
			for (int round = 0; round < 20; round++) {
				List<Long> running = new ArrayList<>();
				for (ProcStat stat : sandboxProcesses()) {
					if (!stat.isZombie() && !stat.isStopped()) {
						running.add(stat.pid());
					}
				}
				if (running.isEmpty()) {
					return;
				}
				Signals.send("STOP", running);
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(1 + round, 10)));
			}
		}
	}

	@Override
	public void resume() {
		synchronized (this.signalMonitor) {
			List<Long> pids = new ArrayList<>(liveChildren());
			for (ProcStat stat : sandboxProcesses()) {
				if (!stat.isZombie()) {
					pids.add(stat.pid());
				}
			}
			Signals.send("CONT", pids);
		}
	}

	/**
	 * The JVM's children for the commands still running. An {@code nsenter} wrapper stops
	 * itself when it sees its command stopped (it mimics job control), so whatever
	 * continues the sandbox must continue the wrappers too, or they would never report
	 * the command's exit.
	 * @return the process ids
	 */
	List<Long> liveChildren() {
		List<Long> pids = new ArrayList<>();
		for (ManagedProcess process : this.processes) {
			if (process.process().isAlive()) {
				pids.add(process.process().pid());
			}
		}
		return pids;
	}

	@Override
	public ProcessMetrics metrics() {
		List<ProcStat> processes = sandboxProcesses();
		long ticks = reapedCpuTicks();
		long residentKiB = 0;
		for (ProcStat stat : processes) {
			ticks += stat.cpuTicks();
			if (!stat.isZombie()) {
				residentKiB += ProcFs.residentKiB(stat.pid());
			}
		}
		double cpuPercent;
		synchronized (this.metricsMonitor) {
			long now = System.nanoTime();
			long elapsed = now - this.lastNanos;
			long used = Math.max(0, ticks - this.lastCpuTicks);
			cpuPercent = (elapsed > 0)
					? (used * 100.0 / ProcFs.TICKS_PER_SECOND) / (elapsed / (double) TimeUnit.SECONDS.toNanos(1)) : 0;
			this.lastCpuTicks = ticks;
			this.lastNanos = now;
		}
		return new ProcessMetrics(Runtime.getRuntime().availableProcessors(), cpuPercent, ProcFs.memoryTotalMiB(),
				residentKiB / 1024.0);
	}

	@Override
	public int processCount() {
		int count = 0;
		for (ProcStat stat : sandboxProcesses()) {
			if (!stat.isZombie()) {
				count++;
			}
		}
		return count;
	}

	/**
	 * SIGKILLs a command's process group and session, and every process descending from
	 * its leader, repeating until none is left (a member may fork while others die).
	 * @param process the command
	 */
	void killProcessGroup(ManagedProcess process) {
		ProcessHandle leader = process.leader();
		if (leader == null) {
			return;
		}
		long group = leader.pid();
		boolean leaderAlive = leader.isAlive();
		for (int round = 0; round < KILL_ROUNDS; round++) {
			List<ProcStat> candidates = killCandidates();
			Set<Long> victims = members(candidates, group, leaderAlive);
			if (victims.isEmpty()) {
				return;
			}
			Signals.kill(victims);
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(1 + round, 20)));
			leaderAlive = leaderAlive && leader.isAlive();
		}
		logger.log(Level.WARNING, "Processes of group {0} in sandbox {1} survived SIGKILL", group, this.id);
	}

	/**
	 * Whether a command's process group or session still has live members, from a census
	 * at most {@value #MEMBERS_CENSUS_MAX_AGE_MILLIS} ms old that every such check
	 * shares. Any census begun after the leader existed answers rightly as of its
	 * beginning, as long as the leader's liveness is taken as of then too: a leader alive
	 * now was alive then; one seen gone is taken as gone only in a census begun after it
	 * was first seen gone. "None left" never turns false again (only members fork
	 * members), and "some left" is asked again later.
	 * @param process the command
	 * @return whether any remain
	 */
	boolean hasLiveMembers(ManagedProcess process) {
		ProcessHandle leader = process.leader();
		if (leader == null) {
			return false;
		}
		boolean leaderAlive = leader.isAlive();
		long now = System.nanoTime();
		long valid = leaderAlive ? process.startedAt() : process.leaderGoneAt(now);
		long recent = now - TimeUnit.MILLISECONDS.toNanos(MEMBERS_CENSUS_MAX_AGE_MILLIS);
		ProcFs.Census census = ProcFs.census((valid - recent > 0) ? valid : recent);
		return !members(killCandidates(census), leader.pid(), leaderAlive).isEmpty();
	}

	/*
	 * The live members of a command's process group and session and the descendants of
	 * its leader. Group and session ids are only trusted while the leader lives or its
	 * pid is not taken by another process (a pid, and so a group id, is recycled only
	 * once the whole group is gone).
	 */
	static Set<Long> members(List<ProcStat> candidates, long group, boolean leaderAlive) {
		Set<Long> members = new HashSet<>();
		boolean pidTakenByOther = false;
		if (!leaderAlive) {
			for (ProcStat stat : candidates) {
				if (stat.pid() == group && !stat.isZombie()) {
					pidTakenByOther = true;
				}
			}
		}
		if (leaderAlive) {
			members.addAll(ProcFs.descendants(candidates, Set.of(group)));
		}
		if (!pidTakenByOther) {
			for (ProcStat stat : candidates) {
				if (stat.pgrp() == group || stat.session() == group) {
					members.add(stat.pid());
				}
			}
		}
		for (ProcStat stat : candidates) {
			if (stat.isZombie()) {
				members.remove(stat.pid());
			}
		}
		return members;
	}

	@Override
	public void close() {
		boolean first;
		synchronized (this.lifecycleMonitor) {
			first = !this.closing;
			this.closing = true;
		}
		if (!first) {
			// Idempotent, and a second caller waits for the first to finish.
			this.closed.join();
			return;
		}
		try {
			try {
				terminate();
			}
			catch (RuntimeException ex) {
				logger.log(Level.WARNING, "Failed to kill the processes of sandbox " + this.id, ex);
			}
			for (ManagedProcess process : this.processes) {
				process.process().destroyForcibly();
			}
			removeResources();
			if (!SandboxFiles.deleteTree(this.directory)) {
				logger.log(Level.WARNING, "Could not completely remove sandbox directory {0}", this.directory);
			}
		}
		finally {
			LiveSandboxes.remove(this);
			this.closed.complete(null);
		}
	}

	boolean isClosed() {
		synchronized (this.lifecycleMonitor) {
			return this.closing;
		}
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[" + this.id + "]";
	}

	/**
	 * Where a command's output goes.
	 *
	 * @param stdout a file for standard output, or {@code null} for a pipe
	 * @param stderr a file for standard error, or {@code null} for a pipe
	 */
	record Output(@Nullable Path stdout, @Nullable Path stderr) {

		ProcessBuilder applyTo(ProcessBuilder builder) {
			if (this.stdout != null) {
				builder.redirectOutput(ProcessBuilder.Redirect.appendTo(this.stdout.toFile()));
			}
			if (this.stderr != null) {
				builder.redirectError(ProcessBuilder.Redirect.appendTo(this.stderr.toFile()));
			}
			return builder;
		}

	}

	/**
	 * Sandboxes not yet closed, closed by a shutdown hook so that a JVM exiting without
	 * closing them does not leave their processes and directories behind.
	 */
	static final class LiveSandboxes {

		private static final Set<AbstractSandbox> live = ConcurrentHashMap.newKeySet();

		private static final AtomicBoolean hookInstalled = new AtomicBoolean();

		private LiveSandboxes() {
		}

		static void add(AbstractSandbox sandbox) {
			if (hookInstalled.compareAndSet(false, true)) {
				try {
					Runtime.getRuntime()
						.addShutdownHook(new Thread(LiveSandboxes::closeAll, "opensandbox-isolation-shutdown"));
				}
				catch (IllegalStateException ex) {
					// Already shutting down.
				}
			}
			live.add(sandbox);
		}

		static void remove(AbstractSandbox sandbox) {
			live.remove(sandbox);
		}

		private static void closeAll() {
			List<AbstractSandbox> sandboxes = new ArrayList<>(live);
			sandboxes.parallelStream().forEach((sandbox) -> {
				try {
					sandbox.close();
				}
				catch (RuntimeException ex) {
					// Best effort while the JVM exits.
				}
			});
		}

	}

}
