package io.opensandbox.spring.core;

import java.time.Duration;

import io.opensandbox.spring.model.SandboxSpec;

/**
 * The blocking twin of {@link ReactiveSandboxPool}: warm sandboxes, handed out at once.
 * <pre class="code">
 * try (Sandbox sandbox = pool.acquire()) {
 *     sandbox.commands().run("python3 task.py");
 * } // killed: the pool refills in the background
 * </pre>
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public interface SandboxPool {

	/**
	 * The pool's name.
	 * @return the name
	 */
	String name();

	/**
	 * The specification of the pool's sandboxes, merged over its template's defaults.
	 * @return the specification
	 */
	SandboxSpec spec();

	/**
	 * A ready sandbox, within the pool's acquire timeout.
	 * @return the sandbox
	 * @throws io.opensandbox.spring.error.OpenSandboxTimeoutException when none could be
	 * had in time
	 */
	Sandbox acquire();

	/**
	 * A ready sandbox, within the given timeout.
	 * @param timeout the longest wait
	 * @return the sandbox
	 * @throws io.opensandbox.spring.error.OpenSandboxTimeoutException when none could be
	 * had in time
	 */
	Sandbox acquire(Duration timeout);

	/**
	 * Give a sandbox back: it is killed, and the pool refills in the background.
	 * @param sandbox a sandbox this pool handed out
	 */
	void release(Sandbox sandbox);

	/**
	 * Acquire a sandbox, hand it to the callback and release it, however the callback
	 * ends.
	 * @param <T> the callback's result type
	 * @param <E> the callback's checked exception
	 * @param callback what to do with the sandbox
	 * @return the callback's result
	 * @throws E what the callback throws
	 */
	<T, E extends Exception> T execute(SandboxCallback<T, E> callback) throws E;

	/**
	 * What the pool holds and does now.
	 * @return the status
	 */
	ReactiveSandboxPool.Status status();

	/**
	 * Kill the idle sandboxes and stop the upkeep.
	 */
	void close();

	/**
	 * The reactive pool behind this one.
	 * @return the reactive pool
	 */
	ReactiveSandboxPool reactive();

	/**
	 * The blocking twin of a reactive pool.
	 * @param reactive the reactive pool
	 * @return the blocking pool
	 */
	static SandboxPool of(ReactiveSandboxPool reactive) {
		return new DefaultSandboxPool(reactive);
	}

}
