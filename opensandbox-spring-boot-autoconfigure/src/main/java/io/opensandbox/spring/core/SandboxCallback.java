package io.opensandbox.spring.core;

/**
 * Work to do with a sandbox that lives only for the call; see
 * {@link SandboxOperations#execute}.
 *
 * @param <T> the result type
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
@FunctionalInterface
public interface SandboxCallback<T> {

	/**
	 * Use the sandbox.
	 * @param sandbox the sandbox, killed after this method returns or throws
	 * @return the result
	 * @throws Exception any failure, passed on to the caller
	 */
	T doInSandbox(Sandbox sandbox) throws Exception;

}
