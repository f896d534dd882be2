package io.opensandbox.spring.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.model.ExecutionEvent;
import io.opensandbox.spring.model.ExecutionEvent.Type;

/**
 * Reads the common execd event lines straight from bytes, without a JSON library: flat
 * objects such as {@code {"type":"stdout","text":"line 1","timestamp":1700000000000}},
 * which are nearly all of a stream. Anything it does not fully understand (a
 * {@code results} map, an {@code error} object, a nested value, a number with a fraction,
 * a string with both escapes and non-ASCII characters, malformed input...) makes it
 * answer {@code null}, and the caller decodes the line with Jackson instead, so every
 * line decodes to exactly what Jackson would make of it. Not thread-safe: one instance
 * per stream.
 *
 * @author OpenSandbox Spring Boot
 */
final class ExecdEventParser {

	private static final int TYPE = 0;

	private static final int TIMESTAMP = 1;

	private static final int TEXT = 2;

	private static final int EXECUTION_COUNT = 3;

	private static final int EXECUTION_TIME = 4;

	private static final int RESULTS = 5;

	private static final int ERROR = 6;

	private static final int OTHER = -1;

	private static final byte[][] KEYS = { ascii("type"), ascii("timestamp"), ascii("text"), ascii("execution_count"),
			ascii("execution_time"), ascii("results"), ascii("error") };

	private static final byte[][] TYPE_NAMES = { ascii("stdout"), ascii("stderr"), ascii("ping"), ascii("init"),
			ascii("execution_complete"), ascii("execution_count"), ascii("result"), ascii("error"), ascii("status") };

	private static final Type[] TYPES = { Type.STDOUT, Type.STDERR, Type.PING, Type.INIT, Type.EXECUTION_COMPLETE,
			Type.EXECUTION_COUNT, Type.RESULT, Type.ERROR, Type.STATUS };

	private static final byte[] NULL = ascii("null");

	private static final byte[] TRUE = ascii("true");

	private static final byte[] FALSE = ascii("false");

	private byte[] bytes = new byte[0];

	private int position;

	private int end;

	/** Set by {@link #number}: whether the last number read was {@code null}. */
	private boolean wasNull;

	private long lastMillis = Long.MIN_VALUE;

	private @Nullable Instant lastInstant;

	private char[] chars = new char[64];

	/**
	 * Parse one line.
	 * @param bytes the bytes holding the line
	 * @param offset where the line starts
	 * @param length the length of the line
	 * @return the event, or {@code null} if this line needs the general decoder
	 */
	@Nullable ExecutionEvent parse(byte[] bytes, int offset, int length) {
		this.bytes = bytes;
		this.position = offset;
		this.end = offset + length;
		try {
			return event();
		}
		catch (Unsupported ex) {
			return null;
		}
	}

	private ExecutionEvent event() {
		Type type = Type.UNKNOWN;
		long timestamp = 0;
		boolean hasTimestamp = false;
		String text = null;
		Integer executionCount = null;
		long executionTime = 0;
		boolean hasExecutionTime = false;
		int seen = 0;
		skipWhitespace();
		expect('{');
		skipWhitespace();
		if (peek() == '}') {
			this.position++;
		}
		else {
			while (true) {
				skipWhitespace();
				int key = key();
				skipWhitespace();
				expect(':');
				skipWhitespace();
				if (key != OTHER) {
					if ((seen & (1 << key)) != 0) {
						throw Unsupported.INSTANCE;
					}
					seen |= 1 << key;
				}
				switch (key) {
					case TYPE -> type = type();
					case TIMESTAMP -> {
						timestamp = number(19);
						hasTimestamp = !this.wasNull;
					}
					case TEXT -> text = string();
					case EXECUTION_COUNT -> {
						long count = number(10);
						if (count < Integer.MIN_VALUE || count > Integer.MAX_VALUE) {
							throw Unsupported.INSTANCE;
						}
						executionCount = this.wasNull ? null : (int) count;
					}
					case EXECUTION_TIME -> {
						executionTime = number(19);
						hasExecutionTime = !this.wasNull;
					}
					case RESULTS, ERROR -> literal(NULL);
					default -> skipScalar();
				}
				skipWhitespace();
				byte next = next();
				if (next == '}') {
					break;
				}
				if (next != ',') {
					throw Unsupported.INSTANCE;
				}
			}
		}
		skipWhitespace();
		if (this.position != this.end) {
			throw Unsupported.INSTANCE;
		}
		return new ExecutionEvent(type, hasTimestamp ? instant(timestamp) : null, text, Map.of(), executionCount,
				hasExecutionTime ? Duration.ofMillis(executionTime) : null, null);
	}

	// Many events of a stream share their millisecond: share the instant too
	private Instant instant(long millis) {
		Instant instant = this.lastInstant;
		if (instant == null || millis != this.lastMillis) {
			instant = Instant.ofEpochMilli(millis);
			this.lastInstant = instant;
			this.lastMillis = millis;
		}
		return instant;
	}

