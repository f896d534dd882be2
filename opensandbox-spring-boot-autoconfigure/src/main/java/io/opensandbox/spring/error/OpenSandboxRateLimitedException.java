package io.opensandbox.spring.error;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The server asked the client to slow down (HTTP 429).
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class OpenSandboxRateLimitedException extends OpenSandboxApiException {

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
	public OpenSandboxRateLimitedException(String request, int statusCode, @Nullable String errorCode,
			String serverMessage, @Nullable String requestId, @Nullable Duration retryAfter) {
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
