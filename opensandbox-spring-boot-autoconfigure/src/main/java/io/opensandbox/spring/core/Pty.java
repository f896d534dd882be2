package io.opensandbox.spring.core;

import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.model.PtySession;

/**
 * Interactive terminals in a sandbox, blocking: each method blocks the caller's thread on
 * its {@link ReactivePty} twin, which has the details.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 * @see Sandbox#pty()
 */
public interface Pty {

	/**
	 * Create a session; its program starts on the first attach.
	 * @param spec what to run and where
	 * @return the session's id
	 */
	String create(PtySession.Spec spec);

	/**
	 * Create a session and attach to it.
	 * @param spec what to run and where
	 * @return the connection, once the program runs
	 */
	Pty.Connection open(PtySession.Spec spec);

	/**
	 * Attach to a session, starting its program if it does not run.
	 * @param sessionId the session
	 * @param options mode, offset and takeover
	 * @return the connection
	 */
	Pty.Connection attach(String sessionId, PtySession.Attach options);

	/**
	 * A session's status.
	 * @param sessionId the session
	 * @return the status
	 */
	PtySession status(String sessionId);

	/**
	 * End a session and its program.
	 * @param sessionId the session
	 */
	void delete(String sessionId);

	/**
	 * The reactive twin.
	 * @return the reactive API
	 */
	ReactivePty reactive();

	/**
	 * A client attached to a PTY session, blocking: each method blocks the caller's
	 * thread on its {@link ReactivePty.Connection} twin, which has the details. Closing
	 * detaches; the program keeps running.
	 *
	 */
	interface Connection extends AutoCloseable {

		/**
		 * The session's id.
		 * @return the id
		 */
		String sessionId();

		/**
		 * Whether the program runs on a terminal or with pipes.
		 * @return the mode
		 */
		PtySession.Mode mode();

		/**
		 * The program's output as a blocking stream, for one reader; close the stream to
		 * stop reading early.
		 * @return the output
		 */
		Stream<PtySession.Output> output();

		/**
		 * Wait for the program to end.
		 * @return its exit code, or {@code null} when the connection was closed first
		 */
		@Nullable Integer exitCode();

		/**
		 * Send input.
		 * @param input the bytes
		 */
		void write(byte[] input);

		/**
		 * Send text as UTF-8.
		 * @param text the text
		 */
		void write(String text);

		/**
		 * Resize the terminal.
		 * @param columns the width
		 * @param rows the height
		 */
		void resize(int columns, int rows);

		/**
		 * Send a signal to the foreground job.
		 * @param signal the name, such as {@code SIGINT}
		 */
		void signal(String signal);

		/**
		 * The offset just past the last byte delivered.
		 * @return the offset
		 */
		long offset();

		/**
		 * The reactive twin.
		 * @return the reactive connection
		 */
		ReactivePty.Connection reactive();

		/**
		 * Detach; the program keeps running.
		 */
		@Override
		void close();

	}

}
