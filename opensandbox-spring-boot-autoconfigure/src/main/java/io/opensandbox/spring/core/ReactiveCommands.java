package io.opensandbox.spring.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.model.CommandLogs;
import io.opensandbox.spring.model.CommandOptions;
import io.opensandbox.spring.model.CommandStatus;
import io.opensandbox.spring.model.Execution;
import io.opensandbox.spring.model.ExecutionEvent;

/**
 * Shell commands in a sandbox, reactively: collected runs, live event streams (cancelling
 * one interrupts the command), background commands and bash sessions.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class ReactiveCommands {

	private final ReactiveSandbox sandbox;

	ReactiveCommands(ReactiveSandbox sandbox) {
		this.sandbox = sandbox;
	}

	/**
	 * Run a command and collect its result.
	 * @param command the shell command
	 * @return the execution; a non-zero exit is a result, not an error
	 */
	public Mono<Execution> run(String command) {
		return run(command, CommandOptions.defaults());
	}

	/**
	 * Run a command and collect its result.
	 * @param command the shell command
	 * @param options how to run it
	 * @return the execution; a non-zero exit is a result, not an error
	 */
	public Mono<Execution> run(String command, CommandOptions options) {
		return stream(command, options).collectList().map(Execution::of);
	}

	/**
	 * Run a command and stream its events as they happen. Cancelling the subscription
	 * interrupts the command in the sandbox.
	 * @param command the shell command
	 * @param options how to run it
	 * @return the events, ending with completion or an error event
	 */
	public Flux<ExecutionEvent> stream(String command, CommandOptions options) {
		Arguments.command(command, options);
		return this.sandbox.execdClient().flatMapMany((execd) -> execd.runCommand(command, options));
	}

	/**
	 * Start a command in the background.
	 * @param command the shell command
	 * @param options how to run it
	 * @return the command id
	 */
	public Mono<String> start(String command, CommandOptions options) {
		Arguments.command(command, options);
		return this.sandbox.withExecd((execd) -> execd.startCommand(command, options));
	}

	/**
	 * The status of a command.
	 * @param commandId the command id
	 * @return the status
	 */
	public Mono<CommandStatus> status(String commandId) {
		Arguments.text(commandId, "Command id");
		return this.sandbox.withExecd((execd) -> execd.commandStatus(commandId));
	}

	/**
	 * A background command's output after a cursor.
	 * @param commandId the command id
	 * @param cursor the cursor from the previous read, or {@code null} for everything
	 * @return the output and the next cursor
	 */
	public Mono<CommandLogs> logs(String commandId, @Nullable Long cursor) {
		Arguments.text(commandId, "Command id");
		return this.sandbox.withExecd((execd) -> execd.commandLogs(commandId, cursor));
	}

	/**
	 * Interrupt a running command.
	 * @param commandId the command id
	 * @return completes when execd accepted the interrupt
	 */
	public Mono<Void> interrupt(String commandId) {
		Arguments.text(commandId, "Command id");
		return this.sandbox.withExecd((execd) -> execd.interruptCommand(commandId));
	}

	/**
	 * Open a bash session whose state persists between runs.
	 * @param cwd the initial working directory, or {@code null}
	 * @return the session id
	 */
	public Mono<String> openSession(@Nullable String cwd) {
		return this.sandbox.withExecd((execd) -> execd.createSession(cwd));
	}

	/**
	 * Run a command in a bash session and stream its events.
	 * @param sessionId the session id
	 * @param command the shell command
	 * @param cwd a working directory for this run, or {@code null}
	 * @param timeout a time limit for this run, or {@code null}
	 * @return the events
	 */
	public Flux<ExecutionEvent> streamInSession(String sessionId, String command, @Nullable String cwd,
			@Nullable Duration timeout) {
		Arguments.text(sessionId, "Session id");
		Arguments.text(command, "Command");
		return this.sandbox.execdClient()
			.flatMapMany((execd) -> execd.runInSession(sessionId, command, cwd, timeout));
	}

	/**
	 * Close a bash session.
	 * @param sessionId the session id
	 * @return completes when the session is deleted
	 */
	public Mono<Void> closeSession(String sessionId) {
		Arguments.text(sessionId, "Session id");
		return this.sandbox.withExecd((execd) -> execd.deleteSession(sessionId));
	}

}
