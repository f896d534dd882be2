package io.opensandbox.spring.core;

import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.model.CodeContext;
import io.opensandbox.spring.model.Execution;
import io.opensandbox.spring.model.ExecutionEvent;

/**
 * The code interpreter of a sandbox, reactively: contexts per language whose state
 * persists between runs, runs with the full MIME result map, interrupts.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class ReactiveCodes {

	private final ReactiveSandbox sandbox;

	ReactiveCodes(ReactiveSandbox sandbox) {
		this.sandbox = sandbox;
	}

	/**
	 * Create a context.
	 * @param language the language, for example {@link CodeContext#PYTHON}
	 * @return the context
	 */
	public Mono<CodeContext> createContext(String language) {
		Arguments.text(language, "Language");
		return this.sandbox.withExecd((execd) -> execd.createContext(language));
	}

	/**
	 * Get a context.
	 * @param contextId the context id
	 * @return the context
	 */
	public Mono<CodeContext> context(String contextId) {
		Arguments.text(contextId, "Context id");
		return this.sandbox.withExecd((execd) -> execd.getContext(contextId));
	}

	/**
	 * List contexts.
	 * @param language only this language, or {@code null} for all
	 * @return the contexts
	 */
	public Mono<List<CodeContext>> contexts(@Nullable String language) {
		return this.sandbox.withExecd((execd) -> execd.listContexts(language));
	}

	/**
	 * Delete a context.
	 * @param contextId the context id
	 * @return completes when deleted
	 */
	public Mono<Void> deleteContext(String contextId) {
		Arguments.text(contextId, "Context id");
		return this.sandbox.withExecd((execd) -> execd.deleteContext(contextId));
	}

	/**
	 * Delete every context of a language.
	 * @param language the language
	 * @return completes when deleted
	 */
	public Mono<Void> deleteContexts(String language) {
		Arguments.text(language, "Language");
		return this.sandbox.withExecd((execd) -> execd.deleteContexts(language));
	}

	/**
	 * Run code and collect the result.
	 * @param code the source code
	 * @param context the context, or {@link CodeContext#ofLanguage(String)}
	 * @return the execution
	 */
	public Mono<Execution> run(String code, CodeContext context) {
		return stream(code, context).collectList().map(Execution::of);
	}

	/**
	 * Run code and stream its events. Cancelling the subscription interrupts it.
	 * @param code the source code
	 * @param context the context, or {@link CodeContext#ofLanguage(String)}
	 * @return the events
	 */
	public Flux<ExecutionEvent> stream(String code, CodeContext context) {
		Arguments.text(code, "Code");
		Arguments.notNull(context, "Context");
		return this.sandbox.execdClient().flatMapMany((execd) -> execd.runCode(code, context));
	}

	/**
	 * Interrupt the code running in a context.
	 * @param contextId the context id
	 * @return completes when execd accepted the interrupt
	 */
	public Mono<Void> interrupt(String contextId) {
		Arguments.text(contextId, "Context id");
		return this.sandbox.withExecd((execd) -> execd.interruptCode(contextId));
	}

}
