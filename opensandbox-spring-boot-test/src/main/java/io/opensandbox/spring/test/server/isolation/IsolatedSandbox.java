package io.opensandbox.spring.test.server.isolation;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * One isolated sandbox: a private root on disk and the processes running in it.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public interface IsolatedSandbox extends Closeable {

	/**
	 * The directory on the host that holds everything this sandbox writes; removed by
	 * {@link #close()}.
	 * @return the sandbox directory
	 */
	Path directory();

	/**
	 * Where a path seen inside the sandbox lives on the host, so that a file written
	 * there is the file a command in the sandbox sees at {@code sandboxPath}. Read-only
	 * system directories ({@code /usr}, {@code /etc}, ...) map to the host's own
	 * directories.
	 * <p>
	 * Symbolic links are followed the way the sandbox would follow them, the last
	 * component included, so a link the sandbox planted (say {@code /tmp/x -> /root})
	 * leads to the sandbox's {@code /root}, never the host's. To address a link itself,
	 * map its parent and append the name. The result reflects the links at the time of
	 * the call: a sandbox process may replace a directory with a link afterwards, so
	 * writes on its behalf are best done without following links.
	 * @param sandboxPath an absolute path inside the sandbox
	 * @return the host path
	 * @throws IllegalArgumentException if the path is not absolute or would leave the
	 * sandbox (after normalisation)
	 */
	Path hostPath(String sandboxPath);

	/**
	 * How a process started with {@link #start} names a sandbox path: the path itself for
	 * a sandbox with its own root; the mapped host path for a sandbox without one.
	 * @param sandboxPath an absolute path inside the sandbox
	 * @return the path to hand to the sandbox's processes
	 */
	default String agentPath(String sandboxPath) {
		return sandboxPath;
	}

	/**
	 * Whether a path inside the sandbox is writable (not under a read-only system
	 * directory, {@code /proc} or {@code /dev}), with links resolved as by
	 * {@link #hostPath(String)}.
	 * @param sandboxPath an absolute path inside the sandbox
	 * @return whether the sandbox may write there
	 */
	boolean isWritable(String sandboxPath);

	/**
	 * Starts a process inside the sandbox in a new process group.
	 * @param command the program and its arguments
	 * @param workingDirectory the working directory inside the sandbox, or {@code null}
	 * for the sandbox's home
	 * @param env environment variables added to the sandbox's
	 * @return the started process
	 * @throws IOException if the process cannot be started (for example a missing working
	 * directory)
	 */
	default SandboxProcess start(List<String> command, @Nullable String workingDirectory, Map<String, String> env)
			throws IOException {
		return start(command, workingDirectory, env, null, null);
	}

	/**
	 * Starts a process inside the sandbox in a new process group, its standard output and
	 * error written to files (named pipes, typically) instead of pipes to the JVM.
	 * @param command the program and its arguments
	 * @param workingDirectory the working directory inside the sandbox, or {@code null}
	 * for the sandbox's home
	 * @param env environment variables added to the sandbox's
	 * @param stdout where standard output goes, or {@code null} for a pipe
	 * @param stderr where standard error goes, or {@code null} for a pipe
	 * @return the started process
	 * @throws IOException if the process cannot be started
	 */
	SandboxProcess start(List<String> command, @Nullable String workingDirectory, Map<String, String> env,
			@Nullable Path stdout, @Nullable Path stderr) throws IOException;

	/**
	 * Stops every process of the sandbox (SIGSTOP) until {@link #resume()}. Processes
	 * started while the sandbox is paused are not stopped.
	 */
	void pause();

	/**
	 * Continues every process of the sandbox (SIGCONT).
	 */
	void resume();

	/**
	 * Resource use of the sandbox's processes right now.
	 * @return the metrics
	 */
	ProcessMetrics metrics();

	/**
	 * How many processes run in the sandbox now, its idle init process not counted.
	 * @return the process count
	 */
	int processCount();

	/**
	 * Completes, with a reason, when the sandbox ends by itself (its init process died)
	 * rather than by {@link #close()}; never completes for sandboxes without an init.
	 * @return the future reason
	 */
	default CompletableFuture<String> terminated() {
		return new CompletableFuture<>();
	}

	/**
	 * Kills every process of the sandbox and removes its directory. Idempotent; a
	 * concurrent caller waits until the first one is done. Sandboxes still open when the
	 * JVM shuts down are closed by a shutdown hook.
	 */
	@Override
	void close();

}
