package io.opensandbox.spring.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import io.opensandbox.spring.core.Execution.Outcome;
import io.opensandbox.spring.error.OpenSandboxStreamException;
import io.opensandbox.spring.model.ExecutionError;
import io.opensandbox.spring.model.ExecutionEvent;
import io.opensandbox.spring.model.ExecutionEvent.Type;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How an execution's events become an {@link Execution}: one outcome for every way an
 * execution ends, one rule for output text, bounded collected output, and the throwing
 * accessor.
 *
 * @author OpenSandbox Spring Boot
 */
class ExecutionTests {

	@Test
	void completionIsCompletedWithExitCodeZero() {
		Execution execution = collect(event(Type.INIT, "id-1"), event(Type.STDOUT, "out"), complete());
		assertThat(execution.outcome()).isEqualTo(Outcome.COMPLETED);
		assertThat(execution.exitCode()).hasValue(0);
		assertThat(execution.isSuccess()).isTrue();
		assertThat(execution.orThrow()).isSameAs(execution);
		assertThat(execution.id()).isEqualTo("id-1");
	}

	@Test
	void nonZeroExitIsFailedWithTheExitCode() {
		Execution execution = collect(event(Type.STDERR, "no such file"),
				error(ExecutionError.COMMAND_EXEC_ERROR, "2"));
		assertThat(execution.outcome()).isEqualTo(Outcome.FAILED);
		assertThat(execution.exitCode()).hasValue(2);
		assertThat(execution.isSuccess()).isFalse();
		assertThatExceptionOfType(CommandFailedException.class).isThrownBy(execution::orThrow)
			.withMessageContaining("failed with exit code 2")
			.withMessageEndingWith("stderr:\nno such file")
			.satisfies((ex) -> assertThat(ex.getOutcome()).isEqualTo(Outcome.FAILED))
			.satisfies((ex) -> assertThat(ex.getExecution()).isSameAs(execution));
	}

	@Test
	void aKilledCommandThatLastedItsTimeLimitTimedOut() {
		Execution execution = ExecutionCollector
			.collect(Flux.just(error(ExecutionError.COMMAND_EXEC_ERROR, "-1")).delaySubscription(Duration.ofMillis(60)),
					Long.MAX_VALUE, Duration.ofMillis(50))
			.block();
		assertThat(execution.outcome()).isEqualTo(Outcome.TIMED_OUT);
		assertThat(execution.exitCode()).isEmpty();
		assertThat(execution.executionTime()).isGreaterThanOrEqualTo(Duration.ofMillis(50));
		assertThatExceptionOfType(CommandFailedException.class).isThrownBy(execution::orThrow)
			.withMessageContaining("timed out after");
	}

	@Test
	void aKilledCommandBeforeItsTimeLimitWasInterrupted() {
		Execution execution = ExecutionCollector
			.collect(Flux.just(error(ExecutionError.COMMAND_EXEC_ERROR, "-1")), Long.MAX_VALUE, Duration.ofMinutes(1))
			.block();
		assertThat(execution.outcome()).isEqualTo(Outcome.INTERRUPTED);
		assertThat(execution.exitCode()).isEmpty();
		assertThat(execution.executionTime()).isNotNull();
		assertThatExceptionOfType(CommandFailedException.class).isThrownBy(execution::orThrow)
			.withMessageContaining("was interrupted");
	}

	@Test
	void aKilledCommandWithoutATimeLimitWasInterrupted() {
		Execution execution = collect(error(ExecutionError.COMMAND_EXEC_ERROR, "signal: killed"));
		assertThat(execution.outcome()).isEqualTo(Outcome.INTERRUPTED);
	}

	@Test
	void anInterpreterExceptionIsErroredWithoutExitCode() {
		Execution execution = collect(error("ZeroDivisionError", "division by zero"));
		assertThat(execution.outcome()).isEqualTo(Outcome.ERRORED);
		assertThat(execution.exitCode()).isEmpty();
		assertThat(execution.error().name()).isEqualTo("ZeroDivisionError");
		assertThatExceptionOfType(CommandFailedException.class).isThrownBy(execution::orThrow)
			.withMessageContaining("raised ZeroDivisionError: division by zero");
	}

	@Test
	void eventsWithoutTerminalEventAreAStreamFailure() {
		assertThatExceptionOfType(OpenSandboxStreamException.class)
			.isThrownBy(() -> collect(event(Type.INIT, "id"), event(Type.STDOUT, "x")))
			.withMessageContaining("ended before the execution finished");
	}

	@Test
	void commandLinesAndCodeChunksFollowOneTextRule() {
		Execution command = collect(event(Type.STDOUT, "a"), event(Type.STDOUT, "\n"), event(Type.STDOUT, "b"),
				complete());
		Execution code = collect(event(Type.STDOUT, "a\n\n"), event(Type.STDOUT, "b\n"), complete());
		assertThat(command.stdoutText()).isEqualTo("a\n\nb");
		assertThat(code.stdoutText()).isEqualTo("a\n\nb");
		assertThat(collect(event(Type.STDERR, "x\r\n"), complete()).stderrText()).isEqualTo("x");
	}

