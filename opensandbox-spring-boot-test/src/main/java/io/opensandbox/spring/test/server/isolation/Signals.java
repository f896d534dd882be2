package io.opensandbox.spring.test.server.isolation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Sends signals to host processes. SIGKILL goes through the JDK (which checks the
 * process's start time, so a recycled pid is never hit); the JDK has no other signals, so
 * SIGSTOP and SIGCONT use the {@code kill} program.
 *
 * @author OpenSandbox Spring Boot
 */
final class Signals {

	private static final int BATCH = 500;

	private Signals() {
	}

	/**
	 * SIGKILLs processes.
	 * @param pids the process ids
	 */
	static void kill(Collection<Long> pids) {
		long self = ProcessHandle.current().pid();
		for (long pid : pids) {
			if (pid > 1 && pid != self) {
				ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
			}
		}
	}

	/**
	 * Sends a signal by name ({@code STOP}, {@code CONT}) with the {@code kill} program.
	 * @param signal the signal name
	 * @param pids the process ids
	 */
	static void send(String signal, Collection<Long> pids) {
		long self = ProcessHandle.current().pid();
		List<Long> all = new ArrayList<>(pids);
		all.removeIf((pid) -> pid <= 1 || pid == self);
		if (all.isEmpty()) {
			return;
		}
		// Without a kill program, the shell's built-in does the same.
		List<String> kill = (KillProgram.PATH != null) ? List.of(KillProgram.PATH, "-s", signal, "--")
				: List.of("/bin/bash", "-c", "kill -s " + signal + " -- \"$@\"", "kill");
		for (int from = 0; from < all.size(); from += BATCH) {
			List<String> command = new ArrayList<>(kill);
			for (long pid : all.subList(from, Math.min(all.size(), from + BATCH))) {
				command.add(Long.toString(pid));
			}
			run(command);
		}
	}

	private static void run(List<String> command) {
		try {
			Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.redirectError(ProcessBuilder.Redirect.DISCARD)
				.start();
			process.getOutputStream().close();
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}
		catch (IOException ex) {
			// Some processes may be gone: nothing left to signal.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static final class KillProgram {

		static final @Nullable String PATH = Tools.host().find("kill");

	}

}
