package io.opensandbox.spring.test.server.isolation;

/**
 * Thrown when no isolation mechanism works and unisolated commands were not allowed.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class IsolationUnavailableException extends RuntimeException {

	public IsolationUnavailableException(String message) {
		super(message);
	}

	public IsolationUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
