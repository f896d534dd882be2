package io.opensandbox.spring.samples.playground;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.core.SandboxTracker;

/**
 * One sandbox the application holds, as the page lists it.
 *
 * @param id the sandbox id
 * @param image the image it was created from, if known
 * @param state the state the server reports now, or {@code null} if it could not be
 * looked up
 * @param createdAt when the application created it
 * @param expiresAt when it expires unless renewed (the starter renews it while the
 * application runs), or {@code null} if it never expires
 * @param owner the scoped bean that owns it, if any
 * @param mine whether it is the sandbox of the browser session asking
 * @author OpenSandbox Spring Boot
 */
public record SandboxView(String id, @Nullable String image, @Nullable String state, Instant createdAt,
		@Nullable Instant expiresAt, @Nullable String owner, boolean mine) {

	static SandboxView of(SandboxTracker.TrackedSandbox sandbox, @Nullable String state, boolean mine) {
		return new SandboxView(sandbox.id(), sandbox.image(), state, sandbox.createdAt(), sandbox.expiresAt(),
				sandbox.owner(), mine);
	}

}
