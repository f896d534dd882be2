package io.opensandbox.spring.observation;

import java.util.Objects;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

import io.opensandbox.spring.observation.OpenSandboxObservationDocumentation.HighCardinalityKeys;
import io.opensandbox.spring.observation.OpenSandboxObservationDocumentation.LowCardinalityKeys;

/**
 * Default convention of one OpenSandbox observation: its documented name and keys. An
 * exit code is reduced to zero, non-zero or unknown to stay bounded.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class DefaultOpenSandboxObservationConvention implements OpenSandboxObservationConvention {

	private final OpenSandboxObservationDocumentation observation;

	private final String name;

	/**
	 * Create the default convention of an observation.
	 * @param observation the observation
	 */
	public DefaultOpenSandboxObservationConvention(OpenSandboxObservationDocumentation observation) {
		Assert.notNull(observation, "'observation' must not be null");
		this.observation = observation;
		this.name = Objects.requireNonNull(observation.getName());
	}

	/**
	 * Supported are the contexts of this convention's observation only.
	 */
	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof OpenSandboxObservationContext openSandbox
				&& openSandbox.getObservation() == this.observation;
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public String getContextualName(OpenSandboxObservationContext context) {
		return "opensandbox " + context.getOperation();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(OpenSandboxObservationContext context) {
		KeyValues outcome = KeyValues.of(LowCardinalityKeys.OUTCOME.withValue(context.getOutcome().value()));
		return switch (this.observation) {
			case SANDBOX_OPERATION -> outcome.and(LowCardinalityKeys.OPERATION.withValue(context.getOperation()));
			case COMMAND_EXECUTION -> outcome.and(LowCardinalityKeys.KIND.withValue(context.getOperation()),
					LowCardinalityKeys.EXIT_STATUS.withValue(exitStatus(context.getExitCode())));
			case FILE_TRANSFER -> outcome.and(LowCardinalityKeys.DIRECTION.withValue(context.getOperation()));
			case POOL_ACQUIRE -> outcome.and(LowCardinalityKeys.POOL.withValue(context.getOperation()),
					LowCardinalityKeys.SOURCE.withValue(context.getSource()));
			case SANDBOX_READY, CLEANUP -> outcome;
		};
	}

	private static String exitStatus(@Nullable Integer exitCode) {
		return (exitCode != null) ? ((exitCode != 0) ? "non-zero" : "zero") : "unknown";
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(OpenSandboxObservationContext context) {
		return switch (this.observation) {
			case SANDBOX_OPERATION,
					SANDBOX_READY ->
				(context.getSandboxId() != null)
						? KeyValues.of(HighCardinalityKeys.SANDBOX_ID.withValue(context.getSandboxId()))
						: KeyValues.empty();
			case COMMAND_EXECUTION -> (context.getCommandId() != null)
					? KeyValues.of(HighCardinalityKeys.COMMAND_ID.withValue(context.getCommandId()))
					: KeyValues.empty();
			case FILE_TRANSFER -> KeyValues.of(HighCardinalityKeys.BYTES.withValue(String.valueOf(context.getBytes())));
			case POOL_ACQUIRE -> KeyValues.empty();
			case CLEANUP -> KeyValues.of(HighCardinalityKeys.TRACKED.withValue(String.valueOf(context.getTracked())),
					HighCardinalityKeys.KILLED.withValue(String.valueOf(context.getKilled())),
					HighCardinalityKeys.FAILED.withValue(String.valueOf(context.getFailed())));
		};
	}

}
