package io.opensandbox.spring.core;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.model.PtyOutput;
import io.opensandbox.spring.model.PtySpec;

/**
 * A client attached to a PTY session. When the connection drops, it reconnects and
 * resumes at the last byte it delivered, so that no byte is lost or repeated; it fails
 * when the session was taken over by another client, was deleted, or the server no longer
 * keeps the bytes it missed. Closing detaches: the program keeps running. The blocking
 * twin is {@link PtyConnection}.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public interface ReactivePtyConnection {

	/**
	 * The session's id.
	 * @return the id
	 */
	String sessionId();

	/**
	 * Whether the program runs on a terminal or with pipes (the server says).
	 * @return the mode
	 */
	PtySpec.Mode mode();

	/**
	 * The program's output, for one subscriber, with backpressure: a subscriber that does
	 * not read holds the session's WebSocket (and the server keeps the rest). Completes
	 * when the program ended (then {@link #exitCode()} has its code) or the connection
	 * was closed; fails with an {@link io.opensandbox.spring.error.OpenSandboxException}
	 * when it cannot go on.
	 * @return the output
	 */
	Flux<PtyOutput> output();

	/**
	 * The program's exit code, when it ends while this client is attached; empty when the
	 * connection is closed first.
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
	 * Send a signal to the terminal's foreground job (pipe mode: the program's process
	 * group).
	 * @param signal the name, such as {@code SIGINT} or {@code SIGTERM}
	 * @return completes once the request is queued for the session
	 */
	Mono<Void> signal(String signal);

	/**
	 * The offset just past the last byte delivered: where to resume with
	 * {@link PtySpec.Attach#resumingAt(long)}.
	 * @return the offset
	 */
	long offset();

	/**
	 * Detach: the program keeps running, and a client can attach again. The server lets
	 * the client go a moment after the close: to attach again at once, take over.
	 * @return completes once the connection is closed
	 */
	Mono<Void> close();

}
