package io.opensandbox.spring.test.server;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PTY sessions' replay buffer: absolute offsets over a ring that keeps the last
 * bytes.
 *
 * @author OpenSandbox Spring Boot
 */
class ReplayBufferTests {

	@Test
	void keepsEverythingUntilItIsFull() {
		ReplayBuffer buffer = new ReplayBuffer(8);
		buffer.write(bytes("abc"));
		buffer.write(bytes("de"));
		assertThat(buffer.total()).isEqualTo(5);
		assertThat(text(buffer.readFrom(0))).isEqualTo("0:abcde");
		assertThat(text(buffer.readFrom(3))).isEqualTo("3:de");
		assertThat(text(buffer.readFrom(-4))).isEqualTo("0:abcde");
	}

	@Test
	void anOffsetAtOrPastTheEndGetsNothing() {
		ReplayBuffer buffer = new ReplayBuffer(8);
		buffer.write(bytes("abc"));
		assertThat(text(buffer.readFrom(3))).isEqualTo("3:");
		assertThat(text(buffer.readFrom(100))).isEqualTo("3:");
	}

	@Test
	void wrapsAroundAndKeepsTheLastBytesWithTheirOffsets() {
		ReplayBuffer buffer = new ReplayBuffer(8);
		buffer.write(bytes("0123456"));
		buffer.write(bytes("789ab"));
		assertThat(buffer.total()).isEqualTo(12);
		// bytes 0 to 3 are gone: an older offset gets what is kept, from its offset
		assertThat(text(buffer.readFrom(0))).isEqualTo("4:456789ab");
		assertThat(text(buffer.readFrom(6))).isEqualTo("6:6789ab");
		assertThat(text(buffer.readFrom(11))).isEqualTo("11:b");
	}

	@Test
	void aWriteLargerThanTheRingKeepsItsEnd() {
		ReplayBuffer buffer = new ReplayBuffer(4);
		buffer.write(bytes("x"));
		buffer.write(bytes("abcdefghij"));
		assertThat(buffer.total()).isEqualTo(11);
		assertThat(text(buffer.readFrom(0))).isEqualTo("7:ghij");
		buffer.write(bytes("kl"));
		assertThat(text(buffer.readFrom(0))).isEqualTo("9:ijkl");
	}

	@Test
	void aWriteThatExactlyFillsTheRingKeepsItAll() {
		ReplayBuffer buffer = new ReplayBuffer(4);
		buffer.write(bytes("abcd"));
		assertThat(text(buffer.readFrom(0))).isEqualTo("0:abcd");
		buffer.write(bytes("e"));
		assertThat(text(buffer.readFrom(0))).isEqualTo("1:bcde");
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	private static String text(ReplayBuffer.Slice slice) {
		return slice.offset() + ":" + new String(slice.bytes(), StandardCharsets.US_ASCII);
	}

}
