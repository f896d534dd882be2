package io.opensandbox.spring.test.server.isolation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.opensandbox.spring.test.server.isolation.ProcFs.ProcStat;

/**
 * A sandbox whose commands are host processes (see {@link UnisolatedIsolation}). Each
 * command leads its own session; the sandbox's processes are the members of those
 * sessions and process groups and the descendants of their leaders. A process that starts
 * a session of its own and leaves its parent (a classic daemon) escapes that tracking,
 * and nothing kills these processes if the JVM is killed: both are limits of running
 * without a pid namespace.
 *
 * @author OpenSandbox Spring Boot
 */
final class UnisolatedSandbox extends AbstractSandbox {

	private final String setsid;

	UnisolatedSandbox(String id, Path directory, SandboxPaths paths, Map<String, String> environment, String setsid) {
		super(id, directory, paths, environment);
		this.setsid = setsid;
	}

	static Map<String, String> environment(SandboxPaths paths, IsolationOptions options) {
		Map<String, String> environment = environment(paths.hostPath(HOME).toString(), options);
		environment.putIfAbsent("TMPDIR", paths.hostPath("/tmp").toString());
		return environment;
	}

	@Override
	ManagedProcess launch(List<String> command, String workingDirectory, Map<String, String> environment, Output output)
			throws IOException {
		Path hostWorkingDirectory;
		try {
			hostWorkingDirectory = paths().map(paths().resolve(workingDirectory));
		}
		catch (IllegalArgumentException ex) {
			throw new IOException("Invalid working directory '" + workingDirectory + "': " + ex.getMessage(), ex);
		}
		if (!Files.isDirectory(hostWorkingDirectory)) {
			throw new IOException(
					"Working directory '" + workingDirectory + "' does not exist in sandbox '" + id() + "'");
		}
		List<String> full = new ArrayList<>();
		full.add(this.setsid);
		full.addAll(command);
		ProcessBuilder builder = new ProcessBuilder(full).directory(hostWorkingDirectory.toFile());
		builder.environment().clear();
		builder.environment().putAll(environment);
		output.applyTo(builder);
		return new ManagedProcess(this, builder.start(), false);
	}

	@Override
	public String agentPath(String sandboxPath) {
		return hostPath(sandboxPath).toString();
	}

	@Override
	List<ProcStat> killCandidates(ProcFs.Census census) {
		return census.processes().stream().map(ProcFs.Census.Entry::stat).toList();
	}

	@Override
	List<ProcStat> sandboxProcesses() {
		List<ProcStat> all = killCandidates();
		Set<Long> members = new HashSet<>();
		for (ManagedProcess process : processes()) {
			ProcessHandle leader = process.leader();
			if (leader == null) {
				continue;
			}
			Set<Long> found = members(all, leader.pid(), leader.isAlive());
			if (found.isEmpty() && !process.process().isAlive()) {
				// Finished and left nothing behind: stop tracking it.
				processes().remove(process);
			}
			members.addAll(found);
		}
		List<ProcStat> result = new ArrayList<>();
		for (ProcStat stat : all) {
			if (members.contains(stat.pid())) {
				result.add(stat);
			}
		}
		return result;
	}

	@Override
	void terminate() {
		for (int round = 0; round < 50; round++) {
			List<ProcStat> left = sandboxProcesses();
			left.removeIf(ProcStat::isZombie);
			if (left.isEmpty()) {
				break;
			}
			Signals.kill(left.stream().map(ProcStat::pid).toList());
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(1 + round, 20)));
		}
	}

}
