package io.opensandbox.spring.core;

import io.opensandbox.spring.error.OpenSandboxException;
import io.opensandbox.spring.model.ExecutionError;

/**
 * An execution that did not complete, thrown by {@link Execution#orThrow()}. The message
 * names the outcome (exit code, timeout, interruption or the interpreter's exception) and
 * ends with the tail of the standard error.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class CommandFailedException extends OpenSandboxException {

	private static final long serialVersionUID = 1L;

	/** How many characters of standard error the message ends with, at most. */
	static final int STDERR_TAIL = 2000;

	private final transient Execution execution;

	/**
	 * Create an exception for an execution that did not complete.
	 * @param execution the execution
	 */
	public CommandFailedException(Execution execution) {
		super(message(execution), null);
		this.execution = execution;
	}

	/**
	 * The execution, with its outcome and output.
	 * @return the execution
	 */
	public Execution getExecution() {
		return this.execution;
	}

	/**
	 * How the execution ended.
	 * @return the outcome
	 */
	public Execution.Outcome getOutcome() {
		return this.execution.outcome();
	}

	private static String message(Execution execution) {
		StringBuilder message = new StringBuilder("Execution ");
		if (execution.id() != null) {
			message.append('\'').append(execution.id()).append("' ");
		}
		switch (execution.outcome()) {
			case FAILED -> message.append("failed with exit code ").append(execution.exitCode().orElse(-1));
			case TIMED_OUT ->
				message.append("timed out after ").append(execution.executionTime().toMillis()).append(" ms");
			case INTERRUPTED -> message.append("was interrupted");
			case ERRORED -> {
				ExecutionError error = execution.error();
				message.append("raised ").append((error != null) ? error.name() + ": " + error.value() : "an error");
			}
			case COMPLETED -> message.append("completed");
		}
		String stderr = execution.stderrText();
		if (!stderr.isEmpty()) {
			String tail = (stderr.length() > STDERR_TAIL) ? "..." + stderr.substring(stderr.length() - STDERR_TAIL)
					: stderr;
			message.append("; stderr:\n").append(tail);
		}
		return message.toString();
	}

}
