package io.opensandbox.spring.test.server.isolation;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * A process running inside a sandbox, the leader of its own process group.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public interface SandboxProcess {

	/**
	 * The process's standard output.
	 * @return standard output
	 */
	InputStream stdout();

	/**
	 * The process's standard error.
	 * @return standard error
	 */
	InputStream stderr();

	/**
	 * The process's standard input.
	 * @return standard input
	 */
	OutputStream stdin();

	/**
	 * Completes with the exit code once the process has exited (128 + signal number when
	 * it was killed by a signal).
	 * @return the exit code
	 */
	CompletableFuture<Integer> onExit();

	/**
	 * Whether anything of the command still runs: its leader, or processes it left in its
	 * process group or session (background children).
	 * @return whether the command's processes are not all gone
	 */
	boolean hasLiveProcesses();

	/**
	 * Kills the process and everything it started (its process group) with SIGKILL.
	 */
	void kill();

}
