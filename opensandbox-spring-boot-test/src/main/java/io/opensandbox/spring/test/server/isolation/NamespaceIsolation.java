package io.opensandbox.spring.test.server.isolation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * Creates sandboxes in Linux namespaces: a backend ({@code unshare} or {@code bwrap})
 * builds the sandbox's mounts around its root directory and starts an idle init there;
 * commands then enter the init's namespaces with {@code nsenter}.
 * <p>
 * The init always runs in one more user and mount namespace than the ones the backend
 * mounted in ({@code unshare --user --map-root-user --mount}). The kernel locks every
 * mount that is copied into a namespace owned by a less privileged user namespace, so
 * root inside the sandbox, though it has every capability there, can neither make the
 * read-only system directories writable nor unmount anything to look underneath, and it
 * owns neither the pid nor the network namespace (no new {@code /proc}, no interface
 * changes). Pid 1 of the sandbox stays in the outer user namespace, which owns the pid,
 * IPC, UTS and network namespaces, as the reaper and as the way in for commands; the
 * sandbox cannot reach into it (it has no capability there).
 * <p>
 * Everything runs as the sandbox's own unprivileged host user ({@link SandboxUser}): root
 * inside is that user outside. The backend is started from the {@link Launcher} thread so
 * that its parent-death signal fires when the JVM dies, not when a pooled thread retires.
 *
 * @author OpenSandbox Spring Boot
 */
abstract class NamespaceIsolation implements SandboxIsolation {

	private static final long READY_TIMEOUT_SECONDS = 30;

	private static final Map<String, Boolean> nsenterSupportsWdns = new ConcurrentHashMap<>();

	/**
	 * The init: announces itself, then idles until the JVM closes its standard input
	 * (explicitly or by dying). Bash reaps any orphan it is handed.
	 */
	private static final String INIT_SCRIPT = """
			trap '' HUP INT QUIT TERM PIPE TSTP TTIN TTOU
			echo ready
			while read -r _; do :; done
			""";

	/**
	 * A private {@code /dev/pts}, for backends that cannot mount it themselves.
	 */
	private static final String DEVPTS_SCRIPT = """
			mount --no-mtab -t devpts -o newinstance,ptmxmode=0666,mode=0620,nosuid,noexec \\
				devpts /dev/pts 2>/dev/null || :
			""";

	/**
	 * The last stage of every backend: lock the mounts by entering a new user and mount
	 * namespace, then become the init.
	 * @param mountDevpts whether to mount {@code /dev/pts} first
	 * @return the command
	 */
	static List<String> lockAndInit(boolean mountDevpts) {
		return List.of("unshare", "--user", "--map-root-user", "--mount", "--", "/bin/bash", "-c",
				(mountDevpts ? DEVPTS_SCRIPT : "") + INIT_SCRIPT);
	}

	private final Path baseDirectory;

	private final HostLayout layout;

	private final String nsenter;

	private final String setsid;

	private final String setpriv;

	private final String unshare;

	private final @Nullable UserModeNetwork network;

	private @Nullable Cgroups cgroups;

	private final @Nullable String prlimit;

	/**
	 * Creates the isolation, checking for the programs it needs.
	 * @param baseDirectory where sandbox directories go
	 * @param layout the host layout
	 * @param tools where to look for programs
	 * @param backendTools the backend's own programs, checked (and reported missing)
	 * first
	 */
	NamespaceIsolation(Path baseDirectory, HostLayout layout, Tools tools, String... backendTools) {
		this.baseDirectory = baseDirectory;
		this.layout = layout;
		tools.require(backendTools);
		List<String> paths = tools.require("nsenter", "setsid", "unshare", "bash", "setpriv");
		this.nsenter = paths.get(0);
		this.setsid = paths.get(1);
		this.setpriv = paths.get(4);
		this.unshare = paths.get(2);
		this.network = UserModeNetwork.find(tools);
		this.cgroups = Cgroups.detect();
		this.prlimit = tools.find("prlimit");
	}

	/**
	 * Enforces limits with resource limits of the processes instead of control groups, as
	 * on a machine without usable control groups.
	 * @return this isolation
	 */
	NamespaceIsolation withoutControlGroups() {
		this.cgroups = null;
		return this;
	}

	/*
	 * Where control groups are not available but sandboxes have users of their own,
	 * limits set on each process ({@code prlimit}): the process count of the sandbox's
	 * user ({@code RLIMIT_NPROC}, so the whole sandbox's, network stack included) and the
	 * data memory of each process ({@code RLIMIT_DATA}, per process, not per sandbox);
	 * CPU is not limited.
	 */
	private List<String> limited(List<String> command, ResourceLimits limits, SandboxUser user) {
		if (this.cgroups != null || !user.switched() || this.prlimit == null) {
			return command;
		}
		List<String> wrapped = new ArrayList<>(
				List.of(this.prlimit, "--nproc=" + limits.processes() + ":" + limits.processes()));
		if (limits.memoryBytes() > 0) {
			wrapped.add("--data=" + limits.memoryBytes() + ":" + limits.memoryBytes());
		}
		wrapped.add("--");
		wrapped.addAll(command);
		return wrapped;
	}

