package io.opensandbox.spring.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.opensandbox.spring.model.ExecutionEvent.Type;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Folding events into an {@link Execution}, and the exit-code rule of execd.
 *
 * @author OpenSandbox Spring Boot
 */
class ExecutionTests {

	@Test
	void completionMeansExitCodeZero() {
		Execution execution = Execution.of(List.of(event(Type.INIT, "id-1", null), event(Type.STDOUT, "out", null),
				event(Type.EXECUTION_COMPLETE, null, null)));
		assertThat(execution.exitCode()).isZero();
		assertThat(execution.isSuccess()).isTrue();
		assertThat(execution.id()).isEqualTo("id-1");
	}

	@Test
	void commandExecErrorCarriesTheExitCode() {
		Execution execution = Execution.of(List.of(event(Type.ERROR, null,
				new ExecutionError(ExecutionError.COMMAND_EXEC_ERROR, "137", List.of()))));
		assertThat(execution.exitCode()).isEqualTo(137);
		assertThat(execution.isSuccess()).isFalse();
	}

	@Test
	void otherErrorsLeaveTheExitCodeUnknown() {
		Execution execution = Execution.of(List.of(event(Type.ERROR, null,
				new ExecutionError("ZeroDivisionError", "division by zero", List.of("line 1")))));
		assertThat(execution.exitCode()).isNull();
		assertThat(execution.isSuccess()).isFalse();
	}

	@Test
	void nonNumericCommandExecErrorLeavesTheExitCodeUnknown() {
		assertThat(new ExecutionError(ExecutionError.COMMAND_EXEC_ERROR, "killed", List.of()).exitCode()).isNull();
	}

	@Test
	void eventsWithoutTerminalEventAreNotAnExecution() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Execution.of(List.of(event(Type.INIT, "id", null), event(Type.STDOUT, "x", null))));
	}

	@Test
	void emptyLinesArriveAsLineFeedsAndBecomeEmptyLines() {
		Execution execution = Execution.of(List.of(event(Type.STDOUT, "a", null), event(Type.STDOUT, "\n", null),
				event(Type.STDOUT, "b", null), event(Type.EXECUTION_COMPLETE, null, null)));
		assertThat(execution.stdoutText()).isEqualTo("a\n\nb");
	}

	@Test
	void resultsAndExecutionCountAreKept() {
		ExecutionEvent result = new ExecutionEvent(Type.RESULT, null, null, Map.of("text", "2", "text/html", "<b>2</b>"),
				4, null, null);
		ExecutionEvent complete = new ExecutionEvent(Type.EXECUTION_COMPLETE, null, null, Map.of(), null,
				Duration.ofMillis(3), null);
		Execution execution = Execution.of(List.of(result, complete));
		assertThat(execution.results()).containsExactly(Map.of("text", "2", "text/html", "<b>2</b>"));
		assertThat(execution.executionCount()).isEqualTo(4);
		assertThat(execution.executionTime()).isEqualTo(Duration.ofMillis(3));
	}

	@Test
	void commandOptionsRejectAGidWithoutUid() {
		assertThatIllegalArgumentException().isThrownBy(() -> new CommandOptions(null, null, Map.of(), null, 100))
			.withMessageContaining("gid needs a uid");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CommandOptions.defaults().withTimeout(Duration.ZERO));
	}

	private static ExecutionEvent event(Type type, String text, ExecutionError error) {
		return new ExecutionEvent(type, null, text, Map.of(), null, null, error);
	}

}