	private int key() {
		int start = stringBounds(false);
		int length = this.position - 1 - start;
		int key = switch (length) {
			case 4 -> (this.bytes[start + 1] == 'y') ? TYPE : TEXT;
			case 9 -> TIMESTAMP;
			case 15 -> EXECUTION_COUNT;
			case 14 -> EXECUTION_TIME;
			case 7 -> RESULTS;
			case 5 -> ERROR;
			default -> OTHER;
		};
		return (key != OTHER && equals(KEYS[key], start, length)) ? key : OTHER;
	}

	private Type type() {
		if (peek() == 'n') {
			literal(NULL);
			return Type.UNKNOWN;
		}
		int start = stringBounds(false);
		int length = this.position - 1 - start;
		for (int i = 0; i < TYPE_NAMES.length; i++) {
			if (equals(TYPE_NAMES[i], start, length)) {
				return TYPES[i];
			}
		}
		return Type.fromWireValue(new String(this.bytes, start, length, StandardCharsets.ISO_8859_1));
	}

	private @Nullable String string() {
		if (peek() == 'n') {
			literal(NULL);
			return null;
		}
		expect('"');
		int start = this.position;
		boolean escaped = false;
		boolean nonAscii = false;
		while (true) {
			byte b = next();
			if (b == '"') {
				break;
			}
			if (b == '\\') {
				escaped = true;
				next();
			}
			else if (b < 0) {
				nonAscii = true;
			}
			else if (b < 0x20) {
				throw Unsupported.INSTANCE;
			}
		}
		int length = this.position - 1 - start;
		if (!escaped) {
			if (!nonAscii) {
				return new String(this.bytes, start, length, StandardCharsets.ISO_8859_1);
			}
			checkUtf8(start, start + length);
			return new String(this.bytes, start, length, StandardCharsets.UTF_8);
		}
		if (nonAscii) {
			throw Unsupported.INSTANCE;
		}
		return unescape(start, start + length);
	}

	/*
	 * The characters of a string of ASCII bytes with escapes. Escapes of surrogates are
	 * left to the general decoder.
	 */
	private String unescape(int start, int end) {
		if (this.chars.length < end - start) {
			this.chars = new char[Math.max(end - start, this.chars.length * 2)];
		}
		char[] out = this.chars;
		int count = 0;
		for (int i = start; i < end; i++) {
			byte b = this.bytes[i];
			if (b != '\\') {
				out[count++] = (char) b;
				continue;
			}
			byte escape = this.bytes[++i];
			switch (escape) {
				case '"', '\\', '/' -> out[count++] = (char) escape;
				case 'b' -> out[count++] = '\b';
				case 'f' -> out[count++] = '\f';
				case 'n' -> out[count++] = '\n';
				case 'r' -> out[count++] = '\r';
				case 't' -> out[count++] = '\t';
				case 'u' -> {
					if (i + 4 >= end) {
						throw Unsupported.INSTANCE;
					}
					int code = (hex(this.bytes[i + 1]) << 12) | (hex(this.bytes[i + 2]) << 8)
							| (hex(this.bytes[i + 3]) << 4) | hex(this.bytes[i + 4]);
					if (Character.isSurrogate((char) code)) {
						throw Unsupported.INSTANCE;
					}
					out[count++] = (char) code;
					i += 4;
				}
				default -> throw Unsupported.INSTANCE;
			}
		}
		return new String(out, 0, count);
	}

	private static int hex(byte b) {
		if (b >= '0' && b <= '9') {
			return b - '0';
		}
		if (b >= 'a' && b <= 'f') {
			return b - 'a' + 10;
		}
		if (b >= 'A' && b <= 'F') {
			return b - 'A' + 10;
		}
		throw Unsupported.INSTANCE;
	}

	/*
	 * Accept only well-formed UTF-8 (Unicode table 3-7), which every decoder reads alike;
	 * leave anything else to the general decoder.
	 */
	private void checkUtf8(int start, int end) {
		int i = start;
		while (i < end) {
			int b = this.bytes[i] & 0xFF;
			if (b < 0x80) {
				i++;
				continue;
			}
			int trailing;
			int min = 0x80;
			int max = 0xBF;
			if (b >= 0xC2 && b <= 0xDF) {
				trailing = 1;
			}
			else if (b >= 0xE0 && b <= 0xEF) {
				trailing = 2;
				if (b == 0xE0) {
					min = 0xA0;
				}
				else if (b == 0xED) {
					max = 0x9F;
				}
			}
			else if (b >= 0xF0 && b <= 0xF4) {
				trailing = 3;
				if (b == 0xF0) {
					min = 0x90;
				}
				else if (b == 0xF4) {
					max = 0x8F;
				}
			}
			else {
				throw Unsupported.INSTANCE;
			}
			if (i + trailing >= end) {
				throw Unsupported.INSTANCE;
			}
			int second = this.bytes[i + 1] & 0xFF;
			if (second < min || second > max) {
				throw Unsupported.INSTANCE;
			}
			for (int k = 2; k <= trailing; k++) {
				int next = this.bytes[i + k] & 0xFF;
				if (next < 0x80 || next > 0xBF) {
					throw Unsupported.INSTANCE;
				}
			}
			i += trailing + 1;
		}
	}

