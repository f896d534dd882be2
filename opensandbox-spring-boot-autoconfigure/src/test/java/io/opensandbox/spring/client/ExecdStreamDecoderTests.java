package io.opensandbox.spring.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import reactor.core.publisher.Flux;

import io.opensandbox.spring.model.ExecutionEvent;
import io.opensandbox.spring.model.ExecutionEvent.Type;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decoding execd's event streams: bare JSON lines (what execd really sends),
 * {@code data:}-framed lines, noise to skip, and bodies split at any byte.
 *
 * @author OpenSandbox Spring Boot
 */
class ExecdStreamDecoderTests {

	private static final String COMMAND_STREAM = """
			{"type":"init","text":"cmd-1","timestamp":1700000000000}

			{"type":"stdout","text":"héllo ✓ 😀","timestamp":1700000000001}

			{"type":"stderr","text":"warning","timestamp":1700000000002}

			{"type":"ping","timestamp":1700000000003}

			{"type":"execution_complete","timestamp":1700000000004,"execution_time":42}

			""";

	@Test
	void decodesBareJsonEventsSeparatedByBlankLines() {
		List<ExecutionEvent> events = decode(COMMAND_STREAM.getBytes(StandardCharsets.UTF_8));
		assertThat(events).extracting(ExecutionEvent::type)
			.containsExactly(Type.INIT, Type.STDOUT, Type.STDERR, Type.PING, Type.EXECUTION_COMPLETE);
		assertThat(events.get(0).text()).isEqualTo("cmd-1");
		assertThat(events.get(1).text()).isEqualTo("héllo ✓ 😀");
		assertThat(events.get(1).timestamp()).isEqualTo(Instant.ofEpochMilli(1700000000001L));
		assertThat(events.get(4).executionTime()).isEqualTo(Duration.ofMillis(42));
		assertThat(events.get(4).isTerminal()).isTrue();
	}

	@Test
	void decodesTheSameEventsWhateverByteTheBodyIsSplitAt() {
		byte[] body = COMMAND_STREAM.getBytes(StandardCharsets.UTF_8);
		List<ExecutionEvent> whole = decode(body);
		for (int split = 1; split < body.length; split++) {
			List<ExecutionEvent> events = decode(slice(body, 0, split), slice(body, split, body.length));
			assertThat(events).as("split at byte %d", split).isEqualTo(whole);
		}
	}

	@Test
	void decodesABodyArrivingOneByteAtATime() {
		byte[] body = COMMAND_STREAM.getBytes(StandardCharsets.UTF_8);
		byte[][] chunks = new byte[body.length][];
		for (int i = 0; i < body.length; i++) {
			chunks[i] = new byte[] { body[i] };
		}
		assertThat(decode(chunks)).isEqualTo(decode(body));
	}

