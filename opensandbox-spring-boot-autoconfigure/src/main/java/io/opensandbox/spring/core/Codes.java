package io.opensandbox.spring.core;

import java.util.List;
import java.util.stream.Stream;

import io.opensandbox.spring.model.CodeContext;
import io.opensandbox.spring.model.ExecutionEvent;

/**
 * The code interpreter of a sandbox; calls block the calling thread. The methods are
 * those of {@link ReactiveCodes}.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public interface Codes {

	/**
	 * Create a context.
	 * @param language the language, for example {@link CodeContext#PYTHON}
	 * @return the context
	 */
	CodeContext createContext(String language);

	/**
	 * Get a context.
	 * @param contextId the context id
	 * @return the context
	 */
	CodeContext context(String contextId);

	/**
	 * Every context.
	 * @return the contexts
	 */
	List<CodeContext> contexts();

	/**
	 * The contexts of a language.
	 * @param language the language
	 * @return the contexts
	 */
	List<CodeContext> contexts(String language);

	/**
	 * Delete a context.
	 * @param contextId the context id
	 */
	void deleteContext(String contextId);

	/**
	 * Delete every context of a language.
	 * @param language the language
	 */
	void deleteContexts(String language);

	/**
	 * Run code in the language's default context and wait for the result.
	 * @param language the language
	 * @param code the source code
	 * @return the execution, whatever its outcome
	 */
	Execution run(String language, String code);

	/**
	 * Run code in a context and wait for the result.
	 * @param context the context
	 * @param code the source code
	 * @return the execution, whatever its outcome
	 */
	Execution run(CodeContext context, String code);

	/**
	 * Run code in a context and stream its events; close the stream to interrupt it.
	 * @param context the context
	 * @param code the source code
	 * @return the events
	 */
	Stream<ExecutionEvent> stream(CodeContext context, String code);

	/**
	 * Interrupt the code running in a context.
	 * @param contextId the context id
	 */
	void interrupt(String contextId);

	/**
	 * The reactive twin.
	 * @return the reactive code interpreter
	 */
	ReactiveCodes reactive();

}
