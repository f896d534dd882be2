package io.opensandbox.spring.error;

import org.jspecify.annotations.Nullable;

/**
 * A response had a success status but a body this library cannot read, for example
 * malformed JSON or a missing required field.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class OpenSandboxProtocolException extends OpenSandboxException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new exception.
	 * @param message the message
	 * @param cause the underlying failure, if any
	 */
	public OpenSandboxProtocolException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