	@Test
	void collectedOutputStopsAtTheLimitAndCountsTheRest() {
		Execution execution = ExecutionCollector.collect(Flux.just(event(Type.STDOUT, "12345"),
				event(Type.STDOUT, "67890"), event(Type.STDOUT, "abc"), event(Type.STDERR, "e"), complete()), 8, null)
			.block();
		assertThat(execution.stdoutText()).isEqualTo("12345");
		assertThat(execution.omittedStdout()).isEqualTo(10);
		assertThat(execution.stderrText()).isEqualTo("e");
		assertThat(execution.omittedStderr()).isZero();
		assertThat(execution.isTruncated()).isTrue();
		assertThat(collect(event(Type.STDOUT, "x"), complete()).isTruncated()).isFalse();
	}

	@Test
	void theLimitKeepsWholeLinesUpToItAndCountsTheRestWithTheirLineBreaks() {
		Execution execution = ExecutionCollector.collect(Flux.just(event(Type.STDOUT, "12345"), event(Type.STDOUT, "a"),
				event(Type.STDERR, "xy"), event(Type.STDERR, "abcd"), event(Type.STDERR, "z"), complete()), 5, null)
			.block();
		assertThat(execution.stdout()).extracting(io.opensandbox.spring.core.Execution.OutputLine::text)
			.containsExactly("12345");
		assertThat(execution.omittedStdout()).isEqualTo(2);
		assertThat(execution.stderr()).extracting(io.opensandbox.spring.core.Execution.OutputLine::text)
			.containsExactly("xy");
		assertThat(execution.omittedStderr()).isEqualTo(7);
	}

	@Test
	void chunksAreSplitIntoLinesWithoutTheirTerminators() {
		assertThat(ExecutionCollector.lines("")).containsExactly("");
		assertThat(ExecutionCollector.lines(null)).containsExactly("");
		assertThat(ExecutionCollector.lines("\n")).containsExactly("");
		assertThat(ExecutionCollector.lines("a\r")).containsExactly("a");
		assertThat(ExecutionCollector.lines("a\r\nb\r\n")).containsExactly("a", "b");
		assertThat(ExecutionCollector.lines("a\n\nb")).containsExactly("a", "", "b");
		assertThat(ExecutionCollector.lines("\nb")).containsExactly("", "b");
	}

	@Test
	void anErrorWithExitCodeZeroIsNotAFailure() {
		assertThat(collect(error(ExecutionError.COMMAND_EXEC_ERROR, "0")).outcome()).isEqualTo(Outcome.INTERRUPTED);
		assertThat(collect(error(ExecutionError.COMMAND_EXEC_ERROR, "1")).outcome()).isEqualTo(Outcome.FAILED);
	}

	@Test
	void theExceptionEndsWithTheStandardErrorOnlyWhenThereIsSome() {
		Execution silent = collect(error(ExecutionError.COMMAND_EXEC_ERROR, "1"));
		assertThat(new CommandFailedException(silent).getMessage()).isEqualTo("Execution failed with exit code 1");
		String exact = "e".repeat(CommandFailedException.STDERR_TAIL);
		Execution exactly = collect(event(Type.STDERR, exact), error(ExecutionError.COMMAND_EXEC_ERROR, "1"));
		assertThat(new CommandFailedException(exactly).getMessage()).endsWith("stderr:\n" + exact);
		Execution longer = collect(event(Type.STDERR, exact + "f"), error(ExecutionError.COMMAND_EXEC_ERROR, "1"));
		assertThat(new CommandFailedException(longer).getMessage()).endsWith("stderr:\n..." + exact.substring(1) + "f");
	}

	@Test
	void theExceptionKeepsOnlyTheTailOfALongStandardError() {
		String longLine = "x".repeat(CommandFailedException.STDERR_TAIL * 2) + "END";
		Execution execution = collect(event(Type.STDERR, longLine), error(ExecutionError.COMMAND_EXEC_ERROR, "1"));
		CommandFailedException ex = new CommandFailedException(execution);
		assertThat(ex.getMessage()).endsWith("END")
			.contains("...")
			.hasSizeLessThan(CommandFailedException.STDERR_TAIL + 100);
	}

	@Test
	void resultsExecutionCountAndReportedTimeAreKept() {
		ExecutionEvent result = new ExecutionEvent(Type.RESULT, null, null,
				Map.of("text", "2", "text/html", "<b>2</b>"), 4, null, null);
		ExecutionEvent complete = new ExecutionEvent(Type.EXECUTION_COMPLETE, null, null, Map.of(), null,
				Duration.ofMillis(3), null);
		Execution execution = collect(result, complete);
		assertThat(execution.results()).containsExactly(Map.of("text", "2", "text/html", "<b>2</b>"));
		assertThat(execution.executionCount()).isEqualTo(4);
		assertThat(execution.executionTime()).isEqualTo(Duration.ofMillis(3));
	}

	private static Execution collect(ExecutionEvent... events) {
		return Executions.of(List.of(events));
	}

	private static ExecutionEvent complete() {
		return new ExecutionEvent(Type.EXECUTION_COMPLETE, null, null, Map.of(), null, null, null);
	}

	private static ExecutionEvent error(String name, String value) {
		return new ExecutionEvent(Type.ERROR, null, null, Map.of(), null, null,
				new ExecutionError(name, value, List.of()));
	}

	private static ExecutionEvent event(Type type, String text) {
		return new ExecutionEvent(type, null, text, Map.of(), null, null, null);
	}

}
