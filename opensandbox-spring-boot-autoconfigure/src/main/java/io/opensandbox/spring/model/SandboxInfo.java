package io.opensandbox.spring.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What the lifecycle server knows of one sandbox.
 *
 * @param id the sandbox id, an opaque string
 * @param status the current status
 * @param image the image the sandbox was created from, if it was created from an image
 * and the server reported it (the create response does not)
 * @param snapshotId the snapshot the sandbox was restored from, if any
 * @param entrypoint the entry process of the sandbox
 * @param metadata the sandbox metadata
 * @param platform the platform constraint, if one was given
 * @param expiresAt when the sandbox expires, or {@code null} if it never expires
 * @param createdAt when the sandbox was created, if reported
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record SandboxInfo(String id, SandboxStatus status, @Nullable String image, @Nullable String snapshotId,
		List<String> entrypoint, Map<String, String> metadata, @Nullable Platform platform, @Nullable Instant expiresAt,
		@Nullable Instant createdAt) {

	public SandboxInfo {
		entrypoint = List.copyOf(entrypoint);
		metadata = Map.copyOf(metadata);
	}

	/**
	 * Shortcut for {@code status().state()}.
	 * @return the lifecycle state
	 */
	public SandboxState state() {
		return this.status.state();
	}

}
