package io.opensandbox.spring.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

import io.opensandbox.spring.error.OpenSandboxStreamException;
import io.opensandbox.spring.model.ExecutionError;
import io.opensandbox.spring.model.ExecutionEvent;

/**
 * Decodes execd's event streams ({@code POST /command}, {@code /code},
 * {@code /session/{id}/run}). execd answers {@code text/event-stream} but writes each event
 * as a bare JSON object on its own line, which Spring's SSE decoder silently drops. This
 * decoder reads lines straight from the network buffers: bare JSON lines and
 * {@code data:}-framed lines are events; blank lines, comments and {@code event:},
 * {@code id:}, {@code retry:} lines are skipped; a line that is not a JSON event is logged
 * at debug and skipped. Lines and multi-byte characters split across buffers are joined
 * before decoding. Not thread-safe: use one instance per stream, as {@link #decode} does.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public final class ExecdStreamDecoder<T> {

	private static final Log logger = LogFactory.getLog(ExecdStreamDecoder.class);

	/**
	 * Longest line accepted: execd sends one output line per event, so only a broken or
	 * hostile stream sends more without a line break.
	 */
	static final int MAX_LINE_LENGTH = 16 * 1024 * 1024;

	private static final byte[] DATA_PREFIX = "data:".getBytes(StandardCharsets.US_ASCII);

	private static final byte[][] SKIPPED_PREFIXES = { "event:".getBytes(StandardCharsets.US_ASCII),
			"id:".getBytes(StandardCharsets.US_ASCII), "retry:".getBytes(StandardCharsets.US_ASCII) };

	private byte[] pending = new byte[256];

	private int pendingLength;

	private final ObjectReader reader;

	private ExecdStreamDecoder(Class<T> type) {
		this.reader = WireJson.MAPPER.readerFor(type);
	}

	/**
	 * Decode a body into events. Each subscription decodes with its own state; buffers are
	 * released as they are read.
	 * @param body the response body
	 * @return the events, in order
	 */
	public static Flux<ExecutionEvent> decode(Flux<DataBuffer> body) {
		return decode(body, EventJson.class).map(EventJson::toEvent);
	}

	/**
	 * Decode a body of JSON lines into objects of the given type (used for
	 * {@code /metrics/watch}, which frames its JSON the same way).
	 * @param <T> the target type
	 * @param body the response body
	 * @param type the target type
	 * @return the objects, in order
	 */
	static <T> Flux<T> decode(Flux<DataBuffer> body, Class<T> type) {
		return Flux.defer(() -> {
			ExecdStreamDecoder<T> decoder = new ExecdStreamDecoder<>(type);
			return body.concatMapIterable(decoder::feed)
				.concatWith(Flux.defer(() -> Flux.fromIterable(decoder.finish())));
		});
	}

	/**
	 * Decode the complete lines in a buffer, keeping a trailing partial line for later.
	 * The buffer is released.
	 * @param buffer the next buffer of the body
	 * @return the events completed by this buffer
	 */
	List<T> feed(DataBuffer buffer) {
		try {
			List<T> events = new ArrayList<>();
			try (DataBuffer.ByteBufferIterator iterator = buffer.readableByteBuffers()) {
				while (iterator.hasNext()) {
					java.nio.ByteBuffer bytes = iterator.next();
					if (bytes.hasArray()) {
						feed(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining(), events);
					}
					else {
						byte[] copy = new byte[bytes.remaining()];
						bytes.get(copy);
						feed(copy, 0, copy.length, events);
					}
				}
			}
			return events;
		}
		finally {
			DataBufferUtils.release(buffer);
		}
	}

	private void feed(byte[] bytes, int offset, int length, List<T> events) {
		int lineStart = offset;
		int end = offset + length;
		for (int i = offset; i < end; i++) {
			if (bytes[i] == '\n') {
				if (this.pendingLength == 0) {
					line(bytes, lineStart, i - lineStart, events);
				}
				else {
					append(bytes, lineStart, i - lineStart);
					line(this.pending, 0, this.pendingLength, events);
					this.pendingLength = 0;
				}
				lineStart = i + 1;
			}
		}
		append(bytes, lineStart, end - lineStart);
	}

	/**
	 * Decode what is left when the body ends: a last line without a terminator.
	 * @return the last event, if any
	 */
	List<T> finish() {
		List<T> events = new ArrayList<>(1);
		if (this.pendingLength > 0) {
			line(this.pending, 0, this.pendingLength, events);
			this.pendingLength = 0;
		}
		return events;
	}

	private void append(byte[] bytes, int offset, int length) {
		if (length == 0) {
			return;
		}
		if (this.pendingLength + length > MAX_LINE_LENGTH) {
			throw new OpenSandboxStreamException("An execd stream line exceeds " + MAX_LINE_LENGTH
					+ " bytes without a line break; the stream is not an event stream", null);
		}
		if (this.pendingLength + length > this.pending.length) {
			this.pending = Arrays.copyOf(this.pending, Math.max(this.pending.length * 2, this.pendingLength + length));
		}
		System.arraycopy(bytes, offset, this.pending, this.pendingLength, length);
		this.pendingLength += length;
	}

	private void line(byte[] bytes, int offset, int length, List<T> events) {
		int start = offset;
		int end = offset + length;
		if (end > start && bytes[end - 1] == '\r') {
			end--;
		}
		while (start < end && (bytes[start] == ' ' || bytes[start] == '\t')) {
			start++;
		}
		if (start == end || bytes[start] == ':' || startsWithAny(bytes, start, end)) {
			return;
		}
		if (startsWith(bytes, start, end, DATA_PREFIX)) {
			start += DATA_PREFIX.length;
			while (start < end && bytes[start] == ' ') {
				start++;
			}
			if (start == end) {
				return;
			}
		}
		T event = parse(bytes, start, end - start);
		if (event != null) {
			events.add(event);
		}
	}

	private static boolean startsWithAny(byte[] bytes, int start, int end) {
		for (byte[] prefix : SKIPPED_PREFIXES) {
			if (startsWith(bytes, start, end, prefix)) {
				return true;
			}
		}
		return false;
	}

	private static boolean startsWith(byte[] bytes, int start, int end, byte[] prefix) {
		if (end - start < prefix.length) {
			return false;
		}
		for (int i = 0; i < prefix.length; i++) {
			if (bytes[start + i] != prefix[i]) {
				return false;
			}
		}
		return true;
	}

	private @Nullable T parse(byte[] bytes, int offset, int length) {
		if (bytes[offset] != '{') {
			skip(bytes, offset, length, null);
			return null;
		}
		try {
			return this.reader.readValue(bytes, offset, length);
		}
		catch (JacksonException ex) {
			skip(bytes, offset, length, ex);
			return null;
		}
	}

	private static void skip(byte[] bytes, int offset, int length, @Nullable JacksonException cause) {
		if (logger.isDebugEnabled()) {
			String line = new String(bytes, offset, Math.min(length, 200), StandardCharsets.UTF_8);
			logger.debug("Skipping a line that is not an execd event: " + line
					+ ((cause != null) ? " (" + cause.getOriginalMessage() + ")" : ""));
		}
	}

	/**
	 * execd's event as JSON.
	 */
	record EventJson(@Nullable String type, @Nullable Long timestamp, @Nullable String text,
			@Nullable Map<String, Object> results, @Nullable Integer execution_count, @Nullable Long execution_time,
			@Nullable ErrorJson error) {

		ExecutionEvent toEvent() {
			return new ExecutionEvent(ExecutionEvent.Type.fromWireValue(this.type),
					(this.timestamp != null) ? Instant.ofEpochMilli(this.timestamp) : null, this.text,
					withoutNulls(this.results), this.execution_count,
					(this.execution_time != null) ? Duration.ofMillis(this.execution_time) : null,
					(this.error != null) ? this.error.toError() : null);
		}

		private static Map<String, Object> withoutNulls(@Nullable Map<String, Object> map) {
			if (map == null || map.isEmpty()) {
				return Map.of();
			}
			Map<String, Object> result = new LinkedHashMap<>();
			map.forEach((key, value) -> {
				if (key != null && value != null) {
					result.put(key, value);
				}
			});
			return result;
		}

	}

	/**
	 * execd's error object.
	 */
	record ErrorJson(@Nullable String ename, @Nullable String evalue, @Nullable List<String> traceback) {

		ExecutionError toError() {
			return new ExecutionError((this.ename != null) ? this.ename : "", (this.evalue != null) ? this.evalue : "",
					(this.traceback != null) ? this.traceback.stream().filter((line) -> line != null).toList()
							: List.of());
		}

	}

}
