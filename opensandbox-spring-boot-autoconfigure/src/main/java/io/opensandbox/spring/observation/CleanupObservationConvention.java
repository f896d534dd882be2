package io.opensandbox.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Convention for the observation of the shutdown sweep; define a bean of this type to
 * replace the default.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public interface CleanupObservationConvention extends ObservationConvention<CleanupContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof CleanupContext;
	}

}