	@Test
	void decodesDataFramedEventsAndSkipsOtherSseFields() {
		String body = """
				: a comment
				event: message
				id: 7
				retry: 1000
				data: {"type":"stdout","text":"framed"}

				data:{"type":"execution_complete"}
				""";
		assertThat(decode(body.getBytes(StandardCharsets.UTF_8))).extracting(ExecutionEvent::type, ExecutionEvent::text)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(Type.STDOUT, "framed"),
					org.assertj.core.groups.Tuple.tuple(Type.EXECUTION_COMPLETE, null));
	}

	@Test
	void skipsLinesThatAreNotJsonEvents() {
		String body = "not json\n{\"type\":\"stdout\",\"text\":\"kept\"}\n{broken\n[1,2]\n";
		assertThat(decode(body.getBytes(StandardCharsets.UTF_8))).extracting(ExecutionEvent::text)
			.containsExactly("kept");
	}

	@Test
	void decodesALastLineWithoutTerminatorAndCarriageReturns() {
		String body = "{\"type\":\"stdout\",\"text\":\"a\"}\r\n\r\n{\"type\":\"execution_complete\"}";
		assertThat(decode(body.getBytes(StandardCharsets.UTF_8))).extracting(ExecutionEvent::type)
			.containsExactly(Type.STDOUT, Type.EXECUTION_COMPLETE);
	}

	@Test
	void decodesErrorsResultsAndUnknownTypes() {
		String body = """
				{"type":"result","results":{"text":"2","text/html":"<b>2</b>","image/png":"iVBOR"},"execution_count":3}
				{"type":"error","error":{"ename":"CommandExecError","evalue":"2","traceback":["line 1"]}}
				{"type":"something_new","text":"x","extra":{"nested":true}}
				""";
		List<ExecutionEvent> events = decode(body.getBytes(StandardCharsets.UTF_8));
		assertThat(events.get(0).results()).containsEntry("text", "2")
			.containsEntry("text/html", "<b>2</b>")
			.containsEntry("image/png", "iVBOR");
		assertThat(events.get(0).executionCount()).isEqualTo(3);
		assertThat(events.get(1).error()).isNotNull();
		assertThat(events.get(1).error().exitCode()).isEqualTo(2);
		assertThat(events.get(1).error().traceback()).containsExactly("line 1");
		assertThat(events.get(2).type()).isEqualTo(Type.UNKNOWN);
	}

	@Test
	void releasesEveryBuffer() {
		NettyDataBufferFactory factory = new NettyDataBufferFactory(UnpooledByteBufAllocator.DEFAULT);
		byte[] body = COMMAND_STREAM.getBytes(StandardCharsets.UTF_8);
		List<ByteBuf> buffers = new ArrayList<>();
		List<DataBuffer> chunks = new ArrayList<>();
		for (int i = 0; i < body.length; i += 10) {
			ByteBuf buffer = UnpooledByteBufAllocator.DEFAULT.heapBuffer();
			buffer.writeBytes(slice(body, i, Math.min(body.length, i + 10)));
			buffers.add(buffer);
			chunks.add(factory.wrap(buffer));
		}
		assertThat(ExecdStreamDecoder.decode(Flux.fromIterable(chunks)).collectList().block()).hasSize(5);
		assertThat(buffers).allSatisfy((buffer) -> assertThat(buffer.refCnt()).isZero());
	}

	@Test
	void findsEveryLineFeedWhateverItsPositionInAWord() {
		java.util.Random random = new java.util.Random(3);
		for (int round = 0; round < 2000; round++) {
			byte[] bytes = new byte[random.nextInt(40)];
			for (int i = 0; i < bytes.length; i++) {
				// line feeds, bytes that differ from one by a bit, and high bytes
				int pick = random.nextInt(6);
				bytes[i] = (byte) ((pick == 0) ? '\n'
						: (pick == 1) ? 0x0b : (pick == 2) ? 0x8a : (pick == 3) ? 0x0a ^ 0x80 : random.nextInt(256));
			}
			int from = (bytes.length > 0) ? random.nextInt(bytes.length + 1) : 0;
			int expected = -1;
			for (int i = from; i < bytes.length; i++) {
				if (bytes[i] == '\n') {
					expected = i;
					break;
				}
			}
			assertThat(ExecdStreamDecoder.indexOfNewline(bytes, from, bytes.length))
				.as(java.util.Arrays.toString(bytes))
				.isEqualTo(expected);
		}
	}

	@Test
	void decodesBuffersWithoutABackingArray() {
		NettyDataBufferFactory factory = new NettyDataBufferFactory(UnpooledByteBufAllocator.DEFAULT);
		byte[] body = COMMAND_STREAM.getBytes(StandardCharsets.UTF_8);
		List<DataBuffer> chunks = new ArrayList<>();
		for (int i = 0; i < body.length; i += 7) {
			ByteBuf buffer = UnpooledByteBufAllocator.DEFAULT.directBuffer();
			buffer.writeBytes(slice(body, i, Math.min(body.length, i + 7)));
			chunks.add(factory.wrap(buffer));
		}
		assertThat(ExecdStreamDecoder.decode(Flux.fromIterable(chunks)).collectList().block()).isEqualTo(decode(body));
	}

	@Test
	void aLineLongerThanTheLimitFailsTheStream() {
		byte[] chunk = new byte[1024 * 1024];
		java.util.Arrays.fill(chunk, (byte) 'a');
		Flux<DataBuffer> body = Flux.range(0, ExecdStreamDecoder.MAX_LINE_LENGTH / chunk.length + 1)
			.map((i) -> DefaultDataBufferFactory.sharedInstance.wrap(chunk));
		org.assertj.core.api.Assertions
			.assertThatExceptionOfType(io.opensandbox.spring.error.OpenSandboxStreamException.class)
			.isThrownBy(() -> ExecdStreamDecoder.decode(body).blockLast())
			.withMessageContaining("without a line break");
	}

	private static List<ExecutionEvent> decode(byte[]... chunks) {
		DefaultDataBufferFactory factory = DefaultDataBufferFactory.sharedInstance;
		Flux<DataBuffer> body = Flux.fromArray(chunks).map(factory::wrap);
		return ExecdStreamDecoder.decode(body).collectList().block();
	}

	private static byte[] slice(byte[] bytes, int from, int to) {
		return java.util.Arrays.copyOfRange(bytes, from, to);
	}

}
