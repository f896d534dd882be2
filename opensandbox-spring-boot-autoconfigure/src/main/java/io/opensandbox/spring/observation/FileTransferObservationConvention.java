package io.opensandbox.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Convention for the observation of a file transfer; define a bean of this type to
 * replace the default.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public interface FileTransferObservationConvention extends ObservationConvention<FileTransferContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof FileTransferContext;
	}

}
