package io.opensandbox.spring.client;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.jspecify.annotations.Nullable;

/**
 * A small execd stand-in on 127.0.0.1 for what WireMock cannot do with large or broken
 * bodies. Nothing is held in memory whole:
 * <ul>
 * <li>{@code POST /files/upload} parses the multipart body as it arrives and records each
 * part's name, file name, content type, size and SHA-256 (and the text of small
 * parts);</li>
 * <li>{@code GET /files/download} streams {@link #DOWNLOAD_SIZE} bytes generated from
 * {@link #DOWNLOAD_SEED} (see {@link #generate});</li>
 * <li>a second, raw socket listener ({@link #truncatingPort()}) answers every request
 * with {@code Content-Length: 1000}, sends 400 bytes and closes the connection.</li>
 * </ul>
 *
 * @author OpenSandbox Spring Boot
 */
final class LoopbackFileServer implements AutoCloseable {

	/** Size of the file served by {@code GET /files/download}: 64 MiB. */
	static final long DOWNLOAD_SIZE = 64L * 1024 * 1024;

	/** Seed of the content served by {@code GET /files/download}. */
	static final long DOWNLOAD_SEED = 42;

	/** What the truncating listener announces. */
	static final int ANNOUNCED_LENGTH = 1000;

	/** What the truncating listener actually sends. */
	static final int SENT_LENGTH = 400;

	private static final int CHUNK = 64 * 1024;

	/** Parts up to this size keep their text for assertions. */
	private static final int TEXT_LIMIT = 4096;

	private final HttpServer server;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final ServerSocket truncating;

	private final List<ReceivedPart> uploadedParts = new CopyOnWriteArrayList<>();

	LoopbackFileServer() throws IOException {
		InetAddress loopback = InetAddress.getByName("127.0.0.1");
		this.server = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
		this.server.createContext("/files/upload", this::upload);
		this.server.createContext("/files/download", this::download);
		this.server.setExecutor(this.executor);
		this.server.start();
		this.truncating = new ServerSocket(0, 50, loopback);
		this.executor.execute(this::serveTruncated);
	}

	int port() {
		return this.server.getAddress().getPort();
	}

	int truncatingPort() {
		return this.truncating.getLocalPort();
	}

	/**
	 * The parts of every upload received so far, in the order they arrived.
	 * @return the parts
	 */
	List<ReceivedPart> uploadedParts() {
		return List.copyOf(this.uploadedParts);
	}

	@Override
	public void close() throws IOException {
		this.server.stop(0);
		this.truncating.close();
		this.executor.shutdownNow();
	}

	/**
	 * Stream {@code size} bytes of content generated from {@code seed} to {@code out}, in
	 * fixed chunks, so the same seed always gives the same bytes.
	 * @param seed the seed
	 * @param size how many bytes
	 * @param out where to write them
	 * @throws IOException if writing fails
	 */
	static void generate(long seed, long size, OutputStream out) throws IOException {
		Random random = new Random(seed);
		byte[] chunk = new byte[CHUNK];
		for (long remaining = size; remaining > 0; remaining -= CHUNK) {
			random.nextBytes(chunk);
			out.write(chunk, 0, (int) Math.min(CHUNK, remaining));
		}
	}

	/**
	 * The SHA-256 of the content {@link #generate} produces.
	 * @param seed the seed
	 * @param size how many bytes
	 * @return the digest in hex
	 */
	static String sha256OfGenerated(long seed, long size) throws IOException {
		MessageDigest digest = sha256();
		generate(seed, size, new OutputStream() {

			@Override
			public void write(int b) {
				digest.update((byte) b);
			}

			@Override
			public void write(byte[] b, int off, int len) {
				digest.update(b, off, len);
			}

		});
		return HexFormat.of().formatHex(digest.digest());
	}

	static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void download(HttpExchange exchange) throws IOException {
		try (exchange) {
			exchange.getRequestBody().close();
			exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
			exchange.sendResponseHeaders(200, DOWNLOAD_SIZE);
			try (OutputStream body = exchange.getResponseBody()) {
				generate(DOWNLOAD_SEED, DOWNLOAD_SIZE, body);
			}
		}
	}

	private void upload(HttpExchange exchange) throws IOException {
		try (exchange) {
			String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
			String boundary = boundary(contentType);
			if (!"POST".equals(exchange.getRequestMethod()) || boundary == null) {
				exchange.sendResponseHeaders(400, -1);
				return;
			}
			try (InputStream body = new BufferedInputStream(exchange.getRequestBody(), CHUNK)) {
				this.uploadedParts.addAll(new MultipartReader(body, boundary).readAll());
			}
			exchange.sendResponseHeaders(200, -1);
		}
	}

