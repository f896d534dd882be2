package io.opensandbox.spring.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

import io.opensandbox.spring.model.Execution;
import io.opensandbox.spring.model.ExecutionEvent;

/**
 * A bash session in a sandbox: the working directory and exported variables persist
 * between runs. {@link #close()} deletes it in the sandbox.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class ShellSession implements AutoCloseable {

	private final ReactiveCommands commands;

	private final String id;

	ShellSession(ReactiveCommands commands, String id) {
		this.commands = commands;
		this.id = id;
	}

	/**
	 * The session id.
	 * @return the id
	 */
	public String id() {
		return this.id;
	}

	/**
	 * Run a command in the session and wait for its result.
	 * @param command the shell command
	 * @return the execution
	 */
	public Execution run(String command) {
		return run(command, null, null);
	}

	/**
	 * Run a command in the session and wait for its result.
	 * @param command the shell command
	 * @param cwd a working directory for this run, or {@code null}
	 * @param timeout a time limit for this run, or {@code null}
	 * @return the execution
	 */
	public Execution run(String command, @Nullable String cwd, @Nullable Duration timeout) {
		return Blocking.get(stream(command, cwd, timeout).collectList().map(Execution::of));
	}

	/**
	 * Run a command in the session and stream its events.
	 * @param command the shell command
	 * @param cwd a working directory for this run, or {@code null}
	 * @param timeout a time limit for this run, or {@code null}
	 * @return the events
	 */
	public Flux<ExecutionEvent> stream(String command, @Nullable String cwd, @Nullable Duration timeout) {
		return this.commands.streamInSession(this.id, command, cwd, timeout);
	}

	/**
	 * Delete the session in the sandbox.
	 */
	@Override
	public void close() {
		Blocking.run(this.commands.closeSession(this.id));
	}

}
