package io.opensandbox.spring.core;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.model.CommandOptions;
import io.opensandbox.spring.model.CommandStatus;
import io.opensandbox.spring.model.ExecutionEvent;

/**
 * Shell commands in a sandbox, reactively: collected runs, live event streams (cancelling
 * one interrupts the command), background commands and bash sessions. {@link Commands} is
 * the blocking twin, with the same methods.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public interface ReactiveCommands {

	/**
	 * Run a command and collect its result.
	 * @param command the shell command
	 * @return the execution; a non-zero exit, a timeout or an interruption is a result
	 * with its {@link Execution#outcome() outcome}, not an error
	 */
	Mono<Execution> run(String command);

	/**
	 * Run a command and collect its result.
	 * @param command the shell command
	 * @param options working directory, time limit, environment, user
	 * @return the execution; a non-zero exit, a timeout or an interruption is a result
	 * with its {@link Execution#outcome() outcome}, not an error
	 */
	Mono<Execution> run(String command, CommandOptions options);

	/**
	 * Run a command and stream its events as they happen: all of its output, however
	 * large. Cancelling the subscription interrupts the command in the sandbox.
	 * @param command the shell command
	 * @param options how to run it
	 * @return the events, ending with completion or an error event
	 */
	Flux<ExecutionEvent> stream(String command, CommandOptions options);

	/**
	 * Start a command in the background.
	 * @param command the shell command
	 * @param options how to run it
	 * @return the command id, for {@link #status}, {@link #logs} and {@link #interrupt}
	 */
	Mono<String> start(String command, CommandOptions options);

	/**
	 * The status of a command.
	 * @param commandId the command id
	 * @return the status
	 */
	Mono<CommandStatus> status(String commandId);

	/**
	 * A background command's output from a cursor on.
	 * @param commandId the command id
	 * @param cursor {@code 0} for everything, or the cursor of the previous read for only
	 * what was written since
	 * @return the output and the next cursor
	 */
	Mono<CommandStatus.Logs> logs(String commandId, long cursor);

	/**
	 * Interrupt a running command.
	 * @param commandId the command id
	 * @return completes when execd accepted the interrupt
	 */
	Mono<Void> interrupt(String commandId);

	/**
	 * Open a bash session whose working directory and exported variables persist between
	 * runs. Close it when done.
	 * @return the session id
	 */
	Mono<String> openSession();

	/**
	 * Open a bash session that starts in the given directory.
	 * @param cwd the initial working directory
	 * @return the session id
	 */
	Mono<String> openSession(String cwd);

	/**
	 * Run a command in a bash session and collect its result.
	 * @param sessionId the session id
	 * @param command the shell command
	 * @param options a working directory and a time limit for this run (a session run
	 * takes no environment or user)
	 * @return the execution
	 */
	Mono<Execution> runInSession(String sessionId, String command, CommandOptions options);

	/**
	 * Run a command in a bash session and stream its events.
	 * @param sessionId the session id
	 * @param command the shell command
	 * @param options a working directory and a time limit for this run
	 * @return the events
	 */
	Flux<ExecutionEvent> streamInSession(String sessionId, String command, CommandOptions options);

	/**
	 * Close a bash session.
	 * @param sessionId the session id
	 * @return completes when the session is deleted
	 */
	Mono<Void> closeSession(String sessionId);

}