	HostLayout layout() {
		return this.layout;
	}

	/**
	 * Whether this backend can give sandboxes a disk quota.
	 * @return whether it can
	 */
	boolean supportsQuota() {
		return true;
	}

	@Override
	public String resourceLimits() {
		String disk = (supportsQuota() && SandboxUser.currentIds()[0] == 0) ? ", disk quota (tmpfs)"
				: ", no disk quota";
		boolean root = SandboxUser.currentIds()[0] == 0;
		String processes = (this.cgroups != null) ? this.cgroups.describe()
				: (root && this.prlimit != null)
						? "prlimit (processes per sandbox, data memory per process; CPU not limited)"
						: "memory, CPU and processes not limited (needs root)";
		return processes + disk;
	}

	@Override
	public String outboundNetwork() {
		return (this.network != null) ? "slirp4netns"
				: "none (install slirp4netns for sandboxes whose network policy allows egress)";
	}

	/**
	 * Writes the resolver configuration of a sandbox that gets outbound network access.
	 * @param directory the sandbox directory
	 * @param options the options
	 * @return the file to bind over the sandbox's {@code resolv.conf}, or {@code null}
	 * @throws IOException if it cannot be written
	 */
	@Nullable Path resolvConf(Path directory, IsolationOptions options) throws IOException {
		if (!options.network() || this.network == null) {
			return null;
		}
		Path file = directory.resolve("resolv.conf");
		Files.writeString(file, UserModeNetwork.resolvConf(), StandardCharsets.UTF_8);
		return file;
	}

	/*
	 * The command that builds the sandbox's mounts around {@code rootfs} and ends by
	 * running {@link #lockAndInit(boolean)} in it, as the only child of the namespace's
	 * pid 1, which must stay in the user namespace that owns the other namespaces.
	 *
	 * @param directory the sandbox directory (for private files outside the root)
	 *
	 * @param rootfs the sandbox root
	 *
	 * @param options the options
	 *
	 * @param user the host user the sandbox runs as
	 *
	 * @return the command
	 *
	 * @throws IOException if preparing it fails
	 */
	abstract List<String> launchCommand(Path directory, Path rootfs, IsolationOptions options, SandboxUser user)
			throws IOException;

