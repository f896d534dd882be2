package io.opensandbox.spring.ai;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tool results as a model reads them.
 *
 * @author OpenSandbox Spring Boot
 */
class ToolOutputTests {

	@Test
	void textWithinTheBudgetIsKeptWhole() {
		assertThat(ToolOutput.cut("0123456789", 10)).isEqualTo("0123456789");
	}

	@Test
	void longerTextKeepsThreeFifthsOfTheBudgetFromTheHeadAndTheRestFromTheTail() {
		String text = "a".repeat(600) + "b".repeat(1000) + "c".repeat(400);
		String cut = ToolOutput.cut(text, 1000);
		assertThat(cut).isEqualTo("a".repeat(600) + "\n[... 1,000 characters left out ...]\n" + "c".repeat(400));
	}

	@Test
	void aSurrogatePairIsNeverSplit() {
		String pair = "\uD83D\uDE00";
		// the head would end between the two halves of the pair at index 5
		String text = "xxxxx" + pair.repeat(20);
		String cut = ToolOutput.cut(text, 10);
		String head = cut.substring(0, cut.indexOf("\n[... "));
		String tail = cut.substring(cut.indexOf("...]\n") + 5);
		assertThat(head).isEqualTo("xxxxx");
		assertThat(Character.isLowSurrogate(tail.charAt(0))).isFalse();
		int omitted = Integer.parseInt(cut.replaceAll("(?s).*\\[\\.\\.\\. (\\d+) characters.*", "$1"));
		assertThat(head.length() + omitted + tail.length()).isEqualTo(text.length());
	}

	@Test
	void aPairAtEitherCutIsKeptWholeOnTheSideItStartsOrLeftOutWhole() {
		String pair = "\uD83D\uDE00";
		// budget 10: the head (6) would end after the pair's high half, the tail (4)
		// would
		// start at the second pair's low half
		String text = "xxxxx" + pair + "y".repeat(40) + pair + "zzz";
		String cut = ToolOutput.cut(text, 10);
		assertThat(cut).startsWith("xxxxx\n[... ").endsWith("...]\nzzz");
		assertThat(cut).contains("[... " + (text.length() - 5 - 3) + " characters left out ...]");
	}

	@Test
	void nothingWrittenIsEmpty() {
		assertThat(new ToolOutput()).hasToString("");
		assertThat(new ToolOutput().line("")).hasToString("");
	}

	@Test
	void blocksAndFieldsAreLabelledAndEmptyBlocksLeftOut() {
		String text = new ToolOutput().field("exit code", 0)
			.block("stdout", "hello", 100)
			.block("stderr", "", 100)
			.block("more", "", 100, 12_345)
			.line("[end]")
			.toString();
		assertThat(text)
			.isEqualTo("exit code: 0\nstdout:\nhello\nmore:\n\n[12,345 more characters were not collected]\n[end]");
	}

	@Test
	void sizesAndTimesAreWrittenForPeople() {
		assertThat(ToolOutput.size(70)).isEqualTo("70 bytes");
		assertThat(ToolOutput.size(1023)).isEqualTo("1023 bytes");
		assertThat(ToolOutput.size(1024)).isEqualTo("1.0 KiB");
		assertThat(ToolOutput.size(1024 * 1024 - 1)).isEqualTo("1024.0 KiB");
		assertThat(ToolOutput.size(1024 * 1024)).isEqualTo("1.0 MiB");
		assertThat(ToolOutput.size(2048)).isEqualTo("2.0 KiB");
		assertThat(ToolOutput.size(3 * 1024 * 1024 + 512 * 1024)).isEqualTo("3.5 MiB");
		assertThat(ToolOutput.seconds(Duration.ofMillis(1234))).isEqualTo("1.23 s");
	}

}
