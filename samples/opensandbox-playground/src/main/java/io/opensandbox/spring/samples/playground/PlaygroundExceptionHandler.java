package io.opensandbox.spring.samples.playground;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.opensandbox.spring.error.OpenSandboxException;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns failures into RFC 9457 problems whose {@code detail} is a sentence the page can
 * show as is. Framework errors (an unreadable body, a wrong method) become problems too,
 * through {@code spring.webflux.problemdetails.enabled}.
 *
 * @author OpenSandbox Spring Boot
 */
@RestControllerAdvice
public class PlaygroundExceptionHandler {

	private static final Log logger = LogFactory.getLog(PlaygroundExceptionHandler.class);

	@ExceptionHandler
	ProblemDetail invalidInput(PlaygroundInputException ex) {
		return ProblemDetail.forStatusAndDetail(ex.getStatus(), ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail unknownSandbox(UnknownSandboxException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail openSandboxFailure(OpenSandboxException ex) {
		logger.warn("OpenSandbox call failed", ex);
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_GATEWAY,
				"The OpenSandbox server failed: " + ex.getMessage());
	}

	/**
	 * The starter checks arguments before sending anything, with messages meant for
	 * people (a blank path, a NUL character).
	 */
	@ExceptionHandler
	ProblemDetail invalidArgument(IllegalArgumentException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

}
