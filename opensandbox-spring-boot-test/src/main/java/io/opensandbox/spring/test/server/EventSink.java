package io.opensandbox.spring.test.server;

import java.util.List;
import java.util.Map;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The events of one execd stream, written by process reader threads and read by the HTTP
 * response. Emissions are serialised here, so any thread may write.
 *
 * @author OpenSandbox Spring Boot
 */
final class EventSink {

	private final Sinks.Many<Map<String, Object>> sink = Sinks.many().unicast().onBackpressureBuffer();

	private boolean done;

	synchronized void emit(Map<String, Object> event) {
		if (!this.done) {
			this.sink.tryEmitNext(event);
		}
	}

	synchronized void complete() {
		if (!this.done) {
			this.done = true;
			this.sink.tryEmitComplete();
		}
	}

	Flux<Map<String, Object>> events() {
		return this.sink.asFlux();
	}

	static Map<String, Object> event(String type, Object... keysAndValues) {
		Map<String, Object> event = Json.object(keysAndValues);
		Map<String, Object> result = Json.object("type", type);
		result.putAll(event);
		result.put("timestamp", System.currentTimeMillis());
		return result;
	}

	static Map<String, Object> ping() {
		return event("ping", "text", "pong");
	}

	static Map<String, Object> line(String type, String text) {
		return event(type, "text", text.isEmpty() ? "\n" : text);
	}

	static Map<String, Object> error(String name, String value, List<String> traceback) {
		return event("error", "error", Json.object("ename", name, "evalue", value, "traceback", traceback));
	}

}
