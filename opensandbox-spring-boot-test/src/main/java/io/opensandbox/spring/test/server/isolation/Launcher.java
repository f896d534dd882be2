package io.opensandbox.spring.test.server.isolation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Starts the processes that hold a sandbox's namespaces from one thread that lives as
 * long as the JVM. Linux ties a child's parent-death signal
 * ({@code bwrap --die-with-parent}, {@code unshare --kill-child}) to the thread that
 * forked it, not to the process: started from a pooled thread, a sandbox would die when
 * the pool retires that thread.
 *
 * @author OpenSandbox Spring Boot
 */
final class Launcher {

	private static final ExecutorService thread = Executors.newSingleThreadExecutor((runnable) -> {
		Thread launcher = new Thread(runnable, "opensandbox-isolation-launcher");
		launcher.setDaemon(true);
		return launcher;
	});

	private Launcher() {
	}

	/**
	 * Starts a process from the launcher thread.
	 * @param builder the process to start
	 * @return the started process
	 * @throws IOException if it cannot be started
	 */
	static Process start(ProcessBuilder builder) throws IOException {
		try {
			return CompletableFuture.supplyAsync(() -> {
				try {
					return builder.start();
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}, thread).join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof UncheckedIOException io) {
				throw io.getCause();
			}
			throw ex;
		}
	}

}
