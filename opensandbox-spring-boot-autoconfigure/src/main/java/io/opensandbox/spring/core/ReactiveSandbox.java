package io.opensandbox.spring.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.model.SandboxEndpoint;
import io.opensandbox.spring.model.SandboxInfo;
import io.opensandbox.spring.model.SandboxMetrics;

/**
 * One live sandbox, reactively: its lifecycle (info, renew, pause, resume, kill), its
 * endpoints, and what runs inside it (commands, files, code, egress policy, metrics).
 * Thread-safe. {@link Sandbox} is the blocking twin, with the same methods.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public interface ReactiveSandbox {

	/**
	 * The sandbox id.
	 * @return the id
	 */
	String id();

	/**
	 * What the server knows of this sandbox now.
	 * @return the information
	 */
	Mono<SandboxInfo> info();

	/**
	 * Whether execd in the sandbox answers now.
	 * @return completes when execd answered; an error otherwise
	 */
	Mono<Void> ping();

	/**
	 * Whether execd in the sandbox answers now, in one attempt of at most two seconds.
	 * @return {@code true} if it answered, {@code false} if it did not or could not be
	 * reached
	 */
	Mono<Boolean> isHealthy();

	/**
	 * Wait until the sandbox is ready, with the template's readiness and another timeout.
	 * @param timeout how long to wait
	 * @return completes when the sandbox is ready; a
	 * {@link io.opensandbox.spring.error.SandboxReadinessException} when it does not
	 * become ready in time or cannot (the sandbox is not killed)
	 */
	Mono<Void> waitUntilReady(Duration timeout);

	/**
	 * Wait until the sandbox is ready.
	 * @param readiness what "ready" means and how to wait for it
	 * @return completes when the sandbox is ready; a
	 * {@link io.opensandbox.spring.error.SandboxReadinessException} when it does not
	 * become ready in time or cannot (the sandbox is not killed)
	 */
	Mono<Void> waitUntilReady(Readiness readiness);

	/**
	 * The endpoint for a port inside the sandbox, honouring the server-proxy setting. Its
	 * headers must go on every request to it.
	 * @param port the port, 1 to 65535
	 * @return the endpoint
	 */
	Mono<SandboxEndpoint> endpoint(int port);

	/**
	 * The lifecycle server's diagnostic logs of the sandbox, for people and
	 * troubleshooting agents.
	 * @param scope the scope, for example {@code container}, {@code lifecycle},
	 * {@code runtime} or {@code all} (which scopes exist is up to the server)
	 * @return the diagnostic text, inline or as a download URL; a server without the
	 * diagnostics API answers with an
	 * {@link io.opensandbox.spring.error.OpenSandboxApiException}
	 */
	Mono<SandboxInfo.Diagnostics> diagnosticLogs(String scope);

	/**
	 * The lifecycle server's diagnostic events of the sandbox, for people and
	 * troubleshooting agents.
	 * @param scope the scope, for example {@code container}, {@code lifecycle},
	 * {@code runtime} or {@code all} (which scopes exist is up to the server)
	 * @return the diagnostic text, inline or as a download URL; a server without the
	 * diagnostics API answers with an
	 * {@link io.opensandbox.spring.error.OpenSandboxApiException}
	 */
	Mono<SandboxInfo.Diagnostics> diagnosticEvents(String scope);

	/**
	 * A signed endpoint for a port inside the sandbox: a direct route (never through the
	 * server proxy) that the server stops honouring at the given time, to hand to a
	 * browser or another service.
	 * @param port the port, 1 to 65535
	 * @param expires when the route stops working, in the future
	 * @return the endpoint
	 */
	Mono<SandboxEndpoint> signedEndpoint(int port, Instant expires);

	/**
	 * The URL for a port inside the sandbox (its endpoint with the configured protocol).
	 * @param port the port, 1 to 65535
	 * @return the URL
	 */
	Mono<String> endpointUrl(int port);

	/**
	 * Let the sandbox live for the given time from now.
	 * @param timeToLive the time to live
	 * @return the new expiry
	 */
	Mono<Instant> renew(Duration timeToLive);

	/**
	 * Pause the sandbox.
	 * @return completes when the server accepted the request
	 */
	Mono<Void> pause();

	/**
	 * Resume the paused sandbox and wait until it is ready again, with the template's
	 * readiness.
	 * @return completes when the sandbox is ready
	 */
	Mono<Void> resume();

	/**
	 * Resume the paused sandbox and wait as told.
	 * @param readiness how to wait, or {@link Readiness#skip()} to complete as soon as
	 * the server accepted the request
	 * @return completes when the sandbox is ready
	 */
	Mono<Void> resume(Readiness readiness);

	/**
	 * Change the sandbox's metadata: a value adds or replaces a key, {@code null} deletes
	 * it.
	 * @param patch the changes
	 * @return the sandbox with its new metadata
	 */
	Mono<SandboxInfo> patchMetadata(Map<String, ? extends @Nullable String> patch);

	/**
	 * Kill the sandbox. A sandbox that is already gone counts as killed. Once killed, the
	 * application no longer tracks it (and a {@link SandboxScoped @SandboxScoped} bean
	 * that owned it creates a new one on its next use).
	 * @return completes when the sandbox is being terminated
	 */
	Mono<Void> kill();

	/**
	 * Stop tracking this sandbox without killing it: it is no longer renewed, nor killed
	 * when the application stops, and becomes the caller's to manage. It still expires at
	 * its current expiry unless renewed.
	 * @return whether the application tracked it
	 */
	boolean release();

	/**
	 * Commands: run, stream, background, bash sessions.
	 * @return the commands
	 */
	ReactiveCommands commands();

	/**
	 * Files and directories.
	 * @return the files
	 */
	ReactiveFiles files();

	/**
	 * The code interpreter.
	 * @return the code interpreter
	 */
	ReactiveCodes codes();

	/**
	 * Interactive terminals (PTY sessions over WebSocket) in this sandbox.
	 * @return the PTY API
	 */
	ReactivePty pty();

	/**
	 * The egress (network) policy; needs a sandbox created with a network policy.
	 * @return the egress policy
	 */
	ReactiveEgress egress();

	/**
	 * Resource usage inside the sandbox now.
	 * @return the metrics
	 */
	Mono<SandboxMetrics> metrics();

	/**
	 * Resource usage inside the sandbox, once a second until cancelled.
	 * @return the metrics
	 */
	Flux<SandboxMetrics> watchMetrics();

}
