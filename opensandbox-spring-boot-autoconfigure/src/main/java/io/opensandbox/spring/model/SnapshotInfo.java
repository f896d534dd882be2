package io.opensandbox.spring.model;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * A persistent point-in-time capture of a sandbox.
 *
 * @param id the snapshot id
 * @param sandboxId the sandbox the snapshot was taken from
 * @param name the optional human-readable name
 * @param status the current status
 * @param createdAt when the snapshot was created, if reported
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record SnapshotInfo(String id, String sandboxId, @Nullable String name, Status status,
		@Nullable Instant createdAt) {

	/**
	 * Shortcut for {@code status().state()}.
	 * @return the lifecycle state
	 */
	public State state() {
		return this.status.state();
	}

	/**
	 * Lifecycle state of a snapshot. The set of states is open, like
	 * {@link SandboxInfo.State}.
	 *
	 * @param value the state as the server names it, for example {@code Ready}
	 * @since 0.1.0
	 */
	public record State(String value) {

		/** The snapshot is being captured. */
		public static final State CREATING = new State("Creating");

		/** The snapshot can be used to restore sandboxes. */
		public static final State READY = new State("Ready");

		/** The snapshot is being deleted. */
		public static final State DELETING = new State("Deleting");

		/** Capturing the snapshot failed. */
		public static final State FAILED = new State("Failed");

		public State {
			Assert.hasText(value, "'value' must not be empty");
		}

		/**
		 * Return the state with the given name.
		 * @param value the state name
		 * @return the state
		 */
		public static State of(String value) {
			return new State(value);
		}

		@Override
		public boolean equals(Object other) {
			return (other instanceof State state) && this.value.equalsIgnoreCase(state.value);
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

	/**
	 * Status of a snapshot.
	 *
	 * @param state the lifecycle state
	 * @param reason a short machine-readable reason, for example {@code snapshot_ready}
	 * @param message a human-readable description of the state
	 * @param lastTransitionAt when the state last changed
	 * @since 0.1.0
	 */
	public record Status(SnapshotInfo.State state, @Nullable String reason, @Nullable String message,
			@Nullable Instant lastTransitionAt) {

	}

	/**
	 * Which snapshots a listing returns.
	 *
	 * @param sandboxId only snapshots of this sandbox, or {@code null} for every sandbox
	 * @param states the states to match (any of them); empty matches every state
	 * @since 0.1.0
	 */
	public record Filter(@Nullable String sandboxId, Set<SnapshotInfo.State> states) {

		private static final Filter ALL = new Filter(null, Set.of());

		public Filter {
			states = Collections.unmodifiableSet(new LinkedHashSet<>(states));
		}

		/**
		 * A filter that matches every snapshot.
		 * @return the filter
		 */
		public static Filter all() {
			return ALL;
		}

		/**
		 * Return a copy that matches only snapshots of the given sandbox.
		 * @param sandboxId the sandbox id
		 * @return the filter
		 */
		public Filter withSandboxId(String sandboxId) {
			return new Filter(sandboxId, this.states);
		}

		/**
		 * Return a copy that matches only snapshots in one of the given states.
		 * @param states the states
		 * @return the filter
		 */
		public Filter withStates(SnapshotInfo.State... states) {
			Set<SnapshotInfo.State> merged = new LinkedHashSet<>(this.states);
			merged.addAll(Arrays.asList(states));
			return new Filter(this.sandboxId, merged);
		}

	}

}
