package io.opensandbox.spring.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One event of a command or code execution stream, as execd sends it. Output arrives one
 * line per event, without its line terminator.
 *
 * @param type the event type
 * @param timestamp when execd produced the event
 * @param text the text: an output line for {@code STDOUT}/{@code STDERR}, the execution
 * id for {@code INIT}, the status for {@code STATUS}
 * @param results the MIME result map of a {@code RESULT} event ({@code text} stands for
 * {@code text/plain}), otherwise empty
 * @param executionCount the execution counter of a code context, if sent
 * @param executionTime how long the execution took, on {@code EXECUTION_COMPLETE}
 * @param error the error of an {@code ERROR} event
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record ExecutionEvent(Type type, @Nullable Instant timestamp, @Nullable String text, Map<String, Object> results,
		@Nullable Integer executionCount, @Nullable Duration executionTime, @Nullable ExecutionError error) {

	public ExecutionEvent {
		results = Map.copyOf(results);
	}

	/**
	 * Whether this event ends the execution: completion or an error.
	 * @return {@code true} for {@code EXECUTION_COMPLETE} and {@code ERROR}
	 */
	public boolean isTerminal() {
		return this.type == Type.EXECUTION_COMPLETE || this.type == Type.ERROR;
	}

	/**
	 * Event types. Types this library does not know arrive as {@link #UNKNOWN}.
	 */
	public enum Type {

		/** The execution started; the text is its id. */
		INIT,

		/** One line of standard output. */
		STDOUT,

		/** One line of standard error. */
		STDERR,

		/** A rich result (code interpreter). */
		RESULT,

		/** The execution counter of a code context. */
		EXECUTION_COUNT,

		/** The execution finished successfully. */
		EXECUTION_COMPLETE,

		/** The execution failed; for commands, a non-zero exit. */
		ERROR,

		/** A status change. */
		STATUS,

		/** A keep-alive sent while the execution runs. */
		PING,

		/** A type this library does not know. */
		UNKNOWN;

		/**
		 * Parse a wire type name such as {@code execution_complete}.
		 * @param value the name
		 * @return the type, {@link #UNKNOWN} if not known
		 */
		public static Type fromWireValue(@Nullable String value) {
			if (value == null) {
				return UNKNOWN;
			}
			// The common types first, without allocating
			switch (value) {
				case "stdout":
					return STDOUT;
				case "stderr":
					return STDERR;
				case "ping":
					return PING;
				default:
			}
			try {
				return valueOf(value.strip().toUpperCase(Locale.ROOT));
			}
			catch (IllegalArgumentException ex) {
				return UNKNOWN;
			}
		}

	}

}
