package io.opensandbox.spring.observation;

/**
 * Default convention for the wait until a new sandbox is ready, named
 * {@code opensandbox.sandbox.ready}.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class DefaultSandboxReadyObservationConvention extends DefaultSandboxOperationObservationConvention {

	@Override
	public String getName() {
		return "opensandbox.sandbox.ready";
	}

}