	@Override
	public IsolatedSandbox create(String sandboxId, IsolationOptions options) throws IOException {
		SandboxUser user = SandboxUser.allocate();
		Path directory = SandboxFiles.createSandboxDirectory(this.baseDirectory, sandboxId, user);
		Process launcher = null;
		Cgroups.Group group = null;
		try {
			group = (this.cgroups != null) ? this.cgroups.create(sandboxId, options.limits()) : null;
			Path rootfs = directory.resolve("rootfs");
			boolean quota = user.switched() && supportsQuota();
			// With a quota the layout is copied into the sandbox's own file system.
			Path layoutDirectory = quota ? Files.createDirectory(directory.resolve("skeleton")) : rootfs;
			SandboxFiles.prepareRootfs(layoutDirectory, this.layout, true, user);
			user.own(layoutDirectory);
			List<String> launch = user.wrap(this.setpriv, launchCommand(directory, rootfs, options, user));
			if (quota) {
				launch = SandboxFiles.withQuota(this.unshare, rootfs, layoutDirectory, options.limits().diskBytes(),
						user, launch);
			}
			launch = limited(launch, options.limits(), user);
			ProcessBuilder builder = new ProcessBuilder((group != null) ? group.enter(launch) : launch)
				.directory(directory.toFile())
				.redirectErrorStream(true);
			builder.environment().clear();
			builder.environment().put("PATH", Tools.SANDBOX_PATH);
			builder.environment().put("LANG", "C.UTF-8");
			launcher = Launcher.start(builder);
			awaitReady(launcher);
			// The launcher, pid 1 of the namespace (outer user namespace), then the init.
			List<ProcessHandle> generations = generations(launcher, 2);
			ProcessHandle namespaceInit = generations.get(0);
			ProcessHandle enterTarget = generations.get(generations.size() - 1);
			String pidNamespace = ProcFs.pidNamespace(enterTarget.pid());
			if (pidNamespace == null || pidNamespace.equals(ProcFs.pidNamespace(ProcessHandle.current().pid()))) {
				throw new IOException("The sandbox init is not in a pid namespace of its own");
			}
			Process stack = (options.network() && this.network != null)
					? this.network.connect(directory, namespaceInit.pid(), user, this.setpriv) : null;
			// With a quota the root exists only in the sandbox's mount namespace.
			Path files = quota ? Path.of("/proc", Long.toString(enterTarget.pid()), "root") : rootfs;
			NamespaceSandbox sandbox = new NamespaceSandbox(sandboxId, directory, new SandboxPaths(files, this.layout),
					AbstractSandbox.environment(AbstractSandbox.HOME, options), launcher, namespaceInit, enterTarget,
					pidNamespace, nsenterCommand(namespaceInit.pid(), enterTarget.pid(), user, group, options.limits()),
					this.setsid, supportsWdns(this.nsenter), stack, group);
			AbstractSandbox.LiveSandboxes.add(sandbox);
			return sandbox;
		}
		catch (IOException | RuntimeException ex) {
			if (launcher != null) {
				launcher.destroyForcibly();
				try {
					launcher.waitFor(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
				}
			}
			SandboxFiles.deleteTree(directory);
			if (group != null) {
				group.remove();
			}
			throw ex;
		}
	}

	/*
	 * Entering takes two steps, because the namespaces are owned by two user namespaces,
	 * and both run as the sandbox's host user, never as host root. First the outer user
	 * namespace (owned by that user), the IPC, UTS (and network) namespaces it owns, the
	 * init's locked mount namespace and its root: from then on nothing of the host's file
	 * system is reachable. Only then, from inside, the nested user namespace and the pid
	 * namespace, so that no process ever shows up among the sandbox's processes while it
	 * still sees the host's files (a sandbox process could otherwise open its {@code
	 * /proc/<pid>/root}). Credentials are kept: the host user is root in both user
	 * namespaces.
	 */
	private List<String> nsenterCommand(long namespaceInit, long enterTarget, SandboxUser user,
			Cgroups.@Nullable Group group, ResourceLimits limits) throws IOException {
		long innerInit = ProcFs.innermostPid(enterTarget);
		if (innerInit <= 0) {
			throw new IOException("Cannot read the sandbox init's pid inside its namespace");
		}
		String outer = "/proc/" + namespaceInit + "/ns/";
		String init = "/proc/" + enterTarget;
		List<String> command = new ArrayList<>(List.of(this.nsenter, "--preserve-credentials",
				"--user=" + outer + "user", "--ipc=" + outer + "ipc", "--uts=" + outer + "uts"));
		command.add("--net=" + outer + "net");
		command.addAll(List.of("--mount=" + init + "/ns/mnt", "--root=" + init + "/root", "--wd=" + init + "/root",
				"--", this.nsenter, "--preserve-credentials", "--target", Long.toString(innerInit), "--user", "--pid"));
		List<String> entry = limited(user.wrap(this.setpriv, command), limits, user);
		return (group != null) ? group.enter(entry) : entry;
	}

	private void awaitReady(Process launcher) throws IOException {
		// 0: waiting, 1: ready, 2: timed out
		AtomicInteger state = new AtomicInteger();
		CompletableFuture.delayedExecutor(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS).execute(() -> {
			if (state.compareAndSet(0, 2)) {
				launcher.destroyForcibly();
			}
		});
		InputStream output = launcher.getInputStream();
		StringBuilder transcript = new StringBuilder();
		StringBuilder line = new StringBuilder();
		int c;
		while ((c = output.read()) != -1) {
			if (c != '\n') {
				line.append((char) c);
				continue;
			}
			if ("ready".contentEquals(line)) {
				if (state.compareAndSet(0, 1)) {
					return;
				}
				break;
			}
			if (transcript.length() < 4096) {
				transcript.append(line).append('\n');
			}
			line.setLength(0);
		}
		// Failing to claim the state means the timer already fired.
		boolean timedOut = !state.compareAndSet(0, 2);
		transcript.append(line);
		String exit;
		try {
			exit = launcher.waitFor(5, TimeUnit.SECONDS) ? "exit code " + launcher.exitValue() : "still running";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			exit = "interrupted";
		}
		throw new IOException("Could not start the " + name() + " sandbox"
				+ (timedOut ? " within " + READY_TIMEOUT_SECONDS + " seconds" : "") + " (" + exit + ")"
				+ (transcript.toString().isBlank() ? "" : ": " + transcript.toString().strip()));
	}

	private static List<ProcessHandle> generations(Process launcher, int count) throws IOException {
		List<ProcessHandle> generations = new ArrayList<>();
		long parent = launcher.pid();
		for (int i = 0; i < count; i++) {
			List<Long> children = ProcFs.children(parent);
			if (children.size() != 1) {
				throw new IOException(
						"Unexpected sandbox process tree: process " + parent + " has children " + children);
			}
			long child = children.get(0);
			ProcessHandle handle = ProcessHandle.of(child)
				.orElseThrow(() -> new IOException("Sandbox process " + child + " exited during start"));
			generations.add(handle);
			parent = child;
		}
		return generations;
	}

	/*
	 * Whether this {@code nsenter} can set the working directory inside the entered root
	 * ({@code --wdns}, util-linux 2.38); older ones get a {@code cd} in a shell instead.
	 */
	private static boolean supportsWdns(String nsenter) {
		return nsenterSupportsWdns.computeIfAbsent(nsenter, (path) -> {
			try {
				Process help = new ProcessBuilder(path, "--help").redirectErrorStream(true).start();
				help.getOutputStream().close();
				String text = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
				help.waitFor(10, TimeUnit.SECONDS);
				return text.contains("--wdns");
			}
			catch (IOException ex) {
				return false;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		});
	}

	@Override
	public String toString() {
		return name() + " isolation in " + this.baseDirectory;
	}

}
