package io.opensandbox.spring.model;

import java.util.Locale;

import org.springframework.util.Assert;

/**
 * Lifecycle state of a sandbox. The set of states is open: the server may report states
 * this library does not know, and they are kept as they were sent.
 *
 * @param value the state as the server names it, for example {@code Running}
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record SandboxState(String value) {

	/** The sandbox is being provisioned. */
	public static final SandboxState PENDING = new SandboxState("Pending");

	/** The sandbox runs and accepts requests. */
	public static final SandboxState RUNNING = new SandboxState("Running");

	/** The sandbox is being paused. */
	public static final SandboxState PAUSING = new SandboxState("Pausing");

	/** The sandbox is paused and keeps its state. */
	public static final SandboxState PAUSED = new SandboxState("Paused");

	/** The sandbox is being resumed after a pause. */
	public static final SandboxState RESUMING = new SandboxState("Resuming");

	/** The sandbox is being terminated. */
	public static final SandboxState STOPPING = new SandboxState("Stopping");

	/** The sandbox has been terminated. */
	public static final SandboxState TERMINATED = new SandboxState("Terminated");

	/** The sandbox met a critical error. */
	public static final SandboxState FAILED = new SandboxState("Failed");

	public SandboxState {
		Assert.hasText(value, "'value' must not be empty");
	}

	/**
	 * Return the state with the given name.
	 * @param value the state name
	 * @return the state
	 */
	public static SandboxState of(String value) {
		return new SandboxState(value);
	}

	/**
	 * Whether this state is final: the sandbox will not run again.
	 * @return {@code true} for {@code Terminated} and {@code Failed}
	 */
	public boolean isTerminal() {
		return equals(TERMINATED) || equals(FAILED);
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof SandboxState state) && this.value.equalsIgnoreCase(state.value);
	}

	@Override
	public int hashCode() {
		return this.value.toLowerCase(Locale.ROOT).hashCode();
	}

	@Override
	public String toString() {
		return this.value;
	}

}
