package io.opensandbox.spring.core;

import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.model.CodeContext;
import io.opensandbox.spring.model.ExecutionEvent;

/**
 * The code interpreter of a sandbox, reactively: contexts keep state (variables, imports)
 * between runs, like notebook kernels. {@link Codes} is the blocking twin, with the same
 * methods.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public interface ReactiveCodes {

	/**
	 * Create a context.
	 * @param language the language, for example {@link CodeContext#PYTHON}
	 * @return the context
	 */
	Mono<CodeContext> createContext(String language);

	/**
	 * Get a context.
	 * @param contextId the context id
	 * @return the context
	 */
	Mono<CodeContext> context(String contextId);

	/**
	 * Every context.
	 * @return the contexts
	 */
	Mono<List<CodeContext>> contexts();

	/**
	 * The contexts of a language.
	 * @param language the language
	 * @return the contexts
	 */
	Mono<List<CodeContext>> contexts(String language);

	/**
	 * Delete a context.
	 * @param contextId the context id
	 * @return completes when deleted
	 */
	Mono<Void> deleteContext(String contextId);

	/**
	 * Delete every context of a language.
	 * @param language the language
	 * @return completes when deleted
	 */
	Mono<Void> deleteContexts(String language);

	/**
	 * Run code in the language's default context and collect the result.
	 * @param language the language, for example {@link CodeContext#PYTHON}
	 * @param code the source code
	 * @return the execution; an exception raised by the code is the outcome
	 * {@link Execution.Outcome#ERRORED ERRORED}, not an error
	 */
	Mono<Execution> run(String language, String code);

	/**
	 * Run code in a context and collect the result.
	 * @param context the context
	 * @param code the source code
	 * @return the execution
	 */
	Mono<Execution> run(CodeContext context, String code);

	/**
	 * Run code in a context and stream its events. Cancelling the subscription interrupts
	 * it.
	 * @param context the context
	 * @param code the source code
	 * @return the events
	 */
	Flux<ExecutionEvent> stream(CodeContext context, String code);

	/**
	 * Interrupt the code running in a context.
	 * @param contextId the context id
	 * @return completes when execd accepted the interrupt
	 */
	Mono<Void> interrupt(String contextId);

}
