package io.opensandbox.spring.test.server;

import java.nio.file.Path;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * How the embedded server behaves.
 *
 * @param port the port on 127.0.0.1, {@code 0} for a free one
 * @param apiKey the API key the lifecycle API requires, or {@code null} for none
 * @param readyDelay how long a new sandbox stays {@code Pending} before it runs
 * @param creationDelay how long a create request takes to be answered (the sandbox exists
 * meanwhile, as on a server that starts the container before it answers)
 * @param execdAccessToken the {@code X-EXECD-ACCESS-TOKEN} execd requires, or
 * {@code null}
 * @param isolation how commands are isolated
 * @param workDirectory where sandbox directories live, or {@code null} for a new
 * temporary directory removed at shutdown
 * @author OpenSandbox Spring Boot
 */
public record ServerSettings(int port, @Nullable String apiKey, Duration readyDelay, Duration creationDelay,
		@Nullable String execdAccessToken, Isolation isolation, @Nullable Path workDirectory) {

	/**
	 * How commands run.
	 */
	public enum Isolation {

		/** Bubblewrap when it works, else unshare; refuse commands when neither works. */
		AUTO,

		/** Like {@link #AUTO}, but run commands without isolation when neither works. */
		AUTO_OR_UNISOLATED,

		/** Bubblewrap only. */
		BUBBLEWRAP,

		/** unshare only. */
		UNSHARE,

		/** No isolation: commands are plain host processes. */
		NONE

	}

}
