package io.opensandbox.spring.test.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

import io.opensandbox.spring.test.server.isolation.IsolatedSandbox;

/**
 * execd's interactive PTY sessions: {@code POST /pty}, {@code GET} and {@code DELETE}
 * {@code /pty/{id}}, and the WebSocket at {@code /pty/{id}/ws} with execd's frames
 * (binary {@code 0x01} output, {@code 0x02} standard error, {@code 0x03} replay with its
 * offset; JSON text frames for {@code connected}, {@code error}, {@code pong} and
 * {@code exit}).
 *
 * @author OpenSandbox Spring Boot
 */
final class PtyApi {

	/** Sessions one sandbox may hold at a time. */
	static final int MAX_SESSIONS = 32;

	/** The largest message a client may send (execd's read buffer is smaller still). */
	static final int MAX_MESSAGE = 1 << 20;

	/**
	 * Output queued for a client that does not read: beyond it the client is dropped, and
	 * comes back for what it missed with {@code since}.
	 */
	static final long MAX_BACKLOG = 8L << 20;

	/** execd closes an evicted client with this code. */
	static final int TAKEN_OVER = 4001;

	private static final Duration PING_INTERVAL = Duration.ofSeconds(10);

	private final SandboxServer server;

	private final Function<Exchange, ServerSandbox> sandboxes;

	PtyApi(SandboxServer server, Function<Exchange, ServerSandbox> sandboxes) {
		this.server = server;
		this.sandboxes = sandboxes;
	}

	void register(Routes routes) {
		routes.add("POST", "/pty", this::create)
			.add("GET", "/pty/{id}", this::status)
			.add("DELETE", "/pty/{id}", this::delete)
			.add("GET", "/pty/{id}/ws", this::attach);
	}

	private Mono<Void> create(Exchange exchange) {
		ServerSandbox sandbox = this.sandboxes.apply(exchange);
		return exchange.body().flatMap((text) -> {
			Map<String, Object> body = text.isBlank() ? Map.of() : Json.readObject(text);
			String cwd = ExecdApi.optionalString(body, "cwd");
			String command = ExecdApi.optionalString(body, "command");
			if ((command != null && command.indexOf('\0') >= 0) || (cwd != null && cwd.indexOf('\0') >= 0)) {
				throw new ApiException(400, "INVALID_REQUEST", "error parsing request: NUL in cwd or command");
			}
			return blocking(() -> {
				IsolatedSandbox isolated = this.server.processes(sandbox);
				ExecdApi.requireDirectory(this.server.fileAgent(sandbox), cwd);
				PtySession session = new PtySession(isolated, cwd, command, this.server.io(), this.server.deadlines());
				synchronized (sandbox.ptys) {
					if (sandbox.ptys.size() >= MAX_SESSIONS) {
						throw new ApiException(500, "RUNTIME_ERROR", "error creating pty session: this sandbox has "
								+ MAX_SESSIONS + " pty sessions already; delete one first");
					}
					sandbox.ptys.put(session.id(), session);
				}
				return session;
			});
		}).flatMap((session) -> exchange.json(201, Map.of("session_id", session.id())));
	}

	private PtySession session(Exchange exchange) {
		String id = exchange.variable("id");
		PtySession session = this.sandboxes.apply(exchange).ptys.get(id);
		if (session == null) {
			throw new ApiException(404, "CONTEXT_NOT_FOUND", "pty session " + id + " not found");
		}
		return session;
	}

	/*
	 * The session's lock may be held while its program starts: looked at off the event
	 * loop, like everything that takes it.
	 */
	private Mono<Void> status(Exchange exchange) {
		PtySession session = session(exchange);
		return blocking(session::status).flatMap((status) -> exchange.json(200, status));
	}

	private Mono<Void> delete(Exchange exchange) {
		PtySession session = session(exchange);
		this.sandboxes.apply(exchange).ptys.remove(session.id());
		return blocking(() -> {
			session.delete();
			return session;
		}).then(exchange.empty(200));
	}

