package io.opensandbox.spring.core;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.model.CommandLogs;
import io.opensandbox.spring.model.CommandStatus;

/**
 * A command running in the background. {@link #newOutput()} returns only what was written
 * since the previous call. Thread-safe.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class BackgroundCommand {

	private final ReactiveCommands commands;

	private final String id;

	private @Nullable Long cursor;

	BackgroundCommand(ReactiveCommands commands, String id) {
		this.commands = commands;
		this.id = id;
	}

	/**
	 * The command id.
	 * @return the id
	 */
	public String id() {
		return this.id;
	}

	/**
	 * The command's status now.
	 * @return the status
	 */
	public CommandStatus status() {
		return Blocking.get(this.commands.status(this.id));
	}

	/**
	 * The output written since the previous call (everything on the first call).
	 * @return the new output, possibly empty
	 */
	public synchronized String newOutput() {
		CommandLogs logs = Blocking.get(this.commands.logs(this.id, this.cursor));
		this.cursor = logs.cursor();
		return logs.text();
	}

	/**
	 * All output so far.
	 * @return the output
	 */
	public String output() {
		return Blocking.get(this.commands.logs(this.id, null)).text();
	}

	/**
	 * Interrupt the command.
	 */
	public void interrupt() {
		Blocking.run(this.commands.interrupt(this.id));
	}

}
