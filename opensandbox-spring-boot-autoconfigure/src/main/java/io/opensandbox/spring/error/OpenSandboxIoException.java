package io.opensandbox.spring.error;

/**
 * The request did not get a complete response: the connection was refused or reset, the
 * host is unknown, or the response ended early.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class OpenSandboxIoException extends OpenSandboxException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new exception.
	 * @param message the message
	 * @param cause the underlying failure
	 */
	public OpenSandboxIoException(String message, Throwable cause) {
		super(message, cause);
	}

}
