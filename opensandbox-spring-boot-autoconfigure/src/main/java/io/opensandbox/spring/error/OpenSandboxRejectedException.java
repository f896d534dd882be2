package io.opensandbox.spring.error;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The server rejected the request as invalid (HTTP 400, 422 or another 4xx status that
 * has no more specific exception). For request-schema validation failures (422) the
 * individual {@link #getViolations() violations} are available.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class OpenSandboxRejectedException extends OpenSandboxApiException {

	private static final long serialVersionUID = 1L;

	private final List<Violation> violations;

	/**
	 * Create a new exception.
	 * @param request the request that failed, as {@code METHOD path}
	 * @param statusCode the HTTP status code
	 * @param errorCode the server's error code
	 * @param serverMessage the server's message
	 * @param requestId the request id
	 * @param violations the validation failures, empty when the server gave none
	 */
	public OpenSandboxRejectedException(String request, int statusCode, @Nullable String errorCode,
			String serverMessage, @Nullable String requestId, List<Violation> violations) {
		super(request, statusCode, errorCode, serverMessage, requestId);
		this.violations = List.copyOf(violations);
	}

	/**
	 * The individual validation failures of a 422 response.
	 * @return the violations, possibly empty
	 */
	public List<Violation> getViolations() {
		return this.violations;
	}

	/**
	 * One validation failure.
	 *
	 * @param location where the bad value is, for example {@code body.timeout}
	 * @param message what is wrong with it
	 * @param type the validator's failure type, for example {@code greater_than_equal}
	 */
	public record Violation(String location, String message, @Nullable String type) implements java.io.Serializable {

		@Override
		public String toString() {
			return this.location + ": " + this.message;
		}

	}

}
