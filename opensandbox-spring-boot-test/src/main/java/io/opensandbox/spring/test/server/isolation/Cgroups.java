package io.opensandbox.spring.test.server.isolation;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * Enforces a sandbox's {@link ResourceLimits} with control groups (version 1 controllers
 * {@code memory}, {@code pids} and {@code cpu}, which root may write where they are
 * mounted): every process of the sandbox, its init and every command entered later,
 * starts inside the sandbox's groups, so the kernel counts and limits them together.
 * Memory beyond the limit is reclaimed and then answered by the OOM killer inside the
 * sandbox; forks beyond the process limit fail with {@code EAGAIN}; CPU beyond the quota
 * is throttled.
 *
 * @author OpenSandbox Spring Boot
 */
final class Cgroups {

	private static final System.Logger logger = System.getLogger(Cgroups.class.getName());

	private static final Path ROOT = Path.of("/sys/fs/cgroup");

	private static final List<String> CONTROLLERS = List.of("memory", "pids", "cpu");

	private static final long CPU_PERIOD_MICROS = 100_000;

	/**
	 * The enter script: writes its own pid into each {@code cgroup.procs} it is given,
	 * then becomes the command, so that nothing the command forks is ever outside.
	 */
	private static final String ENTER = """
			n=$1; shift
			while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n - 1)); done
			exec "$@"
			""";

	private final String prefix;

	private Cgroups(String prefix) {
		this.prefix = prefix;
	}

	/**
	 * The control groups of this host, if this JVM may create groups under every
	 * controller.
	 * @return the groups, or {@code null}
	 */
	static @Nullable Cgroups detect() {
		if (SandboxUser.currentIds()[0] != 0) {
			return null;
		}
		String prefix = "opensandbox";
		for (String controller : CONTROLLERS) {
			Path mount = ROOT.resolve(controller);
			if (!Files.isRegularFile(mount.resolve("cgroup.procs")) || !Files.isWritable(mount)) {
				return null;
			}
		}
		removeStale(prefix);
		return new Cgroups(prefix);
	}

	/*
	 * Removes empty groups that a JVM killed before it could clean up left behind; a
	 * group still in use (or just created) is never removed: the kernel refuses to remove
	 * one with members, and young ones are skipped.
	 */
	private static void removeStale(String prefix) {
		long cutoff = System.currentTimeMillis() - TimeUnit.MINUTES.toMillis(10);
		for (String controller : CONTROLLERS) {
			Path parent = ROOT.resolve(controller).resolve(prefix);
			if (!Files.isDirectory(parent)) {
				continue;
			}
			try (var groups = Files.list(parent)) {
				groups.filter(Files::isDirectory).forEach((group) -> {
					try {
						if (Files.getLastModifiedTime(group).toMillis() < cutoff
								&& Files.readString(group.resolve("cgroup.procs")).isBlank()) {
							Files.deleteIfExists(group);
						}
					}
					catch (IOException | RuntimeException ex) {
						// In use, or gone meanwhile.
					}
				});
			}
			catch (IOException ex) {
				// Nothing to clean.
			}
		}
	}

	/**
	 * What the groups enforce, for the server's description.
	 * @return the controllers
	 */
	String describe() {
		return "cgroup v1 " + String.join(", ", CONTROLLERS);
	}

	/**
	 * Creates a sandbox's groups with its limits.
	 * @param sandboxId the sandbox id
	 * @param limits the limits
	 * @return the groups
	 * @throws IOException if they cannot be created
	 */
	Group create(String sandboxId, ResourceLimits limits) throws IOException {
		// Unique even where servers in several JVMs give sandboxes the same id.
		String name = sandboxId + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
		List<Path> directories = new ArrayList<>();
		try {
			for (String controller : CONTROLLERS) {
				Path parent = Files.createDirectories(ROOT.resolve(controller).resolve(this.prefix));
				directories.add(Files.createDirectory(parent.resolve(name)));
			}
			Path memory = directories.get(0);
			if (limits.memoryBytes() > 0) {
				write(memory.resolve("memory.limit_in_bytes"), limits.memoryBytes());
				Path swap = memory.resolve("memory.memsw.limit_in_bytes");
				if (Files.exists(swap)) {
					write(swap, limits.memoryBytes());
				}
			}
			write(directories.get(1).resolve("pids.max"), limits.processes());
			if (limits.cpuMillis() > 0) {
				Path cpu = directories.get(2);
				write(cpu.resolve("cpu.cfs_period_us"), CPU_PERIOD_MICROS);
				write(cpu.resolve("cpu.cfs_quota_us"), Math.max(1000, limits.cpuMillis() * CPU_PERIOD_MICROS / 1000));
			}
		}
		catch (IOException | RuntimeException ex) {
			new Group(directories).remove();
			throw new IOException("Cannot create the control groups of sandbox " + sandboxId + ": " + ex.getMessage(),
					ex);
		}
		return new Group(directories);
	}

	private static void write(Path file, long value) throws IOException {
		Files.writeString(file, Long.toString(value), StandardCharsets.US_ASCII);
	}

	/**
	 * One sandbox's groups.
	 */
	static final class Group {

		private final List<Path> directories;

		Group(List<Path> directories) {
			this.directories = List.copyOf(directories);
		}

		/**
		 * The command started inside the groups.
		 * @param command the command
		 * @return the wrapped command
		 */
		List<String> enter(List<String> command) {
			List<String> wrapped = new ArrayList<>(
					List.of("/bin/sh", "-c", ENTER, "cgroup-enter", Integer.toString(this.directories.size())));
			for (Path directory : this.directories) {
				wrapped.add(directory.resolve("cgroup.procs").toString());
			}
			wrapped.addAll(command);
			return wrapped;
		}

		/**
		 * Removes the groups once the sandbox's processes are gone (a group with members
		 * cannot be removed, so this retries for a while).
		 */
		void remove() {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
			for (Path directory : this.directories) {
				while (true) {
					try {
						Files.deleteIfExists(directory);
						break;
					}
					catch (IOException ex) {
						if (System.nanoTime() > deadline) {
							logger.log(Level.WARNING, "Could not remove control group {0}: {1}", directory,
									ex.getMessage());
							break;
						}
						LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
					}
				}
			}
		}

	}

}
