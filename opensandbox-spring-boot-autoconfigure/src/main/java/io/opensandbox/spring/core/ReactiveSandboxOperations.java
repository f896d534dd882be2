package io.opensandbox.spring.core;

import java.util.function.Consumer;
import java.util.function.Function;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.model.SandboxSpec;

/**
 * Reactive entry point for creating and using sandboxes; {@link SandboxOperations} is the
 * blocking twin.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public interface ReactiveSandboxOperations {

	/**
	 * Create a sandbox with the configured defaults under the given specification, and
	 * wait until it is ready. If it does not become ready, it is killed and a
	 * {@link io.opensandbox.spring.error.SandboxReadinessException} is signalled.
	 * @param spec the specification
	 * @return the ready sandbox
	 */
	Mono<ReactiveSandbox> create(SandboxSpec spec);

	/**
	 * Create a sandbox and wait as told. If it does not become ready it is killed.
	 * @param spec the specification
	 * @param readiness how to wait for this sandbox, or {@link Readiness#skip()}
	 * @return the ready sandbox
	 */
	Mono<ReactiveSandbox> create(SandboxSpec spec, Readiness readiness);

	/**
	 * Create a sandbox from a specification built by the customizer.
	 * @param customizer adjusts an empty specification builder
	 * @return the ready sandbox
	 */
	default Mono<ReactiveSandbox> create(Consumer<SandboxSpec.Builder> customizer) {
		return Mono.fromSupplier(() -> SandboxSpec.builder().apply(customizer).build()).flatMap(this::create);
	}

	/**
	 * Connect to an existing sandbox and wait until it is ready, with the template's
	 * readiness. A sandbox that does not become ready is not killed.
	 * @param sandboxId the sandbox id
	 * @return the sandbox; an unknown id is an
	 * {@link io.opensandbox.spring.error.OpenSandboxApiException.NotFound}
	 */
	Mono<ReactiveSandbox> connect(String sandboxId);

	/**
	 * Connect to an existing sandbox and wait as told.
	 * @param sandboxId the sandbox id
	 * @param readiness how to wait, or {@link Readiness#skip()} to take the sandbox as it
	 * is (for example paused)
	 * @return the sandbox
	 */
	Mono<ReactiveSandbox> connect(String sandboxId, Readiness readiness);

	/**
	 * Create a sandbox, use it, and kill it when the callback's publisher completes,
	 * fails or is cancelled.
	 * @param <T> the result type
	 * @param spec the specification
	 * @param callback the work
	 * @return the callback's results
	 */
	<T> Flux<T> execute(SandboxSpec spec, Function<ReactiveSandbox, ? extends Publisher<T>> callback);

	/**
	 * Run one command in a fresh sandbox of the given image, which is killed afterwards.
	 * @param image the image
	 * @param command the shell command
	 * @return the execution
	 */
	default Mono<Execution> run(String image, String command) {
		return execute(SandboxSpec.ofImage(image), (sandbox) -> sandbox.commands().run(command)).single();
	}

}
