package io.opensandbox.spring.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.model.SandboxEndpoint;
import io.opensandbox.spring.model.SandboxInfo;
import io.opensandbox.spring.model.SandboxMetrics;

/**
 * One live sandbox; calls block the calling thread. The methods are those of
 * {@link ReactiveSandbox}, which documents them in full; {@link #close()} kills the
 * sandbox, so a sandbox in try-with-resources ends with the block. Thread-safe.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public interface Sandbox extends AutoCloseable {

	/**
	 * The sandbox id.
	 * @return the id
	 */
	String id();

	/**
	 * What the server knows of this sandbox now.
	 * @return the information
	 */
	SandboxInfo info();

	/**
	 * Check that execd in the sandbox answers now.
	 * @throws io.opensandbox.spring.error.OpenSandboxException if it does not
	 */
	void ping();

	/**
	 * Whether execd in the sandbox answers now, in one attempt of at most two seconds.
	 * @return {@code true} if it answered, {@code false} if it did not or could not be
	 * reached
	 */
	boolean isHealthy();

	/**
	 * Wait until the sandbox is ready, with the template's readiness and another timeout.
	 * @param timeout how long to wait
	 * @throws io.opensandbox.spring.error.SandboxReadinessException if it does not become
	 * ready in time or cannot (the sandbox is not killed)
	 */
	void waitUntilReady(Duration timeout);

	/**
	 * Wait until the sandbox is ready.
	 * @param readiness what "ready" means and how to wait for it
	 * @throws io.opensandbox.spring.error.SandboxReadinessException if it does not become
	 * ready in time or cannot (the sandbox is not killed)
	 */
	void waitUntilReady(Readiness readiness);

	/**
	 * The endpoint for a port inside the sandbox. Its headers must go on every request.
	 * @param port the port
	 * @return the endpoint
	 */
	SandboxEndpoint endpoint(int port);

	/**
	 * The lifecycle server's diagnostic logs of the sandbox, for people and
	 * troubleshooting agents.
	 * @param scope the scope, for example {@code container}, {@code lifecycle},
	 * {@code runtime} or {@code all} (which scopes exist is up to the server)
	 * @return the diagnostic text, inline or as a download URL; a server without the
	 * diagnostics API answers with an
	 * {@link io.opensandbox.spring.error.OpenSandboxApiException}
	 */
	SandboxInfo.Diagnostics diagnosticLogs(String scope);

	/**
	 * The lifecycle server's diagnostic events of the sandbox, for people and
	 * troubleshooting agents.
	 * @param scope the scope, for example {@code container}, {@code lifecycle},
	 * {@code runtime} or {@code all} (which scopes exist is up to the server)
	 * @return the diagnostic text, inline or as a download URL; a server without the
	 * diagnostics API answers with an
	 * {@link io.opensandbox.spring.error.OpenSandboxApiException}
	 */
	SandboxInfo.Diagnostics diagnosticEvents(String scope);

	/**
	 * A signed endpoint for a port inside the sandbox: a direct route (never through the
	 * server proxy) that the server stops honouring at the given time, to hand to a
	 * browser or another service.
	 * @param port the port, 1 to 65535
	 * @param expires when the route stops working, in the future
	 * @return the endpoint
	 */
	SandboxEndpoint signedEndpoint(int port, Instant expires);

	/**
	 * The URL for a port inside the sandbox.
	 * @param port the port
	 * @return the URL
	 */
	String endpointUrl(int port);

	/**
	 * Let the sandbox live for the given time from now.
	 * @param timeToLive the time to live
	 * @return the new expiry
	 */
	Instant renew(Duration timeToLive);

	/**
	 * Pause the sandbox.
	 */
	void pause();

	/**
	 * Resume the paused sandbox and wait until it is ready again, with the template's
	 * readiness.
	 */
	void resume();

	/**
	 * Resume the paused sandbox and wait as told.
	 * @param readiness how to wait, or {@link Readiness#skip()} to return as soon as the
	 * server accepted the request
	 */
	void resume(Readiness readiness);

	/**
	 * Change the sandbox's metadata: a value adds or replaces a key, {@code null} deletes
	 * it.
	 * @param patch the changes
	 * @return the sandbox with its new metadata
	 */
	SandboxInfo patchMetadata(Map<String, ? extends @Nullable String> patch);

	/**
	 * Kill the sandbox. A sandbox that is already gone counts as killed.
	 */
	void kill();

	/**
	 * Stop tracking this sandbox without killing it: it becomes the caller's to manage.
	 * @return whether the application tracked it
	 */
	boolean release();

	/**
	 * Commands: run, stream, background, bash sessions.
	 * @return the commands
	 */
	Commands commands();

	/**
	 * Files and directories.
	 * @return the files
	 */
	Files files();

	/**
	 * The code interpreter.
	 * @return the code interpreter
	 */
	Codes codes();

	/**
	 * Interactive terminals (PTY sessions over WebSocket) in this sandbox.
	 * @return the PTY API
	 */
	Pty pty();

	/**
	 * The outbound network policy.
	 * @return the egress policy
	 */
	Egress egress();

	/**
	 * Resource usage inside the sandbox now.
	 * @return the metrics
	 */
	SandboxMetrics metrics();

	/**
	 * Resource usage inside the sandbox, once a second until the stream is closed.
	 * @return the metrics
	 */
	Stream<SandboxMetrics> watchMetrics();

	/**
	 * Kill the sandbox.
	 */
	@Override
	void close();

	/**
	 * The reactive twin of this sandbox.
	 * @return the reactive sandbox
	 */
	ReactiveSandbox reactive();

}
