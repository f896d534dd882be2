package io.opensandbox.spring.core;

import io.opensandbox.spring.model.PtySpec;
import io.opensandbox.spring.model.PtyStatus;

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
	String create(PtySpec spec);

	/**
	 * Create a session and attach to it.
	 * @param spec what to run and where
	 * @return the connection, once the program runs
	 */
	PtyConnection open(PtySpec spec);

	/**
	 * Attach to a session, starting its program if it does not run.
	 * @param sessionId the session
	 * @param options mode, offset and takeover
	 * @return the connection
	 */
	PtyConnection attach(String sessionId, PtySpec.Attach options);

	/**
	 * A session's status.
	 * @param sessionId the session
	 * @return the status
	 */
	PtyStatus status(String sessionId);

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

}
