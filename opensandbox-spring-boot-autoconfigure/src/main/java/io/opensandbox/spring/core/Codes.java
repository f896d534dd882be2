package io.opensandbox.spring.core;

import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

import io.opensandbox.spring.model.CodeContext;
import io.opensandbox.spring.model.Execution;
import io.opensandbox.spring.model.ExecutionEvent;

/**
 * The code interpreter of a sandbox: contexts whose state persists between runs, runs
 * with the full MIME result map, interrupts.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class Codes {

	private final ReactiveCodes reactive;

	Codes(ReactiveCodes reactive) {
		this.reactive = reactive;
	}

	/**
	 * Create a context.
	 * @param language the language, for example {@link CodeContext#PYTHON}
	 * @return the context
	 */
	public CodeContext createContext(String language) {
		return Blocking.get(this.reactive.createContext(language));
	}

	/**
	 * Get a context.
	 * @param contextId the context id
	 * @return the context
	 */
	public CodeContext context(String contextId) {
		return Blocking.get(this.reactive.context(contextId));
	}

	/**
	 * List contexts.
	 * @param language only this language, or {@code null} for all
	 * @return the contexts
	 */
	public List<CodeContext> contexts(@Nullable String language) {
		return Blocking.get(this.reactive.contexts(language));
	}

	/**
	 * Delete a context.
	 * @param contextId the context id
	 */
	public void deleteContext(String contextId) {
		Blocking.run(this.reactive.deleteContext(contextId));
	}

	/**
	 * Delete every context of a language.
	 * @param language the language
	 */
	public void deleteContexts(String language) {
		Blocking.run(this.reactive.deleteContexts(language));
	}

	/**
	 * Run code in a language's default context and wait for the result.
	 * @param language the language
	 * @param code the source code
	 * @return the execution
	 */
	public Execution run(String language, String code) {
		return run(code, CodeContext.ofLanguage(language));
	}

	/**
	 * Run code and wait for the result.
	 * @param code the source code
	 * @param context the context
	 * @return the execution
	 */
	public Execution run(String code, CodeContext context) {
		return Blocking.get(this.reactive.run(code, context));
	}

	/**
	 * Run code and stream its events. Cancelling the subscription interrupts it.
	 * @param code the source code
	 * @param context the context
	 * @return the events
	 */
	public Flux<ExecutionEvent> stream(String code, CodeContext context) {
		return this.reactive.stream(code, context);
	}

	/**
	 * Interrupt the code running in a context.
	 * @param contextId the context id
	 */
	public void interrupt(String contextId) {
		Blocking.run(this.reactive.interrupt(contextId));
	}

}
