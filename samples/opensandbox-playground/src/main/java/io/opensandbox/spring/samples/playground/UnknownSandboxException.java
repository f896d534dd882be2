package io.opensandbox.spring.samples.playground;

/**
 * A request named a sandbox this application does not hold.
 *
 * @author OpenSandbox Spring Boot
 */
public class UnknownSandboxException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	UnknownSandboxException(String sandboxId) {
		super("Sandbox '" + sandboxId + "' is not one of this application's sandboxes (it may have been killed "
				+ "already); only those can be killed here");
	}

}
