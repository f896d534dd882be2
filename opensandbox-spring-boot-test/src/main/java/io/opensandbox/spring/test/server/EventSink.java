package io.opensandbox.spring.test.server;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The events of one execd stream, written by process reader threads and read by the HTTP
 * response. Emissions are serialised here, so any thread may write. At most
 * {@link #CAPACITY} bytes of event text wait for the client at a time: a writer beyond
 * that blocks until the client has taken some, so that a slow client slows the process
 * that produces the output instead of growing the server's memory. A client that goes
 * away releases every writer; what they emit afterwards is dropped.
 *
 * @author OpenSandbox Spring Boot
 */
final class EventSink {

	/**
	 * Bytes of event text (approximately) held for one stream.
	 */
	static final int CAPACITY = 1024 * 1024;

	private static final int EVENT_OVERHEAD = 64;

	private final Sinks.Many<Costed> sink = Sinks.many().unicast().onBackpressureBuffer();

	private final Semaphore capacity = new Semaphore(CAPACITY);

	private volatile boolean cancelled;

	private boolean done;

	void emit(Map<String, Object> event) {
		int cost = cost(event);
		try {
			while (!this.capacity.tryAcquire(cost, 100, TimeUnit.MILLISECONDS)) {
				if (this.cancelled) {
					return;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		synchronized (this) {
			if (this.done || this.cancelled) {
				this.capacity.release(cost);
				return;
			}
			this.sink.tryEmitNext(new Costed(event, cost));
		}
	}

	synchronized void complete() {
		if (!this.done) {
			this.done = true;
			this.sink.tryEmitComplete();
		}
	}

	Flux<Map<String, Object>> events() {
		// A writer waiting for capacity sees the cancellation within its next wait.
		return this.sink.asFlux()
			.doOnNext((costed) -> this.capacity.release(costed.cost()))
			.map(Costed::event)
			.doOnCancel(() -> this.cancelled = true);
	}

	/**
	 * Whether the client has gone away.
	 * @return whether the stream was cancelled
	 */
	boolean isCancelled() {
		return this.cancelled;
	}

	private static int cost(Map<String, Object> event) {
		long length = 0;
		for (Object value : event.values()) {
			if (value instanceof String string) {
				length += string.length();
			}
			else if (value instanceof Map<?, ?> map) {
				for (Object inner : map.values()) {
					length += (inner instanceof String string) ? string.length() : 0;
				}
			}
		}
		return (int) Math.min(CAPACITY, EVENT_OVERHEAD + length);
	}

	static Map<String, Object> event(String type, @Nullable Object... keysAndValues) {
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

	/**
	 * An event and what it counts against the capacity.
	 */
	private record Costed(Map<String, Object> event, int cost) {
	}

}
