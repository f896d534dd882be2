package io.opensandbox.spring.observation;

import io.micrometer.common.KeyValues;

import io.opensandbox.spring.observation.OpenSandboxObservationDocumentation.HighCardinalityKeys;
import io.opensandbox.spring.observation.OpenSandboxObservationDocumentation.LowCardinalityKeys;

/**
 * Default {@link CommandExecutionObservationConvention}, named
 * {@code opensandbox.command.execution}. The exit status is reduced to zero, non-zero or
 * unknown to stay bounded.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class DefaultCommandExecutionObservationConvention implements CommandExecutionObservationConvention {

	@Override
	public String getName() {
		return "opensandbox.command.execution";
	}

	@Override
	public String getContextualName(CommandExecutionContext context) {
		return "opensandbox " + context.getKind();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(CommandExecutionContext context) {
		Integer exitCode = context.getExitCode();
		String exitStatus = (exitCode != null) ? ((exitCode != 0) ? "non-zero" : "zero") : "unknown";
		return KeyValues.of(LowCardinalityKeys.KIND.withValue(context.getKind()),
				LowCardinalityKeys.OUTCOME.withValue(context.getOutcome().value()),
				LowCardinalityKeys.EXIT_STATUS.withValue(exitStatus));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(CommandExecutionContext context) {
		return (context.getCommandId() != null)
				? KeyValues.of(HighCardinalityKeys.COMMAND_ID.withValue(context.getCommandId())) : KeyValues.empty();
	}

}
