package io.opensandbox.spring.observation;

import io.micrometer.common.KeyValues;

import io.opensandbox.spring.observation.OpenSandboxObservationDocumentation.HighCardinalityKeys;
import io.opensandbox.spring.observation.OpenSandboxObservationDocumentation.LowCardinalityKeys;

/**
 * Default {@link FileTransferObservationConvention}, named
 * {@code opensandbox.file.transfer}. File paths are never recorded.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class DefaultFileTransferObservationConvention implements FileTransferObservationConvention {

	@Override
	public String getName() {
		return "opensandbox.file.transfer";
	}

	@Override
	public String getContextualName(FileTransferContext context) {
		return "opensandbox " + context.getDirection();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(FileTransferContext context) {
		return KeyValues.of(LowCardinalityKeys.DIRECTION.withValue(context.getDirection()),
				LowCardinalityKeys.OUTCOME.withValue(context.getOutcome().value()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(FileTransferContext context) {
		return KeyValues.of(HighCardinalityKeys.BYTES.withValue(String.valueOf(context.getBytes())));
	}

}
