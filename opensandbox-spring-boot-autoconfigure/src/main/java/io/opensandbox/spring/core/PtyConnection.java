package io.opensandbox.spring.core;

import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.model.PtyOutput;
import io.opensandbox.spring.model.PtySpec;

/**
 * A client attached to a PTY session, blocking: each method blocks the caller's thread on
 * its {@link ReactivePtyConnection} twin, which has the details. Closing detaches; the
 * program keeps running.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public interface PtyConnection extends AutoCloseable {

	/**
	 * The session's id.
	 * @return the id
	 */
	String sessionId();

	/**
	 * Whether the program runs on a terminal or with pipes.
	 * @return the mode
	 */
	PtySpec.Mode mode();

	/**
	 * The program's output as a blocking stream, for one reader; close the stream to stop
	 * reading early.
	 * @return the output
	 */
	Stream<PtyOutput> output();

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
	ReactivePtyConnection reactive();

	/**
	 * Detach; the program keeps running.
	 */
	@Override
	void close();

}
