package io.opensandbox.spring.core;

import reactor.core.publisher.Mono;

/**
 * Decides whether a new sandbox that the server reports as {@code Running} is ready for
 * use. Called repeatedly, with adaptive back-off, until it completes or the ready timeout
 * passes; an error means "not yet".
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
@FunctionalInterface
public interface ReadinessCheck {

	/**
	 * Ready when execd answers {@code GET /ping}: the default, as in the official SDKs.
	 */
	ReadinessCheck EXECD_PING = ReactiveSandbox::ping;

	/**
	 * No waiting at all: the sandbox is handed out as soon as the server accepted it,
	 * possibly still {@code Pending}.
	 */
	ReadinessCheck SKIP = (sandbox) -> Mono.empty();

	/**
	 * Check the sandbox once.
	 * @param sandbox the running sandbox
	 * @return completes when the sandbox is ready; an error when it is not yet
	 */
	Mono<Void> check(ReactiveSandbox sandbox);

}
