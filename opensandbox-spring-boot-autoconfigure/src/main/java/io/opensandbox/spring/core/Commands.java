package io.opensandbox.spring.core;

import java.util.stream.Stream;

import io.opensandbox.spring.model.CommandOptions;
import io.opensandbox.spring.model.CommandStatus;
import io.opensandbox.spring.model.ExecutionEvent;

/**
 * Shell commands in a sandbox; calls block the calling thread. The methods are those of
 * {@link ReactiveCommands}, which documents them in full.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public interface Commands {

	/**
	 * Run a command and wait for its result.
	 * @param command the shell command
	 * @return the execution, whatever its {@link Execution#outcome() outcome}; see
	 * {@link Execution#orThrow()}
	 */
	Execution run(String command);

	/**
	 * Run a command and wait for its result.
	 * @param command the shell command
	 * @param options working directory, time limit, environment, user
	 * @return the execution, whatever its {@link Execution#outcome() outcome}
	 */
	Execution run(String command, CommandOptions options);

	/**
	 * Run a command and stream its events as they arrive. Close the stream (for example
	 * with try-with-resources) to interrupt the command before it ends.
	 * @param command the shell command
	 * @param options how to run it
	 * @return the events
	 */
	Stream<ExecutionEvent> stream(String command, CommandOptions options);

	/**
	 * Start a command in the background.
	 * @param command the shell command
	 * @param options how to run it
	 * @return the command id
	 */
	String start(String command, CommandOptions options);

	/**
	 * The status of a command.
	 * @param commandId the command id
	 * @return the status
	 */
	CommandStatus status(String commandId);

	/**
	 * A background command's output from a cursor on.
	 * @param commandId the command id
	 * @param cursor {@code 0} for everything, or the cursor of the previous read
	 * @return the output and the next cursor
	 */
	CommandStatus.Logs logs(String commandId, long cursor);

	/**
	 * Interrupt a running command.
	 * @param commandId the command id
	 */
	void interrupt(String commandId);

	/**
	 * Open a bash session. Close it when done.
	 * @return the session id
	 */
	String openSession();

	/**
	 * Open a bash session that starts in the given directory.
	 * @param cwd the initial working directory
	 * @return the session id
	 */
	String openSession(String cwd);

	/**
	 * Run a command in a bash session and wait for its result.
	 * @param sessionId the session id
	 * @param command the shell command
	 * @param options a working directory and a time limit for this run
	 * @return the execution
	 */
	Execution runInSession(String sessionId, String command, CommandOptions options);

	/**
	 * Run a command in a bash session and stream its events; close the stream when done.
	 * @param sessionId the session id
	 * @param command the shell command
	 * @param options a working directory and a time limit for this run
	 * @return the events
	 */
	Stream<ExecutionEvent> streamInSession(String sessionId, String command, CommandOptions options);

	/**
	 * Close a bash session.
	 * @param sessionId the session id
	 */
	void closeSession(String sessionId);

	/**
	 * The reactive twin.
	 * @return the reactive commands
	 */
	ReactiveCommands reactive();

}
