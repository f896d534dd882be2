package io.opensandbox.spring.core;

import java.util.stream.Stream;

import io.opensandbox.spring.model.CommandOptions;
import io.opensandbox.spring.model.CommandStatus;
import io.opensandbox.spring.model.ExecutionEvent;

/**
 * {@link Commands} that block on a {@link ReactiveCommands}.
 *
 * @author OpenSandbox Spring Boot
 */
final class DefaultCommands implements Commands {

	private final ReactiveCommands reactive;

	DefaultCommands(ReactiveCommands reactive) {
		this.reactive = reactive;
	}

	@Override
	public Execution run(String command) {
		return Blocking.get(this.reactive.run(command));
	}

	@Override
	public Execution run(String command, CommandOptions options) {
		return Blocking.get(this.reactive.run(command, options));
	}

	@Override
	public Stream<ExecutionEvent> stream(String command, CommandOptions options) {
		return Blocking.stream(this.reactive.stream(command, options));
	}

	@Override
	public String start(String command, CommandOptions options) {
		return Blocking.get(this.reactive.start(command, options));
	}

	@Override
	public CommandStatus status(String commandId) {
		return Blocking.get(this.reactive.status(commandId));
	}

	@Override
	public CommandStatus.Logs logs(String commandId, long cursor) {
		return Blocking.get(this.reactive.logs(commandId, cursor));
	}

	@Override
	public void interrupt(String commandId) {
		Blocking.run(this.reactive.interrupt(commandId));
	}

	@Override
	public String openSession() {
		return Blocking.get(this.reactive.openSession());
	}

	@Override
	public String openSession(String cwd) {
		return Blocking.get(this.reactive.openSession(cwd));
	}

	@Override
	public Execution runInSession(String sessionId, String command, CommandOptions options) {
		return Blocking.get(this.reactive.runInSession(sessionId, command, options));
	}

	@Override
	public Stream<ExecutionEvent> streamInSession(String sessionId, String command, CommandOptions options) {
		return Blocking.stream(this.reactive.streamInSession(sessionId, command, options));
	}

	@Override
	public void closeSession(String sessionId) {
		Blocking.run(this.reactive.closeSession(sessionId));
	}

	@Override
	public ReactiveCommands reactive() {
		return this.reactive;
	}

}
