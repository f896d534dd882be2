package io.opensandbox.spring.model;

import org.jspecify.annotations.Nullable;

/**
 * The egress sidecar's view of a sandbox's network policy.
 *
 * @param status the sidecar's operation status, for example {@code ok}
 * @param mode the derived mode: {@code allow_all}, {@code deny_all} or {@code enforcing}
 * @param enforcementMode the enforcement backend, for example {@code dns}
 * @param reason extra context from the sidecar, if any
 * @param policy the policy in force
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record EgressPolicy(@Nullable String status, @Nullable String mode, @Nullable String enforcementMode,
		@Nullable String reason, NetworkPolicy policy) {

}
