package io.opensandbox.spring.core;

import java.util.List;
import java.util.stream.Stream;

import io.opensandbox.spring.model.CodeContext;
import io.opensandbox.spring.model.ExecutionEvent;

/**
 * {@link Codes} that block on a {@link ReactiveCodes}.
 *
 * @author OpenSandbox Spring Boot
 */
final class DefaultCodes implements Codes {

	private final ReactiveCodes reactive;

	DefaultCodes(ReactiveCodes reactive) {
		this.reactive = reactive;
	}

	@Override
	public CodeContext createContext(String language) {
		return Blocking.get(this.reactive.createContext(language));
	}

	@Override
	public CodeContext context(String contextId) {
		return Blocking.get(this.reactive.context(contextId));
	}

	@Override
	public List<CodeContext> contexts() {
		return Blocking.get(this.reactive.contexts());
	}

	@Override
	public List<CodeContext> contexts(String language) {
		return Blocking.get(this.reactive.contexts(language));
	}

	@Override
	public void deleteContext(String contextId) {
		Blocking.run(this.reactive.deleteContext(contextId));
	}

	@Override
	public void deleteContexts(String language) {
		Blocking.run(this.reactive.deleteContexts(language));
	}

	@Override
	public Execution run(String language, String code) {
		return Blocking.get(this.reactive.run(language, code));
	}

	@Override
	public Execution run(CodeContext context, String code) {
		return Blocking.get(this.reactive.run(context, code));
	}

	@Override
	public Stream<ExecutionEvent> stream(CodeContext context, String code) {
		return Blocking.stream(this.reactive.stream(context, code));
	}

	@Override
	public void interrupt(String contextId) {
		Blocking.run(this.reactive.interrupt(contextId));
	}

	@Override
	public ReactiveCodes reactive() {
		return this.reactive;
	}

}
