package io.opensandbox.spring.test.server.isolation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.test.server.isolation.ProcFs.ProcStat;

/*
 * A sandbox whose processes live in their own namespaces, kept alive by an idle init
 * process. Commands enter the init's namespaces with {@code nsenter}; the sandbox's
 * processes are found from the host as the processes in the init's pid namespace. Killing
 * the namespace's pid 1 makes the kernel kill every process in it, however it was started
 * or daemonised, and the namespace's pid 1 also dies when the JVM does (its standard
 * input, held only by the JVM, reaches end of file).
 *
 * @author OpenSandbox Spring Boot
 */
final class NamespaceSandbox extends AbstractSandbox {

	private static final long TERMINATE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final Process launcher;

	private final ProcessHandle namespaceInit;

	private final ProcessHandle enterTarget;

	private final String pidNamespace;

	private final List<String> nsenterCommand;

	private final String setsid;

	private final boolean nsenterSetsWorkingDirectory;

	private final CompletableFuture<String> terminated = new CompletableFuture<>();

	private final @Nullable Process network;

	private final Cgroups.@Nullable Group group;

	/*
	 * Creates a sandbox around a running init.
	 *
	 * @param launcher the JVM's child that launched the init ({@code unshare} or {@code
	 * bwrap})
	 *
	 * @param namespaceInit pid 1 of the sandbox's pid namespace, killed to end the
	 * sandbox, in the outer user namespace that owns the pid, IPC, UTS and network
	 * namespaces
	 *
	 * @param enterTarget the init, in the nested user and mount namespaces commands end
	 * up in
	 *
	 * @param pidNamespace the sandbox's pid namespace
	 *
	 * @param nsenterCommand {@code nsenter} twice, with the options to enter the
	 * namespaces and root, up to the working directory
	 *
	 * @param setsid the {@code setsid} program
	 *
	 * @param nsenterSetsWorkingDirectory whether {@code nsenter} supports {@code --wdns}
	 */
	NamespaceSandbox(String id, Path directory, SandboxPaths paths, Map<String, String> environment, Process launcher,
			ProcessHandle namespaceInit, ProcessHandle enterTarget, String pidNamespace, List<String> nsenterCommand,
			String setsid, boolean nsenterSetsWorkingDirectory, @Nullable Process network,
			Cgroups.@Nullable Group group) {
		super(id, directory, paths, environment);
		this.launcher = launcher;
		this.namespaceInit = namespaceInit;
		this.enterTarget = enterTarget;
		this.pidNamespace = pidNamespace;
		this.nsenterCommand = List.copyOf(nsenterCommand);
		this.setsid = setsid;
		this.nsenterSetsWorkingDirectory = nsenterSetsWorkingDirectory;
		this.network = network;
		this.group = group;
		launcher.onExit().thenRun(() -> {
			if (!isClosed()) {
				this.terminated.complete("the sandbox's init process exited (exit code " + launcher.exitValue() + ")");
			}
		});
	}

	ProcessHandle namespaceInit() {
		return this.namespaceInit;
	}

	ProcessHandle enterTarget() {
		return this.enterTarget;
	}

	Process launcher() {
		return this.launcher;
	}

