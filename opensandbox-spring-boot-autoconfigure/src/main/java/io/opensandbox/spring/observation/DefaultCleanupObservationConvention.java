package io.opensandbox.spring.observation;

import io.micrometer.common.KeyValues;

import io.opensandbox.spring.observation.OpenSandboxObservationDocumentation.HighCardinalityKeys;
import io.opensandbox.spring.observation.OpenSandboxObservationDocumentation.LowCardinalityKeys;

/**
 * Default {@link CleanupObservationConvention}, named {@code opensandbox.cleanup}.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class DefaultCleanupObservationConvention implements CleanupObservationConvention {

	@Override
	public String getName() {
		return "opensandbox.cleanup";
	}

	@Override
	public String getContextualName(CleanupContext context) {
		return "opensandbox cleanup";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(CleanupContext context) {
		return KeyValues.of(LowCardinalityKeys.OUTCOME.withValue(context.getOutcome().value()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(CleanupContext context) {
		return KeyValues.of(HighCardinalityKeys.TRACKED.withValue(String.valueOf(context.getTracked())),
				HighCardinalityKeys.KILLED.withValue(String.valueOf(context.getKilled())),
				HighCardinalityKeys.FAILED.withValue(String.valueOf(context.getFailed())));
	}

}
