package io.opensandbox.spring.model;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Status of a sandbox: its state and why it is in it.
 *
 * @param state the lifecycle state
 * @param reason a short machine-readable reason, for example {@code user_delete}
 * @param message a human-readable description of the state
 * @param lastTransitionAt when the state last changed
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record SandboxStatus(SandboxState state, @Nullable String reason, @Nullable String message,
		@Nullable Instant lastTransitionAt) {

}
