package io.opensandbox.spring.test.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How output becomes lines and events: execd's line ends, long lines in pieces that never
 * split a character, bounded interpreter lines, and a bounded event buffer.
 *
 * @author OpenSandbox Spring Boot
 */
class OutputPipeTests {

	@Test
	void linesEndAtNewlineCarriageReturnOrBoth() {
		assertThat(split("a\nb\r\nc\rd\n\ne")).containsExactly("a", "b", "c", "d", "", "e");
	}

	@Test
	void aLineEndingAcrossChunksIsOneLineEnd() {
		List<String> lines = new ArrayList<>();
		OutputPipe.LineSplitter splitter = new OutputPipe.LineSplitter(lines::add);
		feed(splitter, "one\r");
		feed(splitter, "\ntwo\n");
		splitter.finish();
		assertThat(lines).containsExactly("one", "two");
	}

	@Test
	void finishEmitsOnlyAnUnterminatedLastLine() {
		assertThat(split("done\n")).containsExactly("done");
		assertThat(split("tail")).containsExactly("tail");
		assertThat(split("")).isEmpty();
	}

	@Test
	void aLongLineArrivesInPiecesOfAtMostTheLimit() {
		int limit = OutputPipe.LineSplitter.MAX_LINE;
		String line = "x".repeat(limit * 2 + 10);
		List<String> pieces = split(line + "\nnext\n");
		assertThat(pieces).containsExactly("x".repeat(limit), "x".repeat(limit), "x".repeat(10), "next");
	}

	@Test
	void piecesNeverSplitACharacter() {
		int limit = OutputPipe.LineSplitter.MAX_LINE;
		String text = "a".repeat(limit - 1) + "é" + "€".repeat(3) + "😀";
		List<String> pieces = split(text);
		assertThat(String.join("", pieces)).isEqualTo(text);
		assertThat(pieces.get(0)).isEqualTo("a".repeat(limit - 1));
		assertThat(pieces).allSatisfy((piece) -> assertThat(piece).doesNotContain("\uFFFD"));
	}

	@org.junit.jupiter.params.ParameterizedTest
	@org.junit.jupiter.params.provider.ValueSource(strings = { "é", "€", "😀" })
	void aCharacterAtTheLimitIsKeptWholeWhereverItFalls(String character) {
		int limit = OutputPipe.LineSplitter.MAX_LINE;
		int size = character.getBytes(StandardCharsets.UTF_8).length;
		for (int before = limit - size - 1; before <= limit; before++) {
			String text = "a".repeat(before) + character + "b";
			List<String> pieces = split(text);
			assertThat(String.join("", pieces)).isEqualTo(text);
			assertThat(pieces.get(0).getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(limit);
			assertThat(pieces.get(0)).isEqualTo(longestWholePrefix(text, limit));
		}
	}

	@Test
	void boundedLinesAreReadWholeUpToTheLimitAndSayWhatWasDropped() throws IOException {
		InputStream input = stream("short\n" + "y".repeat(20) + "\nlast");
		assertThat(OutputPipe.readLine(input, 10)).isEqualTo("short");
		assertThat(OutputPipe.readLine(input, 10)).isEqualTo("y".repeat(10) + " [10 more bytes of this line dropped]");
		assertThat(OutputPipe.readLine(input, 10)).isEqualTo("last");
		assertThat(OutputPipe.readLine(input, 10)).isNull();
		assertThat(OutputPipe.readLine(stream("\n"), 10)).isEmpty();
	}

	@Test
	void aWriterWaitsWhileTheClientHoldsBackAndTheClientGetsEverything() throws Exception {
		EventSink sink = new EventSink();
		String big = "z".repeat(EventSink.CAPACITY / 4);
		CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
			for (int i = 0; i < 8; i++) {
				sink.emit(EventSink.line("stdout", big));
			}
			sink.complete();
		});
		StepVerifier.create(sink.events(), 0)
			.then(() -> assertThat(waits(writer)).as("the writer waits for the client").isTrue())
			.thenRequest(8)
			.expectNextCount(8)
			.verifyComplete();
		writer.get(5, TimeUnit.SECONDS);
	}

	@Test
	void aClientThatGoesAwayReleasesTheWriter() throws Exception {
		EventSink sink = new EventSink();
		String big = "z".repeat(EventSink.CAPACITY / 2);
		CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
			for (int i = 0; i < 10; i++) {
				sink.emit(EventSink.line("stdout", big));
			}
		});
		StepVerifier.create(sink.events(), 1).expectNextCount(1).thenCancel().verify();
		writer.get(5, TimeUnit.SECONDS);
		assertThat(sink.isCancelled()).isTrue();
	}

	@Test
	void resultsCountAgainstTheCapacityToo() throws Exception {
		EventSink sink = new EventSink();
		String half = "r".repeat(EventSink.CAPACITY / 2);
		CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
			for (int i = 0; i < 3; i++) {
				sink.emit(EventSink.event("result", "results", Map.of("text/plain", half)));
			}
			sink.complete();
		});
		StepVerifier.create(sink.events(), 0)
			.then(() -> assertThat(waits(writer)).as("the third result waits").isTrue())
			.thenRequest(3)
			.expectNextCount(3)
			.verifyComplete();
	}

	@Test
	void anEventLargerThanTheCapacityStillPasses() {
		EventSink sink = new EventSink();
		sink.emit(EventSink.event("result", "results", Map.of("text", "r".repeat(EventSink.CAPACITY * 2))));
		sink.complete();
		StepVerifier.create(sink.events()).expectNextCount(1).verifyComplete();
	}

	@Test
	void afterTheEndWritersAreNeitherBlockedNorDelivered() throws Exception {
		EventSink sink = new EventSink();
		assertThat(sink.isCancelled()).isFalse();
		sink.emit(EventSink.line("stdout", "before"));
		sink.complete();
		String big = "z".repeat(EventSink.CAPACITY / 2);
		CompletableFuture<Void> late = CompletableFuture.runAsync(() -> {
			for (int i = 0; i < 6; i++) {
				sink.emit(EventSink.line("stdout", big));
			}
		});
		late.get(5, TimeUnit.SECONDS);
		StepVerifier.create(sink.events())
			.assertNext((event) -> assertThat(event).containsEntry("text", "before"))
			.verifyComplete();
	}

	/**
	 * The longest prefix of whole characters that fits in a number of UTF-8 bytes.
	 */
	private static String longestWholePrefix(String text, int bytes) {
		int used = 0;
		int end = 0;
		while (end < text.length()) {
			int codePoint = text.codePointAt(end);
			int size = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
			if (used + size > bytes) {
				break;
			}
			used += size;
			end += Character.charCount(codePoint);
		}
		return text.substring(0, end);
	}

	private static boolean waits(CompletableFuture<Void> writer) {
		try {
			writer.get(300, TimeUnit.MILLISECONDS);
			return false;
		}
		catch (Exception ex) {
			return !writer.isDone();
		}
	}

	private static List<String> split(String text) {
		List<String> lines = new ArrayList<>();
		OutputPipe.LineSplitter splitter = new OutputPipe.LineSplitter(lines::add);
		feed(splitter, text);
		splitter.finish();
		return lines;
	}

	private static void feed(OutputPipe.LineSplitter splitter, String text) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		// In odd chunks, as a pipe delivers them.
		for (int at = 0; at < bytes.length; at += 777) {
			byte[] chunk = java.util.Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + 777));
			splitter.accept(chunk, chunk.length);
		}
	}

	private static InputStream stream(String text) {
		return new java.io.BufferedInputStream(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
	}

}
