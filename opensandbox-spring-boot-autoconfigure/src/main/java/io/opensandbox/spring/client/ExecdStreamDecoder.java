package io.opensandbox.spring.client;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;

import io.opensandbox.spring.error.OpenSandboxStreamException;
import io.opensandbox.spring.model.ExecutionError;
import io.opensandbox.spring.model.ExecutionEvent;

/**
 * Decodes execd's event streams ({@code POST /command}, {@code /code},
 * {@code /session/{id}/run}). execd answers {@code text/event-stream} but writes each
 * event as a bare JSON object on its own line, which Spring's SSE decoder silently drops.
 * This decoder reads lines straight from the network buffers: bare JSON lines and
 * {@code data:}-framed lines are events; blank lines, comments and {@code event:},
 * {@code id:}, {@code retry:} lines are skipped; a line that is not a JSON event is
 * logged at debug and skipped. Lines and multi-byte characters split across buffers are
 * joined before decoding. The common event lines are read straight from the bytes, the
 * rest with Jackson. Not thread-safe: use one instance per stream, as {@link #decode}
 * does.
 *
 * @param <T> what each line decodes to
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

	private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

	private static final long NEWLINES = 0x0a0a0a0a0a0a0a0aL;

	private byte[] pending = new byte[256];

	private int pendingLength;

	/** Where the bytes of a buffer without a backing array are copied, reused. */
	private byte[] scratch = new byte[0];

	private final LineParser<T> parser;

	private ExecdStreamDecoder(LineParser<T> parser) {
		this.parser = parser;
	}

	/**
	 * A decoder of execution events for one stream. The common event lines are read
	 * straight from the bytes ({@link ExecdEventParser}), the others with Jackson.
	 * @return the decoder
	 */
	static ExecdStreamDecoder<ExecutionEvent> events() {
		ExecdEventParser plain = new ExecdEventParser();
		ObjectReader reader = WireJson.MAPPER.readerFor(EventJson.class);
		return new ExecdStreamDecoder<>((bytes, offset, length) -> {
			ExecutionEvent event = plain.parse(bytes, offset, length);
			if (event != null) {
				return event;
			}
			EventJson json = readJson(reader, bytes, offset, length);
			return (json != null) ? json.toEvent() : null;
		});
	}

	/**
	 * A decoder of JSON lines into objects of a type, with Jackson, for one stream.
	 * @param <T> the target type
	 * @param type the target type
	 * @return the decoder
	 */
	static <T> ExecdStreamDecoder<T> of(Class<T> type) {
		ObjectReader reader = WireJson.MAPPER.readerFor(type);
		return new ExecdStreamDecoder<>((bytes, offset, length) -> readJson(reader, bytes, offset, length));
	}

	/**
	 * Decode a body into events. Each subscription decodes with its own state; buffers
	 * are released as they are read.
	 * @param body the response body
	 * @return the events, in order
	 */
	public static Flux<ExecutionEvent> decode(Flux<DataBuffer> body) {
		return decode(body, ExecdStreamDecoder::events);
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
		return decode(body, () -> of(type));
	}

	private static <T> Flux<T> decode(Flux<DataBuffer> body, Supplier<ExecdStreamDecoder<T>> decoders) {
		return Flux.defer(() -> {
			ExecdStreamDecoder<T> decoder = decoders.get();
			return body.concatMapIterable(decoder::feed)
				.concatWith(Flux.defer(() -> Flux.fromIterable(decoder.finish())));
		});
	}

	/**
	 * Decode the complete lines in a buffer, keeping a trailing partial line for later.
	 * The buffer is released. All the events of one network buffer are decoded at once,
	 * so that what watches a stream can look at them once per buffer rather than once per
	 * event.
	 * @param buffer the next buffer of the body
	 * @return the events completed by this buffer
	 */
	List<T> feed(DataBuffer buffer) {
		try {
			List<T> events = new ArrayList<>();
			try (DataBuffer.ByteBufferIterator iterator = buffer.readableByteBuffers()) {
				while (iterator.hasNext()) {
					ByteBuffer bytes = iterator.next();
					if (bytes.hasArray()) {
						feed(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining(), events);
					}
					else {
						int length = bytes.remaining();
						if (this.scratch.length < length) {
							this.scratch = new byte[Math.max(length, 8192)];
						}
						bytes.get(this.scratch, 0, length);
						feed(this.scratch, 0, length, events);
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
		for (int i = indexOfNewline(bytes, offset, end); i >= 0; i = indexOfNewline(bytes, lineStart, end)) {
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
		append(bytes, lineStart, end - lineStart);
	}

	/*
	 * The index of the first line feed in a range, or -1. Looks at eight bytes at a time:
	 * a byte of {@code word ^ 0x0a0a...} is zero where the word holds a line feed, and
	 * {@code (x - 0x0101...) & ~x & 0x8080...} marks the lowest zero byte exactly.
	 */
	static int indexOfNewline(byte[] bytes, int from, int end) {
		int i = from;
		for (; i + Long.BYTES <= end; i += Long.BYTES) {
			long word = ((long) WORDS.get(bytes, i)) ^ NEWLINES;
			long found = (word - 0x0101010101010101L) & ~word & 0x8080808080808080L;
			if (found != 0) {
				return i + (Long.numberOfTrailingZeros(found) >>> 3);
			}
		}
		for (; i < end; i++) {
			if (bytes[i] == '\n') {
				return i;
			}
		}
		return -1;
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
		if (start == end) {
			return;
		}
		if (bytes[start] == '{') {
			// The usual line: a bare JSON event
			T event = this.parser.parse(bytes, start, end - start);
			if (event != null) {
				events.add(event);
			}
			return;
		}
		if (bytes[start] == ':' || startsWithAny(bytes, start, end)) {
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
		return this.parser.parse(bytes, offset, length);
	}

	private static <T> @Nullable T readJson(ObjectReader reader, byte[] bytes, int offset, int length) {
		try {
			return reader.readValue(bytes, offset, length);
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

	/*
	 * Makes one object of a line that starts with <code>{</code>.
	 */
	@FunctionalInterface
	interface LineParser<T> {

		/**
		 * Parse a line.
		 * @param bytes the bytes holding the line
		 * @param offset where the line starts
		 * @param length its length
		 * @return the object, or {@code null} if the line is skipped
		 */
		@Nullable T parse(byte[] bytes, int offset, int length);

	}

	/*
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

	/*
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
