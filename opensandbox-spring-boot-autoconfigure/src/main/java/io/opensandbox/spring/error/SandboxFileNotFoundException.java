package io.opensandbox.spring.error;

import org.jspecify.annotations.Nullable;

/**
 * A file or directory inside a sandbox does not exist (execd's {@code FILE_NOT_FOUND}).
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class SandboxFileNotFoundException extends OpenSandboxApiException.NotFound {

	private static final long serialVersionUID = 1L;

	/** execd's error code for a missing file. */
	public static final String ERROR_CODE = "FILE_NOT_FOUND";

	/**
	 * Create a new exception.
	 * @param request the request that failed, as {@code METHOD path}
	 * @param statusCode the HTTP status code
	 * @param serverMessage the server's message
	 * @param requestId the request id
	 */
	public SandboxFileNotFoundException(String request, int statusCode, String serverMessage,
			@Nullable String requestId) {
		super(request, statusCode, ERROR_CODE, serverMessage, requestId);
	}

}
