package io.opensandbox.spring.core;

import java.util.function.Consumer;

import io.opensandbox.spring.model.SandboxSpec;

/**
 * Entry point for creating and using sandboxes, implemented by {@link SandboxTemplate}.
 * Methods block the calling thread; {@link #reactive()} gives the reactive twin.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public interface SandboxOperations {

	/**
	 * Create a sandbox with the configured defaults under the given specification, and
	 * wait until it is ready. If it does not become ready it is killed and a
	 * {@link io.opensandbox.spring.error.SandboxReadinessException} is thrown.
	 * @param spec the specification
	 * @return the ready sandbox; close it (or call {@link Sandbox#kill()}) when done
	 */
	Sandbox create(SandboxSpec spec);

	/**
	 * Create a sandbox and wait as told. If it does not become ready it is killed.
	 * @param spec the specification
	 * @param readiness how to wait for this sandbox, or {@link Readiness#skip()}
	 * @return the ready sandbox
	 */
	Sandbox create(SandboxSpec spec, Readiness readiness);

	/**
	 * Create a sandbox from a specification built by the customizer.
	 * @param customizer adjusts an empty specification builder
	 * @return the ready sandbox
	 */
	default Sandbox create(Consumer<SandboxSpec.Builder> customizer) {
		return create(SandboxSpec.builder().apply(customizer).build());
	}

	/**
	 * Connect to an existing sandbox and wait until it is ready, with the template's
	 * readiness. A sandbox that does not become ready is not killed.
	 * @param sandboxId the sandbox id
	 * @return the sandbox; an unknown id is an
	 * {@link io.opensandbox.spring.error.OpenSandboxApiException.NotFound}
	 */
	Sandbox connect(String sandboxId);

	/**
	 * Connect to an existing sandbox and wait as told.
	 * @param sandboxId the sandbox id
	 * @param readiness how to wait, or {@link Readiness#skip()} to take the sandbox as it
	 * is (for example paused)
	 * @return the sandbox
	 */
	Sandbox connect(String sandboxId, Readiness readiness);

	/**
	 * Create a sandbox, pass it to the callback, and kill it when the callback returns or
	 * throws. What the callback throws reaches the caller as it is, checked exceptions
	 * included.
	 * @param <T> the result type
	 * @param <E> what the callback may throw
	 * @param spec the specification
	 * @param callback the work
	 * @return the callback's result
	 * @throws E when the callback throws it
	 */
	<T, E extends Exception> T execute(SandboxSpec spec, SandboxCallback<T, E> callback) throws E;

	/**
	 * Run one command in a fresh sandbox of the given image, which is killed afterwards.
	 * @param image the image
	 * @param command the shell command
	 * @return the execution
	 */
	default Execution run(String image, String command) {
		return execute(SandboxSpec.ofImage(image), (sandbox) -> sandbox.commands().run(command));
	}

	/**
	 * The reactive twin.
	 * @return the reactive operations
	 */
	ReactiveSandboxOperations reactive();

}
