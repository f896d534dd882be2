package io.opensandbox.spring.model;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

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
public record SnapshotInfo(String id, String sandboxId, @Nullable String name, SnapshotStatus status,
		@Nullable Instant createdAt) {

	/**
	 * Shortcut for {@code status().state()}.
	 * @return the lifecycle state
	 */
	public SnapshotState state() {
		return this.status.state();
	}

}
