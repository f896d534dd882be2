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
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.jspecify.annotations.Nullable;

/**
 * A raw-socket HTTP/1.1 server on 127.0.0.1 that answers each request of a route (method
 * and path, without query) with the next of a scripted list of {@link Answer}s, the last
 * one repeating. Answers shape the wire exactly: a reset before or during the response, a
 * connection closed without a response or before the announced end of the body, headers
 * held back, and ordinary responses. Every response closes its connection, so each
 * attempt of a client arrives on a connection of its own and is counted.
 * <p>
 * A server created with {@link #notListening()} holds its port without listening on it,
 * so connections are refused, until {@link #listen()} is called.
 *
 * @author OpenSandbox Spring Boot
 */
final class FaultInjectingServer implements AutoCloseable {

	private static final byte[] CRLF = { '\r', '\n' };

	/** How long a partial answer waits before its reset, so the client has read it. */
	private static final Duration BEFORE_RESET = Duration.ofMillis(150);

	private final InetAddress loopback;

	private final ExecutorService executor = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "fault-injecting-server");
		thread.setDaemon(true);
		return thread;
	});

	private final Map<String, List<Answer>> scripts = new ConcurrentHashMap<>();

	/** Per route, how many requests had arrived when its script was set. */
	private final Map<String, Integer> scriptedAt = new ConcurrentHashMap<>();

	private final List<Exchange> received = new CopyOnWriteArrayList<>();

	private final Set<Socket> connections = ConcurrentHashMap.newKeySet();

	private final int port;

	private @Nullable Socket placeholder;

	private volatile @Nullable ServerSocket listener;

	private volatile boolean closed;

	private FaultInjectingServer(boolean listening) throws IOException {
		this.loopback = InetAddress.getByName("127.0.0.1");
		// A bound socket that does not listen keeps the port ours: connections are
		// refused
		Socket socket = new Socket();
		socket.setReuseAddress(true);
		socket.bind(new InetSocketAddress(this.loopback, 0));
		this.placeholder = socket;
		this.port = socket.getLocalPort();
		if (listening) {
			listen();
		}
	}

	/**
	 * A server that accepts connections at once.
	 * @return the server
	 * @throws IOException if no port can be bound
	 */
	static FaultInjectingServer listening() throws IOException {
		return new FaultInjectingServer(true);
	}

	/**
	 * A server whose port refuses connections until {@link #listen()} is called.
	 * @return the server
	 * @throws IOException if no port can be bound
	 */
	static FaultInjectingServer notListening() throws IOException {
		return new FaultInjectingServer(false);
	}

	int port() {
		return this.port;
	}

	/**
	 * Start accepting connections, if not done yet.
	 */
	synchronized void listen() {
		if (this.listener != null || this.closed) {
			return;
		}
		try {
			Socket socket = this.placeholder;
			if (socket != null) {
				socket.close();
				this.placeholder = null;
			}
			ServerSocket server = new ServerSocket();
			server.setReuseAddress(true);
			server.bind(new InetSocketAddress(this.loopback, this.port), 50);
			this.listener = server;
			this.executor.execute(() -> accept(server));
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not listen on port " + this.port, ex);
		}
	}

	/**
	 * Answer the requests of a route in turn, the last answer repeating. Replaces an
	 * earlier script of the route and starts it over with the next request; requests
	 * already received stay counted.
	 * @param route the method and path, for example {@code GET /v1/sandboxes/abc}
	 * @param answers the answers
	 * @return this server
	 */
	synchronized FaultInjectingServer script(String route, Answer... answers) {
		this.scripts.put(route, List.of(answers));
		this.scriptedAt.put(route, received(route).size());
		return this;
	}

	/**
	 * The requests of a route received so far, in order of arrival.
	 * @param route the method and path
	 * @return the requests
	 */
	List<Exchange> received(String route) {
		return this.received.stream().filter((request) -> request.route().equals(route)).toList();
	}

	@Override
	public void close() throws IOException {
		this.closed = true;
		Socket socket = this.placeholder;
		if (socket != null) {
			socket.close();
		}
		ServerSocket server = this.listener;
		if (server != null) {
			server.close();
		}
		for (Socket connection : this.connections) {
			connection.close();
		}
		// Interrupts answers that are holding back their headers
		this.executor.shutdownNow();
	}

	private void accept(ServerSocket server) {
		while (!server.isClosed()) {
			try {
				Socket connection = server.accept();
				this.connections.add(connection);
				this.executor.execute(() -> serve(connection));
			}
			catch (IOException ex) {
				// Closed: stop accepting
			}
		}
	}

	private void serve(Socket connection) {
		try (connection) {
			InputStream in = new BufferedInputStream(connection.getInputStream());
			Exchange exchange = readHead(connection, in);
			if (exchange == null) {
				return;
			}
			Answer answer;
			synchronized (this) {
				int attempt = received(exchange.route()).size() - this.scriptedAt.getOrDefault(exchange.route(), 0);
				this.received.add(exchange);
				List<Answer> script = this.scripts.get(exchange.route());
				answer = (script == null || script.isEmpty()) ? respond(404, "text/plain", "no script")
						: script.get(Math.min(attempt, script.size() - 1));
			}
			answer.write(exchange);
			exchange.out().flush();
		}
		catch (IOException ex) {
			// The client went away, or the server is closing
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.connections.remove(connection);
		}
	}

	/**
	 * Read the request line and headers; the answer reads the body.
	 */
	private static @Nullable Exchange readHead(Socket socket, InputStream in) throws IOException {
		String requestLine = readLine(in);
		if (requestLine == null || requestLine.isEmpty()) {
			return null;
		}
		long contentLength = 0;
		boolean chunked = false;
		for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
			int colon = line.indexOf(':');
			String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
			String value = line.substring(colon + 1).strip();
			if (name.equals("content-length")) {
				contentLength = Long.parseLong(value);
			}
			else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
				chunked = true;
			}
		}
		String[] parts = requestLine.split(" ");
		String target = parts[1];
		int query = target.indexOf('?');
		String path = (query >= 0) ? target.substring(0, query) : target;
		return new Exchange(parts[0] + " " + path, target, System.nanoTime(), socket, in, socket.getOutputStream(),
				contentLength, chunked);
	}

	private static int chunkSize(InputStream in) throws IOException {
		String line = readLine(in);
		if (line == null) {
			throw new IOException("Chunked body ended early");
		}
		int extension = line.indexOf(';');
		return Integer.parseInt(((extension >= 0) ? line.substring(0, extension) : line).strip(), 16);
	}

	private static @Nullable String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		for (int b = in.read(); b != '\n'; b = in.read()) {
			if (b < 0) {
				return (line.size() > 0) ? line.toString(StandardCharsets.ISO_8859_1) : null;
			}
			if (b != '\r') {
				line.write(b);
			}
		}
		return line.toString(StandardCharsets.ISO_8859_1);
	}

	/**
	 * A complete response with a {@code Content-Length}.
	 * @param status the status
	 * @param contentType the content type
	 * @param body the body
	 * @param headers extra headers, as {@code Name: value}
	 * @return the answer
	 */
	static Answer respond(int status, String contentType, byte[] body, String... headers) {
		return (exchange) -> {
			exchange.readBody();
			exchange.out().write(head(status, contentType, body.length, headers));
			exchange.out().write(body);
		};
	}

	static Answer respond(int status, String contentType, String body, String... headers) {
		return respond(status, contentType, body.getBytes(StandardCharsets.UTF_8), headers);
	}

	/**
	 * A complete chunked response, one chunk per part (as execd writes its event
	 * streams), ended by the last chunk.
	 * @param contentType the content type
	 * @param chunks the chunks
	 * @return the answer
	 */
	static Answer chunked(String contentType, String... chunks) {
		return (exchange) -> {
			exchange.readBody();
			OutputStream out = exchange.out();
			out.write(chunkedHead(contentType));
			for (String chunk : chunks) {
				out.write(chunk(chunk));
			}
			out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
		};
	}

	/**
	 * Read the request, then reset the connection (RST) without answering.
	 * @return the answer
	 */
	static Answer resetBeforeResponse() {
		return (exchange) -> {
			exchange.readBody();
			reset(exchange.socket());
		};
	}

	/**
	 * Read the request, then close the connection (FIN) without answering.
	 * @return the answer
	 */
	static Answer closeWithoutResponse() {
		return (exchange) -> {
			exchange.readBody();
			exchange.socket().shutdownOutput();
		};
	}

	/**
	 * Announce a body of {@code announced} bytes, send the first {@code sent} bytes of
	 * {@code body}, then reset the connection.
	 * @param status the status
	 * @param contentType the content type
	 * @param body the body
	 * @param sent how many bytes to send
	 * @return the answer
	 */
	static Answer resetMidBody(int status, String contentType, byte[] body, int sent) {
		return (exchange) -> {
			exchange.readBody();
			exchange.out().write(head(status, contentType, body.length));
			exchange.out().write(body, 0, sent);
			exchange.out().flush();
			Thread.sleep(BEFORE_RESET.toMillis());
			reset(exchange.socket());
		};
	}

	/**
	 * Start a chunked response, send the given chunks without the last chunk, then reset
	 * the connection.
	 * @param contentType the content type
	 * @param chunks the chunks sent before the reset
	 * @return the answer
	 */
	static Answer resetMidChunkedBody(String contentType, String... chunks) {
		return (exchange) -> {
			exchange.readBody();
			OutputStream out = exchange.out();
			out.write(chunkedHead(contentType));
			for (String chunk : chunks) {
				out.write(chunk(chunk));
			}
			out.flush();
			Thread.sleep(BEFORE_RESET.toMillis());
			reset(exchange.socket());
		};
	}

	/**
	 * Read the first {@code bytes} bytes of the request body, then reset the connection
	 * while the client is still sending.
	 * @param bytes how many bytes of the body to read
	 * @return the answer
	 */
	static Answer resetMidRequest(int bytes) {
		return (exchange) -> {
			exchange.readBodyStart(bytes);
			reset(exchange.socket());
		};
	}

	/**
	 * Read the first {@code bytes} bytes of the request body, then close the connection
	 * cleanly (FIN) without answering while the client is still sending; what the client
	 * sends afterwards is drained so no reset follows.
	 * @param bytes how many bytes of the body to read
	 * @return the answer
	 */
	static Answer closeMidRequest(int bytes) {
		return (exchange) -> {
			exchange.readBodyStart(bytes);
			exchange.socket().shutdownOutput();
			exchange.drain();
		};
	}

	/**
	 * Announce a body of {@code body.length} bytes, send the first {@code sent} of them,
	 * then close the connection cleanly (FIN).
	 * @param status the status
	 * @param contentType the content type
	 * @param body the body
	 * @param sent how many bytes to send
	 * @return the answer
	 */
	static Answer truncateBody(int status, String contentType, byte[] body, int sent) {
		return (exchange) -> {
			exchange.readBody();
			exchange.out().write(head(status, contentType, body.length));
			exchange.out().write(body, 0, sent);
			exchange.out().flush();
			exchange.socket().shutdownOutput();
		};
	}

	/**
	 * Read the request, then hold back the whole answer (headers included) for a while.
	 * Interrupted when the server closes.
	 * @param delay how long to wait
	 * @param then the answer sent afterwards
	 * @return the answer
	 */
	static Answer delayed(Duration delay, Answer then) {
		return (exchange) -> {
			exchange.readBody();
			Thread.sleep(delay.toMillis());
			then.write(exchange);
		};
	}

	private static void reset(Socket socket) throws IOException {
		socket.setSoLinger(true, 0);
		socket.close();
	}

	private static byte[] head(int status, String contentType, long contentLength, String... headers) {
		StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " " + reason(status) + "\r\n");
		head.append("Content-Type: ").append(contentType).append("\r\n");
		head.append("Content-Length: ").append(contentLength).append("\r\n");
		for (String header : headers) {
			head.append(header).append("\r\n");
		}
		head.append("Connection: close\r\n\r\n");
		return head.toString().getBytes(StandardCharsets.US_ASCII);
	}

	private static byte[] chunkedHead(String contentType) {
		return ("HTTP/1.1 200 OK\r\nContent-Type: " + contentType
				+ "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII);
	}

	private static byte[] chunk(String text) {
		byte[] data = text.getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream chunk = new ByteArrayOutputStream();
		chunk.writeBytes(Integer.toHexString(data.length).getBytes(StandardCharsets.US_ASCII));
		chunk.writeBytes(CRLF);
		chunk.writeBytes(data);
		chunk.writeBytes(CRLF);
		return chunk.toByteArray();
	}

	private static String reason(int status) {
		return switch (status) {
			case 200 -> "OK";
			case 202 -> "Accepted";
			case 404 -> "Not Found";
			case 429 -> "Too Many Requests";
			case 500 -> "Internal Server Error";
			case 502 -> "Bad Gateway";
			case 503 -> "Service Unavailable";
			case 504 -> "Gateway Timeout";
			default -> "Status";
		};
	}

	/**
	 * How the server answers one request.
	 */
	@FunctionalInterface
	interface Answer {

		/**
		 * Read what is needed of the request, then answer or break the connection.
		 * @param exchange the request and its connection
		 * @throws IOException if the client went away
		 * @throws InterruptedException if the server closed while the answer waited
		 */
		void write(Exchange exchange) throws IOException, InterruptedException;

	}

	/**
	 * One request as it arrived, on its own connection.
	 */
	static final class Exchange {

		private final String route;

		private final String target;

		private final long arrivedNanos;

		private final Socket socket;

		private final InputStream in;

		private final OutputStream out;

		private final long contentLength;

		private final boolean chunked;

		private final ByteArrayOutputStream body = new ByteArrayOutputStream();

		private volatile boolean complete;

		Exchange(String route, String target, long arrivedNanos, Socket socket, InputStream in, OutputStream out,
				long contentLength, boolean chunked) {
			this.route = route;
			this.target = target;
			this.arrivedNanos = arrivedNanos;
			this.socket = socket;
			this.in = in;
			this.out = out;
			this.contentLength = contentLength;
			this.chunked = chunked;
		}

		/** The method and path, without query. */
		String route() {
			return this.route;
		}

		/** The request target, with query. */
		String target() {
			return this.target;
		}

		/** When the request arrived, from {@link System#nanoTime()}. */
		long arrivedNanos() {
			return this.arrivedNanos;
		}

		Socket socket() {
			return this.socket;
		}

		OutputStream out() {
			return this.out;
		}

		/**
		 * Read the whole body (by {@code Content-Length} or chunked), so that closing the
		 * connection afterwards sends a FIN, not a reset. Reading it again does nothing.
		 * @throws IOException if the body cannot be read
		 */
		void readBody() throws IOException {
			if (this.complete) {
				return;
			}
			if (this.chunked) {
				for (int size = chunkSize(this.in); size > 0; size = chunkSize(this.in)) {
					this.body.write(this.in.readNBytes(size));
					readLine(this.in);
				}
				// Trailers, up to the blank line
				String line = readLine(this.in);
				while (line != null && !line.isEmpty()) {
					line = readLine(this.in);
				}
			}
			else {
				this.body.write(this.in.readNBytes((int) this.contentLength));
			}
			this.complete = true;
		}

		/**
		 * Read only the start of the body, as it arrived (chunk framing included).
		 * @param bytes how many bytes to read
		 * @throws IOException if the body cannot be read
		 */
		void readBodyStart(int bytes) throws IOException {
			this.body.write(this.in.readNBytes(bytes));
		}

		/**
		 * Read and discard whatever the client still sends, until it closes.
		 * @throws IOException if reading fails
		 */
		void drain() throws IOException {
			this.in.transferTo(OutputStream.nullOutputStream());
		}

		/**
		 * The body read so far (de-chunked when read whole).
		 * @return the bytes
		 */
		byte[] body() {
			return this.body.toByteArray();
		}

		/**
		 * Whether the whole body was read.
		 * @return {@code true} once {@link #readBody()} returned
		 */
		boolean complete() {
			return this.complete;
		}

	}

}
