package io.opensandbox.spring.samples.playground;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import io.opensandbox.spring.error.OpenSandboxException;

/*
 * Turns failures into RFC 9457 problems whose {@code detail} is a sentence the page can
 * show as is. Framework errors (an unreadable body, a wrong method) become problems too,
 * through {@code spring.webflux.problemdetails.enabled}.
 * <p>
 * The content type is fixed to {@code application/problem+json}: the page asks for
 * {@code text/event-stream} when it runs a command, and content negotiation would
 * otherwise write a refused run's problem as an event stream, which the page cannot read
 * as an error.
 *
 * @author OpenSandbox Spring Boot
 */
@RestControllerAdvice
public class PlaygroundExceptionHandler {

	private static final Log logger = LogFactory.getLog(PlaygroundExceptionHandler.class);

	@ExceptionHandler
	ResponseEntity<ProblemDetail> invalidInput(PlaygroundInputException ex) {
		return problem(ex.getStatus(), ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unknownSandbox(UnknownSandboxException ex) {
		return problem(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> openSandboxFailure(OpenSandboxException ex) {
		logger.warn("OpenSandbox call failed", ex);
		return problem(HttpStatus.BAD_GATEWAY, "The OpenSandbox server failed: " + ex.getMessage());
	}

	/*
	 * The starter checks arguments before sending anything, with messages meant for
	 * people (a blank path, a NUL character).
	 */
	@ExceptionHandler
	ResponseEntity<ProblemDetail> invalidArgument(IllegalArgumentException ex) {
		return problem(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	private static ResponseEntity<ProblemDetail> problem(HttpStatus status, @Nullable String detail) {
		return ResponseEntity.status(status)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(ProblemDetail.forStatusAndDetail(status, detail));
	}

}
