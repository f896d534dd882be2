package io.opensandbox.spring.model;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Status of a snapshot.
 *
 * @param state the lifecycle state
 * @param reason a short machine-readable reason, for example {@code snapshot_ready}
 * @param message a human-readable description of the state
 * @param lastTransitionAt when the state last changed
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record SnapshotStatus(SnapshotState state, @Nullable String reason, @Nullable String message,
		@Nullable Instant lastTransitionAt) {

}
