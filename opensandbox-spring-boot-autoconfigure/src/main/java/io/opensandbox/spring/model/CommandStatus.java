package io.opensandbox.spring.model;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Status of a command, typically a background one.
 *
 * @param id the command id
 * @param command the command text, if reported
 * @param running whether it still runs
 * @param exitCode the exit code once it finished
 * @param error an error message if it failed to run
 * @param startedAt when it started
 * @param finishedAt when it finished, {@code null} while running
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record CommandStatus(String id, @Nullable String command, boolean running, @Nullable Integer exitCode,
		@Nullable String error, @Nullable Instant startedAt, @Nullable Instant finishedAt) {

	/**
	 * A slice of a background command's output.
	 *
	 * @param text the output after the requested cursor (stdout and stderr interleaved)
	 * @param cursor the cursor to pass next time to read only newer output
	 * @since 0.1.0
	 */
	public record Logs(String text, long cursor) {

	}

}
