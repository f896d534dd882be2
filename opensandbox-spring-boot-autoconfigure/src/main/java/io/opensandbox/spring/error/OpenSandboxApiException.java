package io.opensandbox.spring.error;

import org.jspecify.annotations.Nullable;

/**
 * An OpenSandbox component answered with an error status. Carries the status, the
 * server's error code and message, and the {@code X-Request-ID} that identifies the
 * request in the server's logs.
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

}
