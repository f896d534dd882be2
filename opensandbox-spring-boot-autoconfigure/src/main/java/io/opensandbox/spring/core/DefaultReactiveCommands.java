package io.opensandbox.spring.core;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.model.CommandOptions;
import io.opensandbox.spring.model.CommandStatus;
import io.opensandbox.spring.model.ExecutionEvent;

/**
 * The {@link ReactiveCommands} of a {@link DefaultReactiveSandbox}.
 *
 * @author OpenSandbox Spring Boot
 */
final class DefaultReactiveCommands implements ReactiveCommands {

	private final DefaultReactiveSandbox sandbox;

	DefaultReactiveCommands(DefaultReactiveSandbox sandbox) {
		this.sandbox = sandbox;
	}

	@Override
	public Mono<Execution> run(String command) {
		return run(command, CommandOptions.defaults());
	}

	@Override
	public Mono<Execution> run(String command, CommandOptions options) {
		Flux<ExecutionEvent> events = stream(command, options);
		return ExecutionCollector.collect(events, this.sandbox.outputLimit(), options.timeout());
	}

	@Override
	public Flux<ExecutionEvent> stream(String command, CommandOptions options) {
		Arguments.command(command, options);
		return this.sandbox.execdClient().flatMapMany((execd) -> execd.runCommand(command, options));
	}

	@Override
	public Mono<String> start(String command, CommandOptions options) {
		Arguments.command(command, options);
		return this.sandbox.withExecd((execd) -> execd.startCommand(command, options));
	}

	@Override
	public Mono<CommandStatus> status(String commandId) {
		Arguments.text(commandId, "Command id");
		return this.sandbox.withExecd((execd) -> execd.commandStatus(commandId));
	}

	@Override
	public Mono<CommandStatus.Logs> logs(String commandId, long cursor) {
		Arguments.text(commandId, "Command id");
		Arguments.notNegative(cursor, "Cursor");
		return this.sandbox.withExecd((execd) -> execd.commandLogs(commandId, cursor));
	}

	@Override
	public Mono<Void> interrupt(String commandId) {
		Arguments.text(commandId, "Command id");
		return this.sandbox.withExecd((execd) -> execd.interruptCommand(commandId));
	}

	@Override
	public Mono<String> openSession() {
		return this.sandbox.withExecd((execd) -> execd.createSession(null));
	}

	@Override
	public Mono<String> openSession(String cwd) {
		Arguments.text(cwd, "Working directory");
		return this.sandbox.withExecd((execd) -> execd.createSession(cwd));
	}

	@Override
	public Mono<Execution> runInSession(String sessionId, String command, CommandOptions options) {
		Flux<ExecutionEvent> events = streamInSession(sessionId, command, options);
		return ExecutionCollector.collect(events, this.sandbox.outputLimit(), options.timeout());
	}

	@Override
	public Flux<ExecutionEvent> streamInSession(String sessionId, String command, CommandOptions options) {
		Arguments.text(sessionId, "Session id");
		Arguments.sessionCommand(command, options);
		return this.sandbox.execdClient()
			.flatMapMany((execd) -> execd.runInSession(sessionId, command, options.cwd(), options.timeout()));
	}

	@Override
	public Mono<Void> closeSession(String sessionId) {
		Arguments.text(sessionId, "Session id");
		return this.sandbox.withExecd((execd) -> execd.deleteSession(sessionId));
	}

}