	/*
	 * What can be refused is refused before the upgrade, with an HTTP status, as execd
	 * does: an unknown session (404), a second client without takeover (409).
	 */
	private Mono<Void> attach(Exchange exchange) {
		PtySession session = session(exchange);
		String upgrade = exchange.header("Upgrade");
		if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
			throw new ApiException(400, "INVALID_REQUEST", "GET /pty/{id}/ws needs a WebSocket upgrade");
		}
		boolean takeover = "1".equals(exchange.query("takeover"));
		boolean pipes = "0".equals(exchange.query("pty"));
		long since = offset(exchange.query("since"));
		return blocking(() -> !takeover && session.attached()).flatMap((refused) -> {
			if (refused) {
				return Mono.error(new ApiException(409, "ALREADY_CONNECTED",
						"another client is already connected to pty session " + session.id()));
			}
			return exchange.response()
				.sendWebsocket((in, out) -> connect(session, takeover, pipes, since, in, out),
						WebsocketServerSpec.builder().maxFramePayloadLength(MAX_MESSAGE).build());
		});
	}

	private static long offset(@Nullable String since) {
		try {
			return (since != null) ? Math.max(Long.parseLong(since), 0) : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	private Mono<Void> connect(PtySession session, boolean takeover, boolean pipes, long since, WebsocketInbound in,
			WebsocketOutbound out) {
		Connection connection = new Connection(session.id());
		in.withConnection((channel) -> connection.abort = channel::dispose);
		Disposable pings = Flux.interval(PING_INTERVAL).subscribe((tick) -> connection.emit(new PingWebSocketFrame()));
		Mono<Void> attached = blocking(() -> {
			session.attach(connection, takeover, pipes, since);
			return session;
		}).onErrorResume((ex) -> {
			// after the upgrade, a failure is an error frame and a close, as execd sends
			connection.fail((ex instanceof PtySession.Refusal refusal) ? refusal.code() : "RUNTIME_ERROR",
					String.valueOf(ex.getMessage()));
			return Mono.empty();
		}).then();
		Mono<Void> reading = in.aggregateFrames(MAX_MESSAGE)
			.receiveFrames()
			.map(Message::of)
			.concatMap((message) -> receive(session, connection, message))
			.then();
		Mono<Void> writing = out.sendObject(connection.frames())
			.then()
			.then(Mono.defer(() -> out.sendClose(connection.closeCode, connection.closeReason)));
		return attached.then(Mono.firstWithSignal(reading, writing)).doFinally((signal) -> {
			pings.dispose();
			session.detach(connection);
		});
	}

	private Mono<Void> receive(PtySession session, Connection connection, Message message) {
		if (message.text() == null) {
			if (message.bytes().length == 0 || message.bytes()[0] != 0) {
				return Mono.empty();
			}
			byte[] input = java.util.Arrays.copyOfRange(message.bytes(), 1, message.bytes().length);
			return input(connection, () -> session.write(input));
		}
		Map<String, Object> frame;
		try {
			frame = Json.readObject(message.text());
		}
		catch (RuntimeException ex) {
			// execd ignores what it cannot parse
			return Mono.empty();
		}
		Object type = frame.get("type");
		if ("stdin".equals(type)) {
			byte[] input = String.valueOf(frame.getOrDefault("data", "")).getBytes(StandardCharsets.UTF_8);
			return input(connection, () -> session.write(input));
		}
		if ("resize".equals(type)) {
			int columns = number(frame.get("cols"));
			int rows = number(frame.get("rows"));
			return input(connection, () -> session.resize(columns, rows));
		}
		if ("signal".equals(type)) {
			String signal = String.valueOf(frame.get("signal"));
			return input(connection, () -> session.signal(signal));
		}
		if ("ping".equals(type)) {
			connection.emit(Connection.json(Map.of("type", "pong")));
			return Mono.empty();
		}
		connection.emit(Connection
			.json(Map.of("type", "error", "code", "INVALID_FRAME", "error", "unknown frame type \"" + type + "\"")));
		return Mono.empty();
	}

	private static int number(@Nullable Object value) {
		return (value instanceof Number number && Json.isLong(number))
				? (int) Math.max(Math.min(number.longValue(), Integer.MAX_VALUE), Integer.MIN_VALUE) : 0;
	}

	/*
	 * Input reaches the program through a pipe, off the event loop; a program that has
	 * ended gets the client an error and a close, as execd does.
	 */
	private Mono<Void> input(Connection connection, IoAction action) {
		return Mono.fromCallable(() -> {
			action.run();
			return true;
		}).subscribeOn(this.server.blocking()).onErrorResume(IOException.class, (ex) -> {
			connection.fail("STDIN_WRITE_FAILED", String.valueOf(ex.getMessage()));
			return Mono.empty();
		}).then();
	}

	private <T> Mono<T> blocking(java.util.concurrent.Callable<T> work) {
		return ExecdApi.blocking(this.server, work);
	}

	@FunctionalInterface
	private interface IoAction {

		void run() throws IOException;

	}

	/**
	 * A client's message, copied out of Netty's buffer.
	 *
	 * @param text the text of a text frame, {@code null} for a binary one
	 * @param bytes the bytes of a binary frame
	 */
	private record Message(@Nullable String text, byte[] bytes) {

		static Message of(WebSocketFrame frame) {
			ByteBuf content = frame.content();
			if (frame instanceof TextWebSocketFrame text) {
				return new Message(text.text(), new byte[0]);
			}
			return new Message(null, ByteBufUtil.getBytes(content));
		}

	}

	/**
	 * One WebSocket client of a session: the frames it is sent, in order, and how its
	 * connection is closed.
	 */
	private static final class Connection implements PtySession.Client {

		private final String sessionId;

		private final Sinks.Many<WebSocketFrame> frames = Sinks.many().unicast().onBackpressureBuffer();

		private final AtomicLong backlog = new AtomicLong();

		private volatile int closeCode = 1000;

		private volatile String closeReason = "";

		private boolean finished;

		/** Cuts the connection at once. */
		private volatile Runnable abort = () -> {
		};

		Connection(String sessionId) {
			this.sessionId = sessionId;
		}

		Flux<WebSocketFrame> frames() {
			return this.frames.asFlux().doOnNext((frame) -> this.backlog.addAndGet(-frame.content().readableBytes()));
		}

		@Override
		public void attached(ReplayBuffer.Slice replay, boolean terminal) {
			if (replay.bytes().length > 0) {
				ByteBuf frame = Unpooled.buffer(9 + replay.bytes().length);
				frame.writeByte(3).writeLong(replay.offset()).writeBytes(replay.bytes());
				emit(new BinaryWebSocketFrame(frame));
			}
			emit(json(Map.of("type", "connected", "session_id", this.sessionId, "mode", terminal ? "pty" : "pipe")));
		}

		@Override
		public void output(int kind, byte[] bytes) {
			if (this.backlog.get() > MAX_BACKLOG) {
				// what is queued cannot be flushed to a client that does not read: the
				// connection is cut, the client detached, and it resumes with since
				close(1011, "OUTPUT_BACKLOG");
				this.abort.run();
				return;
			}
			ByteBuf frame = Unpooled.buffer(1 + bytes.length);
			frame.writeByte(kind).writeBytes(bytes);
			emit(new BinaryWebSocketFrame(frame));
		}

		@Override
		public void exited(int code) {
			emit(json(Map.of("type", "exit", "exit_code", code)));
			close(1000, "process exited");
		}

		@Override
		public void evicted() {
			close(TAKEN_OVER, "TAKEN_OVER");
		}

		void fail(String code, String message) {
			emit(json(Map.of("type", "error", "code", code, "error", message)));
			close(1011, code);
		}

		synchronized void emit(WebSocketFrame frame) {
			if (this.finished) {
				frame.release();
				return;
			}
			this.backlog.addAndGet(frame.content().readableBytes());
			this.frames.tryEmitNext(frame);
		}

		synchronized void close(int code, String reason) {
			if (this.finished) {
				return;
			}
			this.finished = true;
			this.closeCode = code;
			this.closeReason = reason;
			this.frames.tryEmitComplete();
		}

		static TextWebSocketFrame json(Map<String, Object> body) {
			return new TextWebSocketFrame(Unpooled.wrappedBuffer(Json.writeBytes(body)));
		}

	}

}
