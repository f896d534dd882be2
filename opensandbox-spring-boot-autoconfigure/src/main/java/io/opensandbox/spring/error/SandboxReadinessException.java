package io.opensandbox.spring.error;

import org.jspecify.annotations.Nullable;

/**
 * A new sandbox did not become ready: it was not {@code Running} with execd answering
 * within the ready timeout, or it failed on the way. The sandbox has been killed. The
 * message says what was last seen, how often it was checked, and where.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class SandboxReadinessException extends OpenSandboxTimeoutException {

	private static final long serialVersionUID = 1L;

	private final String sandboxId;

	private final @Nullable String lastState;

	private final int attempts;

	/**
	 * Create a new exception.
	 * @param message the full description
	 * @param sandboxId the sandbox that did not become ready
	 * @param lastState the last state the server reported, if any
	 * @param attempts how many times readiness was checked
	 * @param cause the last failure seen, if any
	 */
	public SandboxReadinessException(String message, String sandboxId, @Nullable String lastState, int attempts,
			@Nullable Throwable cause) {
		super(message, cause);
		this.sandboxId = sandboxId;
		this.lastState = lastState;
		this.attempts = attempts;
	}

	/**
	 * The sandbox that did not become ready (it has been killed).
	 * @return the sandbox id
	 */
	public String getSandboxId() {
		return this.sandboxId;
	}

	/**
	 * The last state the server reported.
	 * @return the state, or {@code null} if none was seen
	 */
	public @Nullable String getLastState() {
		return this.lastState;
	}

	/**
	 * How many times readiness was checked.
	 * @return the number of checks
	 */
	public int getAttempts() {
		return this.attempts;
	}

}
