package io.opensandbox.spring.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * The complete result of a command or code execution: output lines, rich results, the
 * error, the exit code and timing. Built only from a stream that reached its terminal
 * event.
 *
 * @param id the execution (command) id from the {@code init} event
 * @param exitCode the exit code: 0 when execd reported completion, the code of a
 * {@code CommandExecError}, or {@code null} when unknown (for example a code error)
 * @param stdout the standard output lines
 * @param stderr the standard error lines
 * @param results the rich results (MIME maps) of code executions
 * @param error the error the execution ended with, if any
 * @param executionTime how long the execution took, if reported
 * @param executionCount the execution counter of a code context, if reported
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record Execution(@Nullable String id, @Nullable Integer exitCode, List<OutputLine> stdout,
		List<OutputLine> stderr, List<Map<String, Object>> results, @Nullable ExecutionError error,
		@Nullable Duration executionTime, @Nullable Integer executionCount) {

	public Execution {
		stdout = List.copyOf(stdout);
		stderr = List.copyOf(stderr);
		results = List.copyOf(results);
	}

	/**
	 * Fold a finished event stream into its result. The exit code follows execd: a
	 * completion means 0, a {@code CommandExecError} carries the code, anything else
	 * leaves it unknown.
	 * @param events the events, ending with a terminal event
	 * @return the execution
	 * @throws IllegalArgumentException if the events have no terminal event
	 */
	public static Execution of(List<ExecutionEvent> events) {
		String id = null;
		Integer exitCode = null;
		List<OutputLine> stdout = new ArrayList<>();
		List<OutputLine> stderr = new ArrayList<>();
		List<Map<String, Object>> results = new ArrayList<>();
		ExecutionError error = null;
		Duration executionTime = null;
		Integer executionCount = null;
		boolean terminal = false;
		for (ExecutionEvent event : events) {
			switch (event.type()) {
				case INIT -> id = event.text();
				case STDOUT -> stdout.add(new OutputLine(line(event.text()), event.timestamp()));
				case STDERR -> stderr.add(new OutputLine(line(event.text()), event.timestamp()));
				case RESULT -> results.add(event.results());
				case EXECUTION_COMPLETE -> {
					terminal = true;
					exitCode = (error != null) ? error.exitCode() : Integer.valueOf(0);
					executionTime = event.executionTime();
				}
				case ERROR -> {
					terminal = true;
					error = event.error();
					exitCode = (error != null) ? error.exitCode() : null;
				}
				default -> {
				}
			}
			if (event.executionCount() != null) {
				executionCount = event.executionCount();
			}
		}
		if (!terminal) {
			throw new IllegalArgumentException("The events end before the execution finished");
		}
		return new Execution(id, exitCode, stdout, stderr, results, error, executionTime, executionCount);
	}

	/** execd sends an empty line as a lone line feed. */
	private static String line(@Nullable String text) {
		if (text == null || text.equals("\n")) {
			return "";
		}
		return text;
	}

	/**
	 * Whether the execution finished without an error and, for a command, with exit code 0.
	 * @return {@code true} on success
	 */
	public boolean isSuccess() {
		return this.error == null && (this.exitCode == null || this.exitCode == 0);
	}

	/**
	 * The standard output as text, one line per line.
	 * @return the output, lines joined with {@code \n}
	 */
	public String stdoutText() {
		return this.stdout.stream().map(OutputLine::text).collect(Collectors.joining("\n"));
	}

	/**
	 * The standard error as text, one line per line.
	 * @return the output, lines joined with {@code \n}
	 */
	public String stderrText() {
		return this.stderr.stream().map(OutputLine::text).collect(Collectors.joining("\n"));
	}

}
