package io.opensandbox.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Convention for OpenSandbox observations. A convention bean replaces the default of the
 * observations whose contexts it supports: extend
 * {@link DefaultOpenSandboxObservationConvention} for one observation, or override
 * {@link #supportsContext(Observation.Context)} to choose.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public interface OpenSandboxObservationConvention extends ObservationConvention<OpenSandboxObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof OpenSandboxObservationContext;
	}

}
