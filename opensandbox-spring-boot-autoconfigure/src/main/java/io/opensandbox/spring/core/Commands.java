package io.opensandbox.spring.core;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

import io.opensandbox.spring.model.CommandOptions;
import io.opensandbox.spring.model.Execution;
import io.opensandbox.spring.model.ExecutionEvent;

/**
 * Shell commands in a sandbox. Collected runs block the calling thread; {@link #stream}
 * gives the live events.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class Commands {

	private final ReactiveCommands reactive;

	Commands(ReactiveCommands reactive) {
		this.reactive = reactive;
	}

	/**
	 * Run a command and wait for its result.
	 * @param command the shell command
	 * @return the execution; a non-zero exit is a result, see {@link Execution#exitCode()}
	 */
	public Execution run(String command) {
		return Blocking.get(this.reactive.run(command));
	}

	/**
	 * Run a command and wait for its result.
	 * @param command the shell command
	 * @param options working directory, timeout, environment, user
	 * @return the execution
	 */
	public Execution run(String command, CommandOptions options) {
		return Blocking.get(this.reactive.run(command, options));
	}

	/**
	 * Run a command and stream its events. Cancelling the subscription interrupts it.
	 * @param command the shell command
	 * @param options how to run it
	 * @return the events
	 */
	public Flux<ExecutionEvent> stream(String command, CommandOptions options) {
		return this.reactive.stream(command, options);
	}

	/**
	 * Start a command in the background.
	 * @param command the shell command
	 * @param options how to run it
	 * @return a handle for its status, output and interruption
	 */
	public BackgroundCommand start(String command, CommandOptions options) {
		return new BackgroundCommand(this.reactive, Blocking.get(this.reactive.start(command, options)));
	}

	/**
	 * Open a bash session whose working directory and exported variables persist between
	 * runs. Close it when done.
	 * @param cwd the initial working directory, or {@code null}
	 * @return the session
	 */
	public ShellSession openShell(@Nullable String cwd) {
		return new ShellSession(this.reactive, Blocking.get(this.reactive.openSession(cwd)));
	}

	/**
	 * The reactive twin of this API.
	 * @return the reactive commands
	 */
	public ReactiveCommands reactive() {
		return this.reactive;
	}

}
