package io.opensandbox.spring.core;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A sandbox the application created and is responsible for: it is renewed while the
 * application runs and killed when it stops, unless released.
 *
 * @param id the sandbox id
 * @param image the image it was created from, if any
 * @param createdAt when the application created it
 * @param expiresAt when it expires unless renewed, or {@code null} if it never expires
 * @param timeToLive how far each renewal extends it, or {@code null} if it is not renewed
 * @param owner the name of the scoped bean that owns it, if any
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record TrackedSandbox(String id, @Nullable String image, Instant createdAt, @Nullable Instant expiresAt,
		@Nullable Duration timeToLive, @Nullable String owner) {

	TrackedSandbox withExpiresAt(Instant expiresAt) {
		return new TrackedSandbox(this.id, this.image, this.createdAt, expiresAt, this.timeToLive, this.owner);
	}

}
