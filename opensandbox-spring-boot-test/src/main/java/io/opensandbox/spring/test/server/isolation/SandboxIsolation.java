package io.opensandbox.spring.test.server.isolation;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Creates isolated sandboxes: each gets a private root on disk and its own process, mount
 * (and, when asked, network) namespaces, so that sandboxes cannot see each other or the
 * host's writable directories.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public interface SandboxIsolation {

	/**
	 * The mechanism in use: {@code bubblewrap}, {@code unshare} or {@code none}.
	 * @return the mechanism name
	 */
	String name();

	/**
	 * How sandboxes whose network policy allows egress reach the outside.
	 * @return a description, {@code host} when they share the host's network
	 */
	default String outboundNetwork() {
		return "host";
	}

	/**
	 * How sandboxes' resource limits (memory, CPU, processes) are enforced.
	 * @return a description, or why they are not
	 */
	default String resourceLimits() {
		return "not enforced";
	}

	/**
	 * Creates the root of a new sandbox and starts its (idle) init process.
	 * @param sandboxId the sandbox id, used for the directory name
	 * @param options the creation options
	 * @return the new sandbox
	 * @throws IOException if the sandbox cannot be created
	 */
	IsolatedSandbox create(String sandboxId, IsolationOptions options) throws IOException;

	/**
	 * Picks the best mechanism that works on this machine: bubblewrap when present and
	 * working, else {@code unshare}; with neither, {@link #unisolated(Path)} when
	 * {@code allowUnisolated} is true, else an {@link IsolationUnavailableException} that
	 * says what was tried and how to allow unisolated commands.
	 * @param baseDirectory the directory under which sandbox roots are created
	 * @param allowUnisolated whether commands may run without isolation
	 * @return the isolation
	 */
	static SandboxIsolation detect(Path baseDirectory, boolean allowUnisolated) {
		return IsolationDetector.detect(baseDirectory, allowUnisolated);
	}

	/**
	 * Namespaces created with {@code unshare} from util-linux.
	 * @param baseDirectory the directory under which sandbox roots are created
	 * @return the isolation
	 * @throws IsolationUnavailableException if unshare does not work here
	 */
	static SandboxIsolation unshare(Path baseDirectory) {
		return IsolationDetector.unshare(baseDirectory);
	}

	/**
	 * Namespaces created with bubblewrap ({@code bwrap}).
	 * @param baseDirectory the directory under which sandbox roots are created
	 * @return the isolation
	 * @throws IsolationUnavailableException if bubblewrap is missing or does not work
	 * here
	 */
	static SandboxIsolation bubblewrap(Path baseDirectory) {
		return IsolationDetector.bubblewrap(baseDirectory);
	}

	/**
	 * No isolation: commands run as host processes with their working directory and paths
	 * mapped under the sandbox directory where possible. Only for explicit opt-in.
	 * @param baseDirectory the directory under which sandbox roots are created
	 * @return the isolation
	 */
	static SandboxIsolation unisolated(Path baseDirectory) {
		return IsolationDetector.unisolated(baseDirectory);
	}

}
