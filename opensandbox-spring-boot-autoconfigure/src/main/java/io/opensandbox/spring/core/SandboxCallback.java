package io.opensandbox.spring.core;

/**
 * Work to do with a sandbox that lives only for the call; see
 * {@link SandboxOperations#execute}.
 *
 * @param <T> the result type
 * @param <E> what the work may throw, passed on to the caller as it is
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
@FunctionalInterface
public interface SandboxCallback<T, E extends Exception> {

	/**
	 * Use the sandbox.
	 * @param sandbox the sandbox, killed after this method returns or throws
	 * @return the result
	 * @throws E a failure, passed on to the caller
	 */
	T doInSandbox(Sandbox sandbox) throws E;

}
