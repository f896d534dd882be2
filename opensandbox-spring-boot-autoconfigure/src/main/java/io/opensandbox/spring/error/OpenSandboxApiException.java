package io.opensandbox.spring.error;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * An OpenSandbox component answered with an error status. Carries the status, the
 * server's error code and message, and the {@code X-Request-ID} that identifies the
 * request in the server's logs. The common statuses have their own nested subclasses
 * ({@link NotFound}, {@link AccessDenied}, {@link Conflict}, {@link Rejected},
 * {@link RateLimited}, {@link ServerError}), so a caller can catch just the one it
 * handles.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class OpenSandboxApiException extends OpenSandboxException {

	private static final long serialVersionUID = 1L;

	private final int statusCode;

	private final @Nullable String errorCode;

	private final String serverMessage;

	private final @Nullable String requestId;

	/**
	 * Create a new exception.
	 * @param request the request that failed, as {@code METHOD path}
	 * @param statusCode the HTTP status code
	 * @param errorCode the server's error code, for example
	 * {@code DOCKER::SANDBOX_NOT_FOUND}
	 * @param serverMessage the server's message
	 * @param requestId the request id from the {@code X-Request-ID} response header
	 */
	public OpenSandboxApiException(String request, int statusCode, @Nullable String errorCode, String serverMessage,
			@Nullable String requestId) {
		super(describe(request, statusCode, errorCode, serverMessage, requestId), null);
		this.statusCode = statusCode;
		this.errorCode = errorCode;
		this.serverMessage = serverMessage;
		this.requestId = requestId;
	}

	private static String describe(String request, int statusCode, @Nullable String errorCode, String serverMessage,
			@Nullable String requestId) {
		StringBuilder message = new StringBuilder(request).append(" failed with HTTP ").append(statusCode);
		if (errorCode != null) {
			message.append(' ').append(errorCode);
		}
		if (!serverMessage.isEmpty()) {
			message.append(": ").append(serverMessage);
		}
		if (requestId != null) {
			message.append(" (request id ").append(requestId).append(')');
		}
		return message.toString();
	}

	/**
	 * The HTTP status code of the response.
	 * @return the status code
	 */
	public int getStatusCode() {
		return this.statusCode;
	}

	/**
	 * The server's machine-readable error code, if the body had one.
	 * @return the error code or {@code null}
	 */
	public @Nullable String getErrorCode() {
		return this.errorCode;
	}

	/**
	 * The server's human-readable message, or the body text if it was not structured.
	 * @return the message, possibly empty
	 */
	public String getServerMessage() {
		return this.serverMessage;
	}

	/**
	 * The {@code X-Request-ID} of the failed request, for finding it in the server's
	 * logs.
	 * @return the request id or {@code null}
	 */
	public @Nullable String getRequestId() {
		return this.requestId;
	}

	/**
	 * The requested sandbox, snapshot or other resource does not exist (HTTP 404).
	 *
	 * @since 0.1.0
	 */
	public static class NotFound extends OpenSandboxApiException {

		private static final long serialVersionUID = 1L;

		/**
		 * Create a new exception.
		 * @param request the request that failed, as {@code METHOD path}
		 * @param statusCode the HTTP status code
		 * @param errorCode the server's error code
		 * @param serverMessage the server's message
		 * @param requestId the request id
		 */
		public NotFound(String request, int statusCode, @Nullable String errorCode, String serverMessage,
				@Nullable String requestId) {
			super(request, statusCode, errorCode, serverMessage, requestId);
		}

	}

	/**
	 * The API key or access token is missing, wrong, or lacks permission (HTTP 401 or
	 * 403).
	 *
	 * @since 0.1.0
	 */
	public static class AccessDenied extends OpenSandboxApiException {

		private static final long serialVersionUID = 1L;

		/**
		 * Create a new exception.
		 * @param request the request that failed, as {@code METHOD path}
		 * @param statusCode the HTTP status code
		 * @param errorCode the server's error code
		 * @param serverMessage the server's message
		 * @param requestId the request id
		 */
		public AccessDenied(String request, int statusCode, @Nullable String errorCode, String serverMessage,
				@Nullable String requestId) {
			super(request, statusCode, errorCode, serverMessage, requestId);
		}

	}

	/**
	 * The operation conflicts with the current state of the resource (HTTP 409), for
	 * example renewing to an earlier expiry.
	 *
	 * @since 0.1.0
	 */
	public static class Conflict extends OpenSandboxApiException {

		private static final long serialVersionUID = 1L;

		/**
		 * Create a new exception.
		 * @param request the request that failed, as {@code METHOD path}
		 * @param statusCode the HTTP status code
		 * @param errorCode the server's error code
		 * @param serverMessage the server's message
		 * @param requestId the request id
		 */
		public Conflict(String request, int statusCode, @Nullable String errorCode, String serverMessage,
				@Nullable String requestId) {
			super(request, statusCode, errorCode, serverMessage, requestId);
		}

	}

	/**
	 * The server asked the client to slow down (HTTP 429).
	 *
	 * @since 0.1.0
	 */
	public static class RateLimited extends OpenSandboxApiException {

		private static final long serialVersionUID = 1L;

		private final @Nullable Duration retryAfter;

		/**
		 * Create a new exception.
		 * @param request the request that failed, as {@code METHOD path}
		 * @param statusCode the HTTP status code
		 * @param errorCode the server's error code
		 * @param serverMessage the server's message
		 * @param requestId the request id
		 * @param retryAfter how long the server asked to wait, from {@code Retry-After}
		 */
		public RateLimited(String request, int statusCode, @Nullable String errorCode, String serverMessage,
				@Nullable String requestId, @Nullable Duration retryAfter) {
			super(request, statusCode, errorCode, serverMessage, requestId);
			this.retryAfter = retryAfter;
		}

		/**
		 * How long the server asked to wait before retrying.
		 * @return the delay, or {@code null} if the server did not say
		 */
		public @Nullable Duration getRetryAfter() {
			return this.retryAfter;
		}

	}

	/**
	 * The server rejected the request as invalid (HTTP 400, 422 or another 4xx status
	 * that has no more specific exception). For request-schema validation failures (422)
	 * the individual {@link #getViolations() violations} are available.
	 *
	 * @since 0.1.0
	 */
	public static class Rejected extends OpenSandboxApiException {

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
		public Rejected(String request, int statusCode, @Nullable String errorCode, String serverMessage,
				@Nullable String requestId, List<Violation> violations) {
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
		 * @param type the validator's failure type, for example
		 * {@code greater_than_equal}
		 */
		public record Violation(String location, String message,
				@Nullable String type) implements java.io.Serializable {

			@Override
			public String toString() {
				return this.location + ": " + this.message;
			}

		}

	}

	/**
	 * The server failed to handle a valid request (HTTP 5xx).
	 *
	 * @since 0.1.0
	 */
	public static class ServerError extends OpenSandboxApiException {

		private static final long serialVersionUID = 1L;

		/**
		 * Create a new exception.
		 * @param request the request that failed, as {@code METHOD path}
		 * @param statusCode the HTTP status code
		 * @param errorCode the server's error code
		 * @param serverMessage the server's message
		 * @param requestId the request id
		 */
		public ServerError(String request, int statusCode, @Nullable String errorCode, String serverMessage,
				@Nullable String requestId) {
			super(request, statusCode, errorCode, serverMessage, requestId);
		}

	}

}
