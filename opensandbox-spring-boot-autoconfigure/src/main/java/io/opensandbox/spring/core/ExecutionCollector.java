package io.opensandbox.spring.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.error.OpenSandboxStreamException;
import io.opensandbox.spring.model.ExecutionError;
import io.opensandbox.spring.model.ExecutionEvent;

/**
 * Folds an execution's events into an {@link Execution} as they arrive, keeping the first
 * lines of each output stream up to a number of characters (from the first line that does
 * not fit on, lines are counted, not kept), so that a command that writes gigabytes costs
 * bounded memory. Not thread-safe: one per execution.
 *
 * @author OpenSandbox Spring Boot
 */
final class ExecutionCollector {

	private final long limit;

	private final @Nullable Duration timeout;

	private final long startedAt = System.nanoTime();

	private @Nullable String id;

	private final Output stdout = new Output();

	private final Output stderr = new Output();

	private final List<Map<String, Object>> results = new ArrayList<>();

	private @Nullable ExecutionError error;

	private @Nullable Duration executionTime;

	private @Nullable Integer executionCount;

	private boolean completed;

	private ExecutionCollector(long limit, @Nullable Duration timeout) {
		this.limit = limit;
		this.timeout = timeout;
	}

	/**
	 * Collect a stream of events into its execution.
	 * @param events the events
	 * @param limit how many characters of each output stream to keep
	 * @param timeout the execution's time limit, if it had one, to tell a timeout from an
	 * interruption
	 * @return the execution; a stream without a terminal event is an
	 * {@link OpenSandboxStreamException}
	 */
	static Mono<Execution> collect(Flux<ExecutionEvent> events, long limit, @Nullable Duration timeout) {
		return Mono.defer(() -> events.collect(() -> new ExecutionCollector(limit, timeout), ExecutionCollector::accept)
			.map(ExecutionCollector::finish));
	}

	void accept(ExecutionEvent event) {
		switch (event.type()) {
			case INIT -> this.id = event.text();
			case STDOUT -> this.stdout.add(event, this.limit);
			case STDERR -> this.stderr.add(event, this.limit);
			case RESULT -> this.results.add(event.results());
			case EXECUTION_COMPLETE -> {
				this.completed = true;
				this.executionTime = event.executionTime();
			}
			case ERROR -> {
				this.completed = true;
				this.error = event.error();
			}
			default -> {
			}
		}
		if (event.executionCount() != null) {
			this.executionCount = event.executionCount();
		}
	}

	/*
	 * The lines of one output event. Commands send one line per event without its
	 * terminator (an empty line as a lone {@code \n}); code sends chunks whose lines end
	 * with terminators. Both become lines without terminators.
	 */
	static List<String> lines(@Nullable String text) {
		if (text == null || text.isEmpty() || text.equals("\n")) {
			return List.of("");
		}
		String body = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
				: text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
		if (body.indexOf('\n') < 0) {
			return List.of(stripCarriageReturn(body));
		}
		List<String> lines = new ArrayList<>();
		for (String line : body.split("\n", -1)) {
			lines.add(stripCarriageReturn(line));
		}
		return lines;
	}

	private static String stripCarriageReturn(String line) {
		return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
	}

	Execution finish() {
		if (!this.completed) {
			throw new OpenSandboxStreamException("The execution's event stream ended before the execution finished",
					null);
		}
		Duration measured = Duration.ofNanos(System.nanoTime() - this.startedAt);
		Duration time = (this.executionTime != null) ? this.executionTime : measured;
		Execution.Outcome outcome = Execution.Outcome.COMPLETED;
		OptionalInt exitCode = OptionalInt.of(0);
		if (this.error != null) {
			Integer code = this.error.exitCode();
			if (code != null && code > 0) {
				outcome = Execution.Outcome.FAILED;
				exitCode = OptionalInt.of(code);
			}
			else if (ExecutionError.COMMAND_EXEC_ERROR.equals(this.error.name())) {
				// execd reports a killed process group as -1 both for a timeout and for
				// an
				// interrupt: a run that lasted its time limit timed out
				outcome = (this.timeout != null && measured.compareTo(this.timeout) >= 0) ? Execution.Outcome.TIMED_OUT
						: Execution.Outcome.INTERRUPTED;
				exitCode = OptionalInt.empty();
			}
			else {
				outcome = Execution.Outcome.ERRORED;
				exitCode = OptionalInt.empty();
			}
		}
		return new Execution(this.id, outcome, exitCode, this.stdout.lines, this.stderr.lines, this.stdout.omitted,
				this.stderr.omitted, this.results, this.error, time, this.executionCount);
	}

	/**
	 * One output stream: its first lines up to the limit, then only the count of what was
	 * left out (a line break counts as a character).
	 */
	private static final class Output {

		private final List<Execution.OutputLine> lines = new ArrayList<>();

		private long kept;

		private long omitted;

		void add(ExecutionEvent event, long limit) {
			for (String line : lines(event.text())) {
				if (this.omitted == 0 && this.kept + line.length() <= limit) {
					this.lines.add(new Execution.OutputLine(line, event.timestamp()));
					this.kept += line.length() + 1;
				}
				else {
					this.omitted += line.length() + 1;
				}
			}
		}

	}

}
