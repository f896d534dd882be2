package io.opensandbox.spring.model;

/**
 * What the server says about a PTY session.
 *
 * @param sessionId the session's id
 * @param running whether its program runs (it starts on the first attach, and an attach
 * after it ended starts it again)
 * @param outputOffset the bytes of output so far: the offset the next byte will have
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record PtyStatus(String sessionId, boolean running, long outputOffset) {
}
