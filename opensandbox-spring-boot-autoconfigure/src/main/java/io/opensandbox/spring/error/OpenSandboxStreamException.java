package io.opensandbox.spring.error;

import org.jspecify.annotations.Nullable;

/**
 * A stream that started successfully failed before its end: the connection broke, the
 * stream went silent for too long, or it ended without a terminal event. What arrived
 * before the failure is not a result.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class OpenSandboxStreamException extends OpenSandboxException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new exception.
	 * @param message what happened to the stream
	 * @param cause the underlying failure, if any
	 */
	public OpenSandboxStreamException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
