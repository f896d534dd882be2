package io.opensandbox.spring.error;

import org.jspecify.annotations.Nullable;

/**
 * Root of every exception this library throws for a failed OpenSandbox interaction.
 * Invalid arguments are reported with {@link IllegalArgumentException} before any request
 * is sent. Messages never contain the API key or other credentials.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class OpenSandboxException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new exception.
	 * @param message the message
	 * @param cause the cause, if any
	 */
	public OpenSandboxException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