	@Override
	ManagedProcess launch(List<String> command, String givenDirectory, Map<String, String> environment, Output output)
			throws IOException {
		String workingDirectory = normaliseDirectory(givenDirectory);
		// nsenter finds its target by pid: make sure it is still our init and not a
		// recycled pid, which could be a process outside any sandbox.
		if (!this.namespaceInit.isAlive() || !this.enterTarget.isAlive()
				|| !this.pidNamespace.equals(ProcFs.pidNamespace(this.namespaceInit.pid()))
				|| !this.pidNamespace.equals(ProcFs.pidNamespace(this.enterTarget.pid()))) {
			throw new IOException("Sandbox '" + id() + "' is no longer running (its init process has exited)");
		}
		List<String> full = new ArrayList<>(this.nsenterCommand);
		if (this.nsenterSetsWorkingDirectory) {
			full.add("--wdns=" + workingDirectory);
		}
		full.add("--");
		// The barrier: the command's leader waits for one line on standard input, which
		// the JVM writes once it has seen the leader, so that even a command that exits
		// at once is known (its process group may outlive it). The shell reads byte by
		// byte, so the command gets the rest of standard input untouched.
		full.addAll(List.of("/bin/sh", "-c", (this.nsenterSetsWorkingDirectory ? "" : "cd -- \"$0\" || exit 126; ")
				+ "read -r _ || exit 125; exec \"$@\"", workingDirectory, this.setsid));
		full.addAll(command);
		ProcessBuilder builder = new ProcessBuilder(full);
		builder.environment().clear();
		builder.environment().putAll(environment);
		output.applyTo(builder);
		ManagedProcess process = new ManagedProcess(this, builder.start(), true);
		if (process.leader() == null) {
			// nsenter gave up before it started anything: most likely the working
			// directory does not exist (it changes into it inside the sandbox).
			String reason = ManagedProcess.failure(process);
			if (reason.contains("directory")) {
				throw new IOException(
						"Working directory '" + givenDirectory + "' does not exist in sandbox '" + id() + "'");
			}
			throw new IOException("Cannot start a command in sandbox '" + id() + "': " + reason);
		}
		return process;
	}

	@Override
	List<ProcStat> killCandidates(ProcFs.Census census) {
		long init = this.namespaceInit.pid();
		long target = this.enterTarget.pid();
		List<ProcStat> candidates = new ArrayList<>();
		for (ProcFs.Census.Entry entry : census.processes()) {
			long pid = entry.stat().pid();
			if (pid != init && pid != target && this.pidNamespace.equals(entry.pidNamespace())) {
				candidates.add(entry.stat());
			}
		}
		return candidates;
	}

	@Override
	List<ProcStat> sandboxProcesses() {
		return killCandidates();
	}

	@Override
	long reapedCpuTicks() {
		long ticks = 0;
		for (ProcessHandle handle : new HashSet<>(List.of(this.namespaceInit, this.enterTarget))) {
			ProcStat stat = ProcFs.stat(handle.pid());
			if (stat != null && handle.isAlive()) {
				ticks += stat.cpuTicks();
			}
		}
		return ticks;
	}

	@Override
	boolean forgetsExitedProcesses() {
		return true;
	}

	@Override
	void terminate() {
		// SIGKILL to the namespace's pid 1 takes every process in the namespace with it.
		// The launcher reaps it and exits; killing the launcher too early would leave
		// the init a zombie nobody waits for.
		this.namespaceInit.destroyForcibly();
		// Wrappers of paused commands are stopped; continued, they reap their commands
		// and report the SIGKILL as the exit code.
		Signals.send("CONT", liveChildren());
		long deadline = System.nanoTime() + TERMINATE_TIMEOUT_NANOS;
		try {
			if (!this.launcher.waitFor(TERMINATE_TIMEOUT_NANOS, TimeUnit.NANOSECONDS)) {
				this.launcher.destroyForcibly();
				this.launcher.waitFor(TERMINATE_TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		closeQuietly(this.launcher);
		if (this.network != null) {
			this.network.destroyForcibly();
			closeQuietly(this.network);
		}
		// Processes entered with nsenter are reaped by their nsenter, not by the
		// namespace: wait until none is left.
		while (System.nanoTime() < deadline) {
			List<ProcStat> left = sandboxProcesses();
			left.removeIf(ProcStat::isZombie);
			if (left.isEmpty() && !this.namespaceInit.isAlive() && !this.enterTarget.isAlive()) {
				return;
			}
			Signals.kill(left.stream().map(ProcStat::pid).toList());
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
		}
	}

	@Override
	void removeResources() {
		if (this.group != null) {
			this.group.remove();
		}
	}

	@Override
	public CompletableFuture<String> terminated() {
		return this.terminated;
	}

	private static void closeQuietly(Process process) {
		try {
			process.getOutputStream().close();
			process.getInputStream().close();
			process.getErrorStream().close();
		}
		catch (IOException ex) {
			// Nothing to release.
		}
	}

}
