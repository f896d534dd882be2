package io.opensandbox.spring.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Which snapshots a listing returns.
 *
 * @param sandboxId only snapshots of this sandbox, or {@code null} for every sandbox
 * @param states the states to match (any of them); empty matches every state
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record SnapshotFilter(@Nullable String sandboxId, Set<SnapshotState> states) {

	private static final SnapshotFilter ALL = new SnapshotFilter(null, Set.of());

	public SnapshotFilter {
		states = Collections.unmodifiableSet(new LinkedHashSet<>(states));
	}

	/**
	 * A filter that matches every snapshot.
	 * @return the filter
	 */
	public static SnapshotFilter all() {
		return ALL;
	}

	/**
	 * Return a copy that matches only snapshots of the given sandbox.
	 * @param sandboxId the sandbox id
	 * @return the filter
	 */
	public SnapshotFilter withSandboxId(String sandboxId) {
		return new SnapshotFilter(sandboxId, this.states);
	}

	/**
	 * Return a copy that matches only snapshots in one of the given states.
	 * @param states the states
	 * @return the filter
	 */
	public SnapshotFilter withStates(SnapshotState... states) {
		Set<SnapshotState> merged = new LinkedHashSet<>(this.states);
		merged.addAll(Arrays.asList(states));
		return new SnapshotFilter(this.sandboxId, merged);
	}

}
