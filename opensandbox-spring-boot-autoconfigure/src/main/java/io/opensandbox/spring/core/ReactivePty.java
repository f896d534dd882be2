package io.opensandbox.spring.core;

import reactor.core.publisher.Mono;

import io.opensandbox.spring.model.PtySpec;
import io.opensandbox.spring.model.PtyStatus;

/**
 * Interactive terminals in a sandbox (execd's PTY sessions over WebSocket): a shell or a
 * program on a pseudo-terminal (or with pipes) that keeps running between connections,
 * whose output the server keeps (the last MiB) for a client that comes back. One client
 * is attached at a time. The blocking twin is {@link Pty}.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 * @see ReactiveSandbox#pty()
 */
public interface ReactivePty {

	/**
	 * Create a session; its program starts on the first attach.
	 * @param spec what to run and where
	 * @return the session's id
	 */
	Mono<String> create(PtySpec spec);

	/**
	 * Create a session and attach to it, in the spec's mode and (if given) at its size.
	 * @param spec what to run and where
	 * @return the connection, once the program runs
	 */
	Mono<ReactivePtyConnection> open(PtySpec spec);

	/**
	 * Attach to a session, starting its program if it does not run. Fails with an
	 * {@link io.opensandbox.spring.error.OpenSandboxApiException.Conflict} (code
	 * {@code ALREADY_CONNECTED}) when another client is attached and the options do not
	 * take over, and with a {@code NotFound} for an unknown session.
	 * @param sessionId the session
	 * @param options mode, offset and takeover
	 * @return the connection, once attached
	 */
	Mono<ReactivePtyConnection> attach(String sessionId, PtySpec.Attach options);

	/**
	 * A session's status.
	 * @param sessionId the session
	 * @return whether its program runs, and how much output it wrote
	 */
	Mono<PtyStatus> status(String sessionId);

	/**
	 * End a session and its program; an attached client gets the exit.
	 * @param sessionId the session
	 * @return completes when the server answered
	 */
	Mono<Void> delete(String sessionId);

}
