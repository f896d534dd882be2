package io.opensandbox.spring.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;

import io.opensandbox.spring.model.ExecutionEvent;
import io.opensandbox.spring.model.ExecutionEvent.Type;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plain-line event parser reads the common execd lines itself, and answers exactly
 * what Jackson makes of every line it reads; everything else it leaves to Jackson.
 *
 * @author OpenSandbox Spring Boot
 */
class ExecdEventParserTests {

	private static final ObjectReader JACKSON = WireJson.MAPPER.readerFor(ExecdStreamDecoder.EventJson.class);

	/**
	 * Lines the parser must read itself: what execd sends for commands, nearly always.
	 */
	private static final List<String> PLAIN = List.of(
			"{\"type\":\"init\",\"text\":\"cmd-1\",\"timestamp\":1700000000000}",
			"{\"type\":\"stdout\",\"text\":\"line 1\",\"timestamp\":1700000000001}",
			"{\"type\":\"stderr\",\"text\":\"warning: x\",\"timestamp\":1700000000002}",
			"{\"type\":\"ping\",\"timestamp\":1700000000003}",
			"{\"type\":\"execution_complete\",\"timestamp\":1700000000004,\"execution_time\":42}",
			"{\"type\":\"execution_count\",\"execution_count\":7}",
			"{\"type\":\"status\",\"text\":\"busy\",\"results\":null,\"error\":null}",
			"{\"type\":\"stdout\",\"text\":\"\\n\",\"timestamp\":1}",
			"{\"type\":\"stdout\",\"text\":\"tab\\there \\\"quoted\\\" back\\\\slash \\u00e9\\/\"}",
			"{\"type\":\"stdout\",\"text\":\"héllo ✓ 😀\"}",
			"  { \"text\" : \"spaced\" , \"type\" : \"stdout\" , \"timestamp\" : -5 }  ",
			"{\"type\":\"stdout\",\"text\":null,\"timestamp\":null,\"execution_time\":null,\"execution_count\":null}",
			"{\"type\":\"stdout\",\"text\":\"x\",\"extra\":\"ignored\",\"n\":-1.5e+3,\"t\":true,\"f\":false,\"z\":null,\"e\":\"a\\u0041\"}",
			"{\"type\":\"brand_new\",\"text\":\"x\"}", "{\"type\":\"STDOUT\",\"text\":\"upper\"}", "{\"type\":null}",
			"{}");

	/** Lines the parser must leave to Jackson. */
	private static final List<String> FOR_JACKSON = List.of(
			"{\"type\":\"result\",\"results\":{\"text\":\"2\"},\"execution_count\":3}",
			"{\"type\":\"error\",\"error\":{\"ename\":\"CommandExecError\",\"evalue\":\"2\",\"traceback\":[]}}",
			"{\"type\":\"stdout\",\"extra\":{\"nested\":true}}", "{\"type\":\"stdout\",\"extra\":[1,2]}",
			"{\"type\":\"stdout\",\"timestamp\":1.5}", "{\"type\":\"stdout\",\"timestamp\":1e3}",
			"{\"type\":\"stdout\",\"timestamp\":\"17\"}", "{\"type\":\"stdout\",\"timestamp\":0123}",
			"{\"type\":\"stdout\",\"timestamp\":12345678901234567890}", "{\"type\":\"stdout\",\"text\":5}",
			"{\"type\":\"stdout\",\"execution_count\":3000000000}", "{\"type\":\"stdout\",\"text\":\"é\\n\"}",
			"{\"type\":\"stdout\",\"text\":\"\\ud83d\\ude00\"}", "{\"type\":\"stdout\",\"text\":\"bad \\x escape\"}",
			"{\"type\":\"stdout\",\"text\":\"a\",\"text\":\"b\"}", "{\"type\":\"stdout\"} trailing",
			"{\"type\":\"stdout\",}", "{\"type\":\"stdout\"", "{\"type\":\"std\\u006fut\"}", "{\"ty\\u0070e\":\"x\"}",
			"{\"type\":\"stdout\",\"text\":\"tab\tinside\"}", "{'type':'stdout'}", "{\"type\":\"stdout\",\"x\":nul}");

	@Test
	void readsPlainEventLinesItselfAsJacksonWould() {
		ExecdEventParser parser = new ExecdEventParser();
		for (String line : PLAIN) {
			byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
			ExecutionEvent event = parser.parse(bytes, 0, bytes.length);
			assertThat(event).as(line).isNotNull().isEqualTo(jackson(bytes, 0, bytes.length));
		}
	}

	@Test
	void readsTheFieldsOfAnEvent() {
		ExecdEventParser parser = new ExecdEventParser();
		byte[] bytes = "{\"type\":\"execution_complete\",\"text\":\"done\",\"timestamp\":1700000000004,\"execution_time\":42,\"execution_count\":3}"
			.getBytes(StandardCharsets.UTF_8);
		ExecutionEvent event = parser.parse(bytes, 0, bytes.length);
		assertThat(event).isNotNull();
		assertThat(event.type()).isEqualTo(Type.EXECUTION_COMPLETE);
		assertThat(event.text()).isEqualTo("done");
		assertThat(event.timestamp()).isEqualTo(Instant.ofEpochMilli(1700000000004L));
		assertThat(event.executionTime()).isEqualTo(Duration.ofMillis(42));
		assertThat(event.executionCount()).isEqualTo(3);
		assertThat(event.results()).isEmpty();
		assertThat(event.error()).isNull();
	}

