package io.opensandbox.spring.core;

import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.model.CodeContext;
import io.opensandbox.spring.model.ExecutionEvent;

/**
 * The {@link ReactiveCodes} of a {@link DefaultReactiveSandbox}.
 *
 * @author OpenSandbox Spring Boot
 */
final class DefaultReactiveCodes implements ReactiveCodes {

	private final DefaultReactiveSandbox sandbox;

	DefaultReactiveCodes(DefaultReactiveSandbox sandbox) {
		this.sandbox = sandbox;
	}

	@Override
	public Mono<CodeContext> createContext(String language) {
		Arguments.text(language, "Language");
		return this.sandbox.withExecd((execd) -> execd.createContext(language));
	}

	@Override
	public Mono<CodeContext> context(String contextId) {
		Arguments.text(contextId, "Context id");
		return this.sandbox.withExecd((execd) -> execd.getContext(contextId));
	}

	@Override
	public Mono<List<CodeContext>> contexts() {
		return this.sandbox.withExecd((execd) -> execd.listContexts(null));
	}

	@Override
	public Mono<List<CodeContext>> contexts(String language) {
		Arguments.text(language, "Language");
		return this.sandbox.withExecd((execd) -> execd.listContexts(language));
	}

	@Override
	public Mono<Void> deleteContext(String contextId) {
		Arguments.text(contextId, "Context id");
		return this.sandbox.withExecd((execd) -> execd.deleteContext(contextId));
	}

	@Override
	public Mono<Void> deleteContexts(String language) {
		Arguments.text(language, "Language");
		return this.sandbox.withExecd((execd) -> execd.deleteContexts(language));
	}

	@Override
	public Mono<Execution> run(String language, String code) {
		Arguments.text(language, "Language");
		return run(CodeContext.ofLanguage(language), code);
	}

	@Override
	public Mono<Execution> run(CodeContext context, String code) {
		return ExecutionCollector.collect(stream(context, code), this.sandbox.outputLimit(), null);
	}

	@Override
	public Flux<ExecutionEvent> stream(CodeContext context, String code) {
		Arguments.notNull(context, "Context");
		Arguments.text(code, "Code");
		return this.sandbox.execdClient().flatMapMany((execd) -> execd.runCode(code, context));
	}

	@Override
	public Mono<Void> interrupt(String contextId) {
		Arguments.text(contextId, "Context id");
		return this.sandbox.withExecd((execd) -> execd.interruptCode(contextId));
	}

}
