package io.opensandbox.spring.observation;

import io.micrometer.common.KeyValues;

import io.opensandbox.spring.observation.OpenSandboxObservationDocumentation.HighCardinalityKeys;
import io.opensandbox.spring.observation.OpenSandboxObservationDocumentation.LowCardinalityKeys;

/**
 * Default {@link SandboxOperationObservationConvention}, named
 * {@code opensandbox.sandbox.operation}.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class DefaultSandboxOperationObservationConvention implements SandboxOperationObservationConvention {

	/** The operation name of the readiness wait. */
	public static final String READY = "ready";

	@Override
	public String getName() {
		return "opensandbox.sandbox.operation";
	}

	@Override
	public String getContextualName(SandboxOperationContext context) {
		return "opensandbox " + context.getOperation();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(SandboxOperationContext context) {
		KeyValues values = KeyValues.of(LowCardinalityKeys.OUTCOME.withValue(context.getOutcome().value()));
		return READY.equals(context.getOperation()) ? values
				: values.and(LowCardinalityKeys.OPERATION.withValue(context.getOperation()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(SandboxOperationContext context) {
		return (context.getSandboxId() != null)
				? KeyValues.of(HighCardinalityKeys.SANDBOX_ID.withValue(context.getSandboxId())) : KeyValues.empty();
	}

}