	@Test
	void readsALineInsideALargerArray() {
		ExecdEventParser parser = new ExecdEventParser();
		byte[] bytes = "xx{\"type\":\"stdout\",\"text\":\"middle\"}yy".getBytes(StandardCharsets.UTF_8);
		ExecutionEvent event = parser.parse(bytes, 2, bytes.length - 4);
		assertThat(event).isNotNull();
		assertThat(event.text()).isEqualTo("middle");
	}

	@Test
	void leavesEverythingElseToJackson() {
		ExecdEventParser parser = new ExecdEventParser();
		for (String line : FOR_JACKSON) {
			byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
			assertThat(parser.parse(bytes, 0, bytes.length)).as(line).isNull();
		}
	}

	@Test
	void leavesMalformedUtf8ToJackson() {
		ExecdEventParser parser = new ExecdEventParser();
		byte[][] invalid = { { (byte) 0xC0, (byte) 0x80 }, { (byte) 0xED, (byte) 0xA0, (byte) 0x80 },
				{ (byte) 0xE2, (byte) 0x82 }, { (byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80 }, { (byte) 0x80 },
				{ (byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0x80 } };
		for (byte[] sequence : invalid) {
			byte[] line = concat("{\"type\":\"stdout\",\"text\":\"a".getBytes(StandardCharsets.UTF_8), sequence,
					"b\"}".getBytes(StandardCharsets.UTF_8));
			assertThat(parser.parse(line, 0, line.length)).as(Arrays.toString(sequence)).isNull();
		}
	}

	/**
	 * Lines mutated at random, byte by byte, from real ones: whenever the parser reads a
	 * line itself, its event is the one Jackson makes of it, or Jackson rejects the line
	 * too... which the parser must not do, so it must equal Jackson's event exactly.
	 */
	@Test
	void agreesWithJacksonOnRandomlyMutatedLines() {
		Random random = new Random(8);
		ExecdEventParser parser = new ExecdEventParser();
		List<String> seeds = new ArrayList<>(PLAIN);
		seeds.addAll(FOR_JACKSON);
		byte[] alphabet = "{}[]\":,\\ u0123456789.eE+-ntrfalsexyzé\t".getBytes(StandardCharsets.UTF_8);
		int readItself = 0;
		for (int i = 0; i < 30_000; i++) {
			byte[] line = seeds.get(random.nextInt(seeds.size())).getBytes(StandardCharsets.UTF_8);
			int mutations = 1 + random.nextInt(3);
			for (int m = 0; m < mutations && line.length > 0; m++) {
				int at = random.nextInt(line.length);
				switch (random.nextInt(3)) {
					case 0 -> line[at] = alphabet[random.nextInt(alphabet.length)];
					case 1 ->
						line = concat(Arrays.copyOfRange(line, 0, at), Arrays.copyOfRange(line, at + 1, line.length));
					default -> line = concat(Arrays.copyOfRange(line, 0, at),
							new byte[] { alphabet[random.nextInt(alphabet.length)] },
							Arrays.copyOfRange(line, at, line.length));
				}
			}
			if (line.length == 0) {
				continue;
			}
			ExecutionEvent event = parser.parse(line, 0, line.length);
			if (event != null) {
				readItself++;
				assertThat(event).as(new String(line, StandardCharsets.UTF_8)).isEqualTo(jackson(line, 0, line.length));
			}
		}
		assertThat(readItself).isGreaterThan(1000);
	}

	@Test
	void sharesTheInstantOfEventsOfTheSameMillisecond() {
		ExecdEventParser parser = new ExecdEventParser();
		byte[] first = "{\"type\":\"stdout\",\"text\":\"a\",\"timestamp\":1700000000000}"
			.getBytes(StandardCharsets.UTF_8);
		byte[] second = "{\"type\":\"stdout\",\"text\":\"b\",\"timestamp\":1700000000000}"
			.getBytes(StandardCharsets.UTF_8);
		byte[] third = "{\"type\":\"stdout\",\"text\":\"c\",\"timestamp\":1700000000001}"
			.getBytes(StandardCharsets.UTF_8);
		Instant a = parser.parse(first, 0, first.length).timestamp();
		assertThat(parser.parse(second, 0, second.length).timestamp()).isSameAs(a);
		assertThat(parser.parse(third, 0, third.length).timestamp()).isEqualTo(Instant.ofEpochMilli(1700000000001L));
	}

	private static @Nullable ExecutionEvent jackson(byte[] bytes, int offset, int length) {
		try {
			ExecdStreamDecoder.EventJson json = JACKSON.readValue(bytes, offset, length);
			return json.toEvent();
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static byte[] concat(byte[]... parts) {
		int length = 0;
		for (byte[] part : parts) {
			length += part.length;
		}
		byte[] result = new byte[length];
		int at = 0;
		for (byte[] part : parts) {
			System.arraycopy(part, 0, result, at, part.length);
			at += part.length;
		}
		return result;
	}

}
