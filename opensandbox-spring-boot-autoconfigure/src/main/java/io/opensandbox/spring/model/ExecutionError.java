package io.opensandbox.spring.model;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The error an execution ended with: for a command, {@code CommandExecError} with the
 * exit code as value; for code, the language's exception.
 *
 * @param name the error name, for example {@code CommandExecError} or
 * {@code ZeroDivisionError}
 * @param value the error value, for example the exit code {@code 2} or the exception
 * message
 * @param traceback the traceback lines, possibly empty
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record ExecutionError(String name, String value, List<String> traceback) {

	/** Name execd gives the error of a command that exited with a non-zero code. */
	public static final String COMMAND_EXEC_ERROR = "CommandExecError";

	public ExecutionError {
		traceback = List.copyOf(traceback);
	}

	/**
	 * The exit code this error stands for, if it is a command's non-zero exit.
	 * @return the exit code, or {@code null} if this is not a command exit error
	 */
	public @Nullable Integer exitCode() {
		if (!COMMAND_EXEC_ERROR.equals(this.name)) {
			return null;
		}
		try {
			return Integer.valueOf(this.value.strip());
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
