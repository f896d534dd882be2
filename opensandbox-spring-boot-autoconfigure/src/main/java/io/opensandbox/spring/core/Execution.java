package io.opensandbox.spring.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.model.ExecutionError;

/**
 * The result of a command or code execution that ran to its end: how it ended, its output
 * and timing. A command that fails, times out or is interrupted, and code that raises,
 * are results, not exceptions; {@link #orThrow()} turns them into a
 * {@link CommandFailedException} where the caller wants that.
 * <p>
 * Collected output is bounded (see {@code opensandbox.sandbox.max-collected-output}):
 * past the limit, output lines are counted in {@link #omittedStdout()} and
 * {@link #omittedStderr()} but not kept; stream the events to see everything.
 *
 * @param id the execution (command) id from the {@code init} event, if sent
 * @param outcome how the execution ended
 * @param exitCode the exit code when the outcome is {@link Outcome#COMPLETED COMPLETED}
 * (always 0) or {@link Outcome#FAILED FAILED}; empty otherwise
 * @param stdout the standard output lines kept, without terminators
 * @param stderr the standard error lines kept, without terminators
 * @param omittedStdout how many characters of standard output were left out
 * @param omittedStderr how many characters of standard error were left out
 * @param results the rich results (MIME maps) of code executions
 * @param error the error the execution ended with: the interpreter's exception, or
 * execd's report of a non-zero exit, a timeout or an interruption
 * @param executionTime how long the execution took: as execd reported it, or as measured
 * by this client when execd did not say
 * @param executionCount the execution counter of a code context, if reported
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record Execution(@Nullable String id, Outcome outcome, OptionalInt exitCode, List<OutputLine> stdout,
		List<OutputLine> stderr, long omittedStdout, long omittedStderr, List<Map<String, Object>> results,
		@Nullable ExecutionError error, Duration executionTime, @Nullable Integer executionCount) {

	public Execution {
		stdout = List.copyOf(stdout);
		stderr = List.copyOf(stderr);
		results = List.copyOf(results);
	}

	/**
	 * Whether the execution completed: a command with exit code 0, or code that raised
	 * nothing.
	 * @return {@code true} when the outcome is {@link Outcome#COMPLETED}
	 */
	public boolean isSuccess() {
		return this.outcome == Outcome.COMPLETED;
	}

	/**
	 * This execution if it completed, otherwise a {@link CommandFailedException} with the
	 * outcome and the tail of the standard error.
	 * @return this execution
	 * @throws CommandFailedException if the outcome is not {@link Outcome#COMPLETED}
	 */
	public Execution orThrow() {
		if (!isSuccess()) {
			throw new CommandFailedException(this);
		}
		return this;
	}

	/**
	 * Whether output was left out because it exceeded the collection limit.
	 * @return {@code true} if some output was not kept
	 */
	public boolean isTruncated() {
		return this.omittedStdout > 0 || this.omittedStderr > 0;
	}

	/**
	 * The standard output kept, as text: lines joined with {@code \n}, no terminator
	 * after the last (the same rule for commands and code).
	 * @return the output
	 */
	public String stdoutText() {
		return text(this.stdout);
	}

	/**
	 * The standard error kept, as text, by the rule of {@link #stdoutText()}.
	 * @return the output
	 */
	public String stderrText() {
		return text(this.stderr);
	}

	private static String text(List<OutputLine> lines) {
		return lines.stream().map(OutputLine::text).collect(Collectors.joining("\n"));
	}

	/**
	 * How an execution ended.
	 */
	public enum Outcome {

		/** A command exited with code 0, or code ran without raising. */
		COMPLETED,

		/** A command exited with a non-zero code: see {@link Execution#exitCode()}. */
		FAILED,

		/** execd killed the command when its time limit passed. */
		TIMED_OUT,

		/** The command was interrupted (or killed) before it exited by itself. */
		INTERRUPTED,

		/**
		 * Code raised an exception in the interpreter, or execd reported an error that is
		 * not a command's exit: see {@link Execution#error()}.
		 */
		ERRORED

	}

	/**
	 * One line of a command's output, without its terminator.
	 *
	 * @param text the line
	 * @param timestamp when execd read it, if it said
	 * @since 0.1.0
	 */
	public record OutputLine(String text, @Nullable Instant timestamp) {

		@Override
		public String toString() {
			return this.text;
		}

	}

}
