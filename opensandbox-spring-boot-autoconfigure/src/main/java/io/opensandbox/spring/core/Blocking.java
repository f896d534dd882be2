package io.opensandbox.spring.core;

import reactor.core.publisher.Mono;

/**
 * Waits for a result on the caller's thread, for the blocking facades. Reactor refuses to
 * block a non-blocking (event-loop) thread, so a facade used from one fails fast instead
 * of stalling the event loop.
 */
final class Blocking {

	private Blocking() {
	}

	static <T> T get(Mono<T> mono) {
		T result = mono.block();
		if (result == null) {
			throw new IllegalStateException("The server sent no response body");
		}
		return result;
	}

	static void run(Mono<?> mono) {
		mono.block();
	}

}
