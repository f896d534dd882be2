package io.opensandbox.spring.core;

import java.util.stream.Stream;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.error.OpenSandboxProtocolException;

/**
 * Waits for a result on the caller's thread, for the blocking twins. Reactor refuses to
 * block a non-blocking (event-loop) thread, so a blocking call made from one fails fast
 * instead of stalling the event loop.
 *
 * @author OpenSandbox Spring Boot
 */
final class Blocking {

	private Blocking() {
	}

	static <T> T get(Mono<T> mono) {
		T result = mono.block();
		if (result == null) {
			throw new OpenSandboxProtocolException("The server sent no response body", null);
		}
		return result;
	}

	static void run(Mono<?> mono) {
		mono.block();
	}

	/*
	 * The elements as a stream that blocks the caller while it waits for the next one;
	 * closing the stream cancels the subscription.
	 */
	static <T> Stream<T> stream(Flux<T> flux) {
		return flux.toStream(1);
	}

}
