package io.opensandbox.spring.samples.playground;

import org.springframework.http.HttpStatus;

/**
 * Input from the page that the playground refuses, with the message the page shows and
 * the HTTP status it is answered with.
 *
 * @author OpenSandbox Spring Boot
 */
public class PlaygroundInputException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final HttpStatus status;

	PlaygroundInputException(HttpStatus status, String message) {
		super(message);
		this.status = status;
	}

	static PlaygroundInputException badRequest(String message) {
		return new PlaygroundInputException(HttpStatus.BAD_REQUEST, message);
	}

	/**
	 * The status the request is answered with.
	 * @return the status
	 */
	public HttpStatus getStatus() {
		return this.status;
	}

}