	private static @Nullable String boundary(@Nullable String contentType) {
		if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
			return null;
		}
		for (String parameter : contentType.split(";")) {
			String trimmed = parameter.strip();
			if (trimmed.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
				String value = trimmed.substring("boundary=".length());
				return (value.startsWith("\"") && value.endsWith("\"")) ? value.substring(1, value.length() - 1)
						: value;
			}
		}
		return null;
	}

	private void serveTruncated() {
		while (!this.truncating.isClosed()) {
			try (Socket socket = this.truncating.accept()) {
				InputStream in = socket.getInputStream();
				int matched = 0;
				byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
				while (matched < end.length) {
					int b = in.read();
					if (b < 0) {
						break;
					}
					matched = (b == end[matched]) ? matched + 1 : ((b == end[0]) ? 1 : 0);
				}
				OutputStream out = socket.getOutputStream();
				out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
						+ ANNOUNCED_LENGTH + "\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
				out.write(new byte[SENT_LENGTH]);
				out.flush();
				socket.shutdownOutput();
			}
			catch (IOException ex) {
				// Closed: stop serving, or a client went away: serve the next one
			}
		}
	}

	/**
	 * One part of a received multipart body.
	 *
	 * @param name the part name
	 * @param filename the file name, or {@code null} for a plain form field
	 * @param contentType the part's content type, if any
	 * @param size the content size in bytes
	 * @param sha256 the SHA-256 of the content, in hex
	 * @param text the content as UTF-8 if it was small, otherwise {@code null}
	 */
	record ReceivedPart(String name, @Nullable String filename, @Nullable String contentType, long size, String sha256,
			@Nullable String text) {
	}

	/**
	 * Reads a multipart body as a stream, one byte at a time from a buffered stream,
	 * digesting part content in chunks. The delimiter starts with CR, which a boundary
	 * never contains, so a failed partial match can restart at the current byte.
	 */
	private static final class MultipartReader {

		private final InputStream in;

		private final byte[] delimiter;

		MultipartReader(InputStream in, String boundary) {
			this.in = in;
			this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
		}

		List<ReceivedPart> readAll() throws IOException {
			List<ReceivedPart> parts = new ArrayList<>();
			// The body starts with "--boundary" (the delimiter without its leading CRLF)
			skipPreamble();
			while (true) {
				int first = read();
				int second = read();
				if (first == '-' && second == '-') {
					return parts;
				}
				if (first != '\r' || second != '\n') {
					throw new IOException("Malformed multipart body after a boundary");
				}
				parts.add(readPart());
			}
		}

		private void skipPreamble() throws IOException {
			int matched = 2;
			while (matched < this.delimiter.length) {
				int b = read();
				matched = (b == this.delimiter[matched]) ? matched + 1 : 2;
			}
		}

		private ReceivedPart readPart() throws IOException {
			String name = null;
			String filename = null;
			String contentType = null;
			for (String line = readLine(); !line.isEmpty(); line = readLine()) {
				int colon = line.indexOf(':');
				String header = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
				String value = line.substring(colon + 1).strip();
				if (header.equals("content-type")) {
					contentType = value;
				}
				else if (header.equals("content-disposition")) {
					name = parameter(value, "name");
					filename = parameter(value, "filename");
				}
			}
			MessageDigest digest = sha256();
			ByteArrayOutputStream text = new ByteArrayOutputStream();
			byte[] chunk = new byte[CHUNK];
			int filled = 0;
			long size = 0;
			int matched = 0;
			while (matched < this.delimiter.length) {
				int b = read();
				if (b == this.delimiter[matched]) {
					matched++;
					continue;
				}
				// Not the delimiter after all: the bytes matched so far were content
				for (int i = 0; i < matched; i++) {
					if (filled == chunk.length) {
						size += flush(digest, text, chunk, filled);
						filled = 0;
					}
					chunk[filled++] = this.delimiter[i];
				}
				matched = (b == this.delimiter[0]) ? 1 : 0;
				if (matched == 0) {
					if (filled == chunk.length) {
						size += flush(digest, text, chunk, filled);
						filled = 0;
					}
					chunk[filled++] = (byte) b;
				}
			}
			size += flush(digest, text, chunk, filled);
			return new ReceivedPart((name != null) ? name : "", filename, contentType, size,
					HexFormat.of().formatHex(digest.digest()),
					(size <= TEXT_LIMIT) ? text.toString(StandardCharsets.UTF_8) : null);
		}

		private static int flush(MessageDigest digest, ByteArrayOutputStream text, byte[] chunk, int length) {
			digest.update(chunk, 0, length);
			if (text.size() <= TEXT_LIMIT) {
				text.write(chunk, 0, Math.min(length, TEXT_LIMIT + 1 - text.size()));
			}
			return length;
		}

		private static @Nullable String parameter(String header, String name) {
			for (String parameter : header.split(";")) {
				String trimmed = parameter.strip();
				if (trimmed.startsWith(name + "=")) {
					String value = trimmed.substring(name.length() + 1);
					return (value.startsWith("\"") && value.endsWith("\"")) ? value.substring(1, value.length() - 1)
							: value;
				}
			}
			return null;
		}

		private String readLine() throws IOException {
			ByteArrayOutputStream line = new ByteArrayOutputStream();
			for (int b = read(); b != '\n'; b = read()) {
				if (b != '\r') {
					line.write(b);
				}
			}
			return line.toString(StandardCharsets.UTF_8);
		}

		private int read() throws IOException {
			int b = this.in.read();
			if (b < 0) {
				throw new IOException("Multipart body ended early");
			}
			return b;
		}

	}

}
