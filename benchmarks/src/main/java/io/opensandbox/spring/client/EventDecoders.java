package io.opensandbox.spring.client;

import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;

import io.opensandbox.spring.model.ExecutionEvent;

/**
 * The two ways of decoding an execd event stream that the parser benchmark compares, on
 * the same line framing: the hand-written byte parser the client uses, and Jackson alone
 * (one {@code ObjectReader} reused for every line).
 *
 * @author OpenSandbox Spring Boot
 */
public final class EventDecoders {

	private EventDecoders() {
	}

	/**
	 * The client's decoder: byte scanner, hand-written parser, Jackson for rare lines.
	 */
	public static Flux<ExecutionEvent> custom(Flux<DataBuffer> body) {
		return ExecdStreamDecoder.decode(body);
	}

	/** The same byte scanner, every line read by Jackson. */
	public static Flux<ExecutionEvent> jackson(Flux<DataBuffer> body) {
		return ExecdStreamDecoder.decode(body, ExecdStreamDecoder.EventJson.class)
			.map(ExecdStreamDecoder.EventJson::toEvent);
	}

}
