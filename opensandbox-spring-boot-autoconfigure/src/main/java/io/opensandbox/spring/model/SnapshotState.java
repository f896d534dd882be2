package io.opensandbox.spring.model;

import java.util.Locale;

import org.springframework.util.Assert;

/**
 * Lifecycle state of a snapshot. The set of states is open, like {@link SandboxState}.
 *
 * @param value the state as the server names it, for example {@code Ready}
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record SnapshotState(String value) {

	/** The snapshot is being captured. */
	public static final SnapshotState CREATING = new SnapshotState("Creating");

	/** The snapshot can be used to restore sandboxes. */
	public static final SnapshotState READY = new SnapshotState("Ready");

	/** The snapshot is being deleted. */
	public static final SnapshotState DELETING = new SnapshotState("Deleting");

	/** Capturing the snapshot failed. */
	public static final SnapshotState FAILED = new SnapshotState("Failed");

	public SnapshotState {
		Assert.hasText(value, "'value' must not be empty");
	}

	/**
	 * Return the state with the given name.
	 * @param value the state name
	 * @return the state
	 */
	public static SnapshotState of(String value) {
		return new SnapshotState(value);
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof SnapshotState state) && this.value.equalsIgnoreCase(state.value);
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
