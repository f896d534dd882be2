package io.opensandbox.spring.test.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Reads a {@code multipart/form-data} body part by part, copying each part's content
 * without holding it in memory. A body that ends before its closing boundary is an error.
 *
 * @author OpenSandbox Spring Boot
 */
final class MultipartReader {

	private static final Pattern PARAMETER = Pattern.compile(";\\s*(\\w+)=(?:\"([^\"]*)\"|([^;\\s]*))");

	private final InputStream input;

	private final byte[] delimiter;

	private final byte[] buffer = new byte[64 * 1024];

	private int start;

	private int end;

	private boolean finished;

	private boolean afterDelimiter;

	MultipartReader(InputStream input, String boundary) {
		this.input = input;
		this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
		// the first boundary has no CRLF before it
		this.buffer[0] = '\r';
		this.buffer[1] = '\n';
		this.end = 2;
	}

	/**
	 * The boundary of a {@code Content-Type} header.
	 * @param contentType the header value
	 * @return the boundary, or {@code null} if the content type is not multipart with one
	 */
	static @Nullable String boundary(@Nullable String contentType) {
		if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
			return null;
		}
		return parameters(contentType).get("boundary");
	}

	/**
	 * Move to the next part.
	 * @return the part's headers (lower-case names), or {@code null} after the last part
	 * @throws IOException if the body is malformed or truncated
	 */
	@Nullable Map<String, String> next() throws IOException {
		if (this.finished) {
			return null;
		}
		if (!this.afterDelimiter) {
			skipTo(OutputStream.nullOutputStream());
		}
		this.afterDelimiter = false;
		if (!fill(2)) {
			throw new IOException("multipart body ends after a boundary");
		}
		if (this.buffer[this.start] == '-' && this.buffer[this.start + 1] == '-') {
			this.finished = true;
			return null;
		}
		Map<String, String> headers = new LinkedHashMap<>();
		String line = readLine();
		if (!line.isEmpty()) {
			throw new IOException("multipart boundary is not followed by a line break");
		}
		for (line = readLine(); !line.isEmpty(); line = readLine()) {
			int colon = line.indexOf(':');
			if (colon > 0) {
				headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
			}
		}
		return headers;
	}

	/**
	 * Copy the current part's content.
	 * @param out where the content goes
	 * @throws IOException if the body is truncated
	 */
	void copyTo(OutputStream out) throws IOException {
		skipTo(out);
		this.afterDelimiter = true;
	}

	/*
	 * Copy everything up to the next delimiter and consume the delimiter.
	 */
	private void skipTo(OutputStream out) throws IOException {
		while (true) {
			int found = indexOf();
			if (found >= 0) {
				out.write(this.buffer, this.start, found - this.start);
				this.start = found + this.delimiter.length;
				return;
			}
			int keep = Math.min(this.end - this.start, this.delimiter.length - 1);
			int safe = this.end - keep;
			out.write(this.buffer, this.start, safe - this.start);
			this.start = safe;
			if (!fill(this.end - this.start + 1)) {
				throw new IOException("multipart body is truncated: no closing boundary");
			}
		}
	}

	private int indexOf() {
		outer: for (int i = this.start; i <= this.end - this.delimiter.length; i++) {
			for (int j = 0; j < this.delimiter.length; j++) {
				if (this.buffer[i + j] != this.delimiter[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	private String readLine() throws IOException {
		StringBuilder line = new StringBuilder();
		while (true) {
			if (!fill(1)) {
				throw new IOException("multipart body is truncated inside part headers");
			}
			byte b = this.buffer[this.start++];
			if (b == '\n') {
				int length = line.length();
				if (length > 0 && line.charAt(length - 1) == '\r') {
					line.setLength(length - 1);
				}
				return line.toString();
			}
			if (line.length() > 16 * 1024) {
				throw new IOException("multipart part header line is too long");
			}
			line.append((char) (b & 0xff));
		}
	}

	/**
	 * Make at least {@code count} bytes available from {@code start}.
	 * @param count the bytes needed
	 * @return whether they are available (false at the end of the input)
	 */
	private boolean fill(int count) throws IOException {
		if (this.end - this.start >= count) {
			return true;
		}
		if (this.start > 0) {
			System.arraycopy(this.buffer, this.start, this.buffer, 0, this.end - this.start);
			this.end -= this.start;
			this.start = 0;
		}
		while (this.end - this.start < count) {
			int read = this.input.read(this.buffer, this.end, this.buffer.length - this.end);
			if (read < 0) {
				return false;
			}
			this.end += read;
		}
		return true;
	}

	/**
	 * The parameters of a header value ({@code name}, {@code filename},
	 * {@code boundary}).
	 * @param value the header value
	 * @return the parameters by lower-case name
	 */
	static Map<String, String> parameters(String value) {
		Map<String, String> parameters = new LinkedHashMap<>();
		Matcher matcher = PARAMETER.matcher(value);
		while (matcher.find()) {
			parameters.put(matcher.group(1).toLowerCase(Locale.ROOT),
					(matcher.group(2) != null) ? matcher.group(2) : matcher.group(3));
		}
		return parameters;
	}

}