	/*
	 * An integer of at most the given number of digits, or {@code null} (then {@link
	 * #wasNull} is set). Fractions, exponents, leading zeros and strings are left to the
	 * general decoder.
	 */
	private long number(int maxDigits) {
		this.wasNull = false;
		byte first = peek();
		if (first == 'n') {
			literal(NULL);
			this.wasNull = true;
			return 0;
		}
		boolean negative = first == '-';
		if (negative) {
			this.position++;
		}
		int start = this.position;
		long value = 0;
		while (this.position < this.end) {
			byte b = this.bytes[this.position];
			if (b < '0' || b > '9') {
				break;
			}
			value = value * 10 + (b - '0');
			this.position++;
		}
		int digits = this.position - start;
		if (digits == 0 || digits > Math.min(maxDigits, 18) || (digits > 1 && this.bytes[start] == '0')) {
			throw Unsupported.INSTANCE;
		}
		if (this.position < this.end) {
			byte b = this.bytes[this.position];
			if (b == '.' || b == 'e' || b == 'E') {
				throw Unsupported.INSTANCE;
			}
		}
		return negative ? -value : value;
	}

	/**
	 * Skip the value of a field this library does not read: a string of ASCII characters,
	 * a number, {@code true}, {@code false} or {@code null}. Objects and arrays are left
	 * to the general decoder.
	 */
	private void skipScalar() {
		byte first = peek();
		switch (first) {
			case '"' -> stringBounds(true);
			case 't' -> literal(TRUE);
			case 'f' -> literal(FALSE);
			case 'n' -> literal(NULL);
			default -> skipNumber();
		}
	}

	/** A JSON number: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}. */
	private void skipNumber() {
		if (peek() == '-') {
			this.position++;
		}
		if (peek() == '0') {
			this.position++;
		}
		else if (digits() == 0) {
			throw Unsupported.INSTANCE;
		}
		if (this.position < this.end && this.bytes[this.position] == '.') {
			this.position++;
			if (digits() == 0) {
				throw Unsupported.INSTANCE;
			}
		}
		if (this.position < this.end && (this.bytes[this.position] == 'e' || this.bytes[this.position] == 'E')) {
			this.position++;
			if (this.position < this.end && (this.bytes[this.position] == '+' || this.bytes[this.position] == '-')) {
				this.position++;
			}
			if (digits() == 0) {
				throw Unsupported.INSTANCE;
			}
		}
	}

	private int digits() {
		int start = this.position;
		while (this.position < this.end && this.bytes[this.position] >= '0' && this.bytes[this.position] <= '9') {
			this.position++;
		}
		return this.position - start;
	}

	/*
	 * Move past a string of printable ASCII characters, checking its escapes if allowed.
	 *
	 * @return where its content starts; it ends before the closing quote, at {@code
	 * position - 1}
	 */
	private int stringBounds(boolean escapes) {
		expect('"');
		int start = this.position;
		while (true) {
			byte b = next();
			if (b == '"') {
				return start;
			}
			if (b < 0x20) {
				// Control characters and non-ASCII bytes (negative)
				throw Unsupported.INSTANCE;
			}
			if (b == '\\') {
				if (!escapes) {
					throw Unsupported.INSTANCE;
				}
				byte escape = next();
				if (escape == 'u') {
					for (int i = 0; i < 4; i++) {
						hex(next());
					}
				}
				else if ("\"\\/bfnrt".indexOf(escape) < 0) {
					throw Unsupported.INSTANCE;
				}
			}
		}
	}

	private void literal(byte[] literal) {
		if (this.end - this.position < literal.length) {
			throw Unsupported.INSTANCE;
		}
		for (int i = 0; i < literal.length; i++) {
			if (this.bytes[this.position + i] != literal[i]) {
				throw Unsupported.INSTANCE;
			}
		}
		this.position += literal.length;
	}

	private boolean equals(byte[] expected, int start, int length) {
		if (expected.length != length) {
			return false;
		}
		for (int i = 0; i < length; i++) {
			if (this.bytes[start + i] != expected[i]) {
				return false;
			}
		}
		return true;
	}

	private void skipWhitespace() {
		while (this.position < this.end) {
			byte b = this.bytes[this.position];
			if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
				return;
			}
			this.position++;
		}
	}

	private void expect(char expected) {
		if (next() != expected) {
			throw Unsupported.INSTANCE;
		}
	}

	private byte peek() {
		if (this.position >= this.end) {
			throw Unsupported.INSTANCE;
		}
		return this.bytes[this.position];
	}

	private byte next() {
		if (this.position >= this.end) {
			throw Unsupported.INSTANCE;
		}
		return this.bytes[this.position++];
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * This line is for the general decoder. Thrown without a stack trace: it is control
	 * flow, and rare.
	 */
	private static final class Unsupported extends RuntimeException {

		private static final long serialVersionUID = 1L;

		static final Unsupported INSTANCE = new Unsupported();

		private Unsupported() {
			super("not a plain event line", null, false, false);
		}

	}

}
