package io.opensandbox.spring.error;

import org.jspecify.annotations.Nullable;

/**
 * The API key or access token is missing, wrong, or lacks permission (HTTP 401 or 403).
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class OpenSandboxAuthenticationException extends OpenSandboxApiException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new exception.
	 * @param request the request that failed, as {@code METHOD path}
	 * @param statusCode the HTTP status code
	 * @param errorCode the server's error code
	 * @param serverMessage the server's message
	 * @param requestId the request id
	 */
	public OpenSandboxAuthenticationException(String request, int statusCode, @Nullable String errorCode,
			String serverMessage, @Nullable String requestId) {
		super(request, statusCode, errorCode, serverMessage, requestId);
	}

}
