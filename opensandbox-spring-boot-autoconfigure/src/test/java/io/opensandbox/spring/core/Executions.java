package io.opensandbox.spring.core;

import java.util.List;

import reactor.core.publisher.Flux;

import io.opensandbox.spring.model.ExecutionEvent;

/**
 * Folds events into an {@link Execution} the way the commands and code APIs do, for tests
 * of the wire layer.
 *
 * @author OpenSandbox Spring Boot
 */
public final class Executions {

	private Executions() {
	}

	public static Execution of(List<ExecutionEvent> events) {
		return ExecutionCollector.collect(Flux.fromIterable(events), Long.MAX_VALUE, null).block();
	}

}
