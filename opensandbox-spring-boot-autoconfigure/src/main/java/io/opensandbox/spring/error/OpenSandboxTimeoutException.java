package io.opensandbox.spring.error;

import org.jspecify.annotations.Nullable;

/**
 * An operation did not finish within its deadline: connecting, waiting for a response, or
 * waiting for a sandbox to become ready.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class OpenSandboxTimeoutException extends OpenSandboxException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new exception.
	 * @param message the message, naming what timed out and after how long
	 * @param cause the underlying failure, if any
	 */
	public OpenSandboxTimeoutException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
