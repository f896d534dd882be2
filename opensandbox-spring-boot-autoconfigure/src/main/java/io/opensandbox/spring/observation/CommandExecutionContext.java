package io.opensandbox.spring.observation;

import org.jspecify.annotations.Nullable;

/**
 * Context of one command or code execution ({@code opensandbox.command.execution}),
 * spanning the whole event stream.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class CommandExecutionContext extends OpenSandboxObservationContext {

	private final String kind;

	private @Nullable String commandId;

	private @Nullable Integer exitCode;

	/**
	 * Create a context.
	 * @param kind {@code command}, {@code session} or {@code code}
	 */
	public CommandExecutionContext(String kind) {
		this.kind = kind;
	}

	/**
	 * What ran.
	 * @return {@code command}, {@code session} or {@code code}
	 */
	public String getKind() {
		return this.kind;
	}

	/**
	 * The execution id execd assigned, once known.
	 * @return the id or {@code null}
	 */
	public @Nullable String getCommandId() {
		return this.commandId;
	}

	/**
	 * Record the execution id.
	 * @param commandId the id
	 */
	public void setCommandId(@Nullable String commandId) {
		this.commandId = commandId;
	}

	/**
	 * The exit code, once known.
	 * @return the exit code or {@code null}
	 */
	public @Nullable Integer getExitCode() {
		return this.exitCode;
	}

	/**
	 * Record the exit code.
	 * @param exitCode the exit code
	 */
	public void setExitCode(@Nullable Integer exitCode) {
		this.exitCode = exitCode;
	}

}
