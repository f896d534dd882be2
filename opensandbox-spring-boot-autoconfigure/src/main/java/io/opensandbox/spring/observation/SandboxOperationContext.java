package io.opensandbox.spring.observation;

/**
 * Context of a lifecycle call ({@code opensandbox.sandbox.operation}) or of waiting for a
 * new sandbox to be ready ({@code opensandbox.sandbox.ready}).
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class SandboxOperationContext extends OpenSandboxObservationContext {

	private final String operation;

	/**
	 * Create a context.
	 * @param operation the operation, for example {@code create}, {@code get} or
	 * {@code ready}
	 */
	public SandboxOperationContext(String operation) {
		this.operation = operation;
	}

	/**
	 * The operation.
	 * @return the operation name
	 */
	public String getOperation() {
		return this.operation;
	}

}
