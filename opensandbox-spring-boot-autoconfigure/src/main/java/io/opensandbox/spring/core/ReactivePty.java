package io.opensandbox.spring.core;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.model.PtySession;

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
	Mono<String> create(PtySession.Spec spec);

	/**
	 * Create a session and attach to it, in the spec's mode and (if given) at its size.
	 * @param spec what to run and where
	 * @return the connection, once the program runs
	 */
	Mono<ReactivePty.Connection> open(PtySession.Spec spec);

	/**
	 * Attach to a session, starting its program if it does not run. Fails with an
	 * {@link io.opensandbox.spring.error.OpenSandboxApiException.Conflict} (code
	 * {@code ALREADY_CONNECTED}) when another client is attached and the options do not
	 * take over, and with a {@code NotFound} for an unknown session.
	 * @param sessionId the session
	 * @param options mode, offset and takeover
	 * @return the connection, once attached
	 */
	Mono<ReactivePty.Connection> attach(String sessionId, PtySession.Attach options);

	/**
	 * A session's status.
	 * @param sessionId the session
	 * @return whether its program runs, and how much output it wrote
	 */
	Mono<PtySession> status(String sessionId);

	/**
	 * End a session and its program; an attached client gets the exit.
	 * @param sessionId the session
	 * @return completes when the server answered
	 */
	Mono<Void> delete(String sessionId);

	/**
	 * A client attached to a PTY session. When the connection drops, it reconnects and
	 * resumes at the last byte it delivered, so that no byte is lost or repeated; it
	 * fails when the session was taken over by another client, was deleted, or the server
	 * no longer keeps the bytes it missed. Closing detaches: the program keeps running.
	 * The blocking twin is {@link Pty.Connection}.
	 *
	 */
	interface Connection {

		/**
		 * The session's id.
		 * @return the id
		 */
		String sessionId();

		/**
		 * Whether the program runs on a terminal or with pipes (the server says).
		 * @return the mode
		 */
		PtySession.Mode mode();

		/**
		 * The program's output, for one subscriber, with backpressure: a subscriber that
		 * does not read holds the session's WebSocket (and the server keeps the rest).
		 * Completes when the program ended (then {@link #exitCode()} has its code) or the
		 * connection was closed; fails with an
		 * {@link io.opensandbox.spring.error.OpenSandboxException} when it cannot go on.
		 * @return the output
		 */
		Flux<PtySession.Output> output();

		/**
		 * The program's exit code, when it ends while this client is attached; empty when
		 * the connection is closed first.
		 * @return the exit code
		 */
		Mono<Integer> exitCode();

		/**
		 * Send input; on a terminal, control characters act as keys do ({@code \u0003} is
		 * Ctrl-C).
		 * @param input the bytes
		 * @return completes once the input is queued for the session
		 */
		Mono<Void> write(byte[] input);

		/**
		 * Send text as UTF-8.
		 * @param text the text, such as {@code "ls\n"}
		 * @return completes once the input is queued for the session
		 */
		Mono<Void> write(String text);

		/**
		 * Resize the terminal; the program gets {@code SIGWINCH}. Ignored in pipe mode.
		 * @param columns the width
		 * @param rows the height
		 * @return completes once the request is queued for the session
		 */
		Mono<Void> resize(int columns, int rows);

		/**
		 * Send a signal to the terminal's foreground job (pipe mode: the program's
		 * process group).
		 * @param signal the name, such as {@code SIGINT} or {@code SIGTERM}
		 * @return completes once the request is queued for the session
		 */
		Mono<Void> signal(String signal);

		/**
		 * The offset just past the last byte delivered: where to resume with
		 * {@link PtySession.Attach#resumingAt(long)}.
		 * @return the offset
		 */
		long offset();

		/**
		 * Detach: the program keeps running, and a client can attach again. The server
		 * lets the client go a moment after the close: to attach again at once, take
		 * over.
		 * @return completes once the connection is closed
		 */
		Mono<Void> close();

	}

}
