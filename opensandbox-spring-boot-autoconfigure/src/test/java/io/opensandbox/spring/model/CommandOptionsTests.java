package io.opensandbox.spring.model;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Checks of {@link CommandOptions} and of execd's exit-code convention in
 * {@link ExecutionError}.
 *
 * @author OpenSandbox Spring Boot
 */
class CommandOptionsTests {

	@Test
	void commandOptionsRejectAGidWithoutUid() {
		assertThatIllegalArgumentException().isThrownBy(() -> new CommandOptions(null, null, Map.of(), null, 100))
			.withMessageContaining("gid needs a uid");
		assertThatIllegalArgumentException().isThrownBy(() -> CommandOptions.defaults().withTimeout(Duration.ZERO));
	}

	@Test
	void nonNumericCommandExecErrorHasNoExitCode() {
		assertThat(new ExecutionError(ExecutionError.COMMAND_EXEC_ERROR, "killed", java.util.List.of()).exitCode())
			.isNull();
		assertThat(new ExecutionError("ValueError", "3", java.util.List.of()).exitCode()).isNull();
		assertThat(new ExecutionError(ExecutionError.COMMAND_EXEC_ERROR, " 7 ", java.util.List.of()).exitCode())
			.isEqualTo(7);
	}

}
