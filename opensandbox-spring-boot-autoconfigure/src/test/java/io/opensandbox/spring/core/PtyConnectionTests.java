package io.opensandbox.spring.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Publisher;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

import io.opensandbox.spring.client.ExecdPtyClient;
import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.error.OpenSandboxIoException;
import io.opensandbox.spring.error.OpenSandboxProtocolException;
import io.opensandbox.spring.error.OpenSandboxStreamException;
import io.opensandbox.spring.model.PtySession;
import io.opensandbox.spring.model.SandboxEndpoint;
import io.opensandbox.spring.observation.OpenSandboxObservations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The PTY client against a scripted WebSocket server on loopback: what it does with
 * replays that overlap or miss what it has, with takeover, refusals and drops, whatever a
 * real server happens to send.
 *
 * @author OpenSandbox Spring Boot
 */
@Timeout(30)
class PtyConnectionTests {

	private final List<String> requests = new CopyOnWriteArrayList<>();

	private final List<String> headers = new CopyOnWriteArrayList<>();

	private final AtomicInteger connections = new AtomicInteger();

	private final OpenSandboxObservations.PtyTraffic traffic = new OpenSandboxObservations.PtyTraffic();

	private DisposableServer server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.disposeNow();
		}
	}

	@Test
	void aReplayThatOverlapsWhatWasDeliveredIsCutToExactlyTheMissingBytes() {
		serve((in, out) -> {
			if (this.connections.incrementAndGet() == 1) {
				// "hello " then the connection breaks
				return out.sendObject(Flux.just(connected(), output(1, "hello "))).then().then(drop(in));
			}
			// a server that replays from further back than asked
			return out.sendObject(Flux.just(replay(0, "hello world"), connected(), exit(0))).then();
		});
		ReactivePty.Connection connection = attach(-1);
		List<PtySession.Output> chunks = connection.output().collectList().block();
		assertThat(text(chunks)).isEqualTo("hello world");
		assertThat(chunks).extracting(PtySession.Output::offset).containsExactly(0L, 6L);
		assertThat(connection.exitCode().block()).isZero();
		assertThat(connection.offset()).isEqualTo(11);
		assertThat(this.requests.get(1)).contains("since=6").contains("takeover=1");
		assertThat(connection.sessionId()).isEqualTo("s1");
		assertThat(this.traffic.getReceived()).isEqualTo(11);
		assertThat(this.traffic.getReconnects()).isEqualTo(1);
		// a reconnect is not another attach
		assertThat(this.traffic.getAttached()).isEqualTo(1);
	}

	@Test
	void aReplayThatStartsAfterWhatWasDeliveredIsAnError() {
		serve((in, out) -> {
			if (this.connections.incrementAndGet() == 1) {
				return out.sendObject(Flux.just(connected(), output(1, "abc"))).then().then(drop(in));
			}
			in.withConnection((connection) -> connection.onDispose(() -> this.connections.set(-100)));
			return out.sendObject(Flux.just(replay(10, "xyz"), connected())).then(Mono.never());
		});
		ReactivePty.Connection connection = attach(-1);
		assertThatExceptionOfType(OpenSandboxStreamException.class)
			.isThrownBy(() -> connection.output().collectList().block())
			.withMessageContaining("no longer keeps the output from 3 on (it keeps it from 10): 7 bytes are lost");
		// the socket it cannot use is closed, not left to the server
		org.awaitility.Awaitility.await().until(() -> this.connections.get() == -100);
	}

	@Test
	void theFirstReplayWithoutAnOffsetSetsWhereOutputStarts() {
		serve((in, out) -> out.sendObject(Flux.just(replay(4096, "kept"), connected(), output(2, "!"), exit(7)))
			.then());
		ReactivePty.Connection connection = attach(-1);
		List<PtySession.Output> chunks = connection.output().collectList().block();
		assertThat(chunks).extracting(PtySession.Output::offset).containsExactly(4096L, 4100L);
		assertThat(chunks).extracting(PtySession.Output::stream)
			.containsExactly(PtySession.Output.Stream.STDOUT, PtySession.Output.Stream.STDERR);
		assertThat(connection.exitCode().block()).isEqualTo(7);
		assertThat(this.requests.get(0)).doesNotContain("since");
	}

	@Test
	void anEvictedClientLearnsItWasTakenOver() {
		serve((in, out) -> out.sendObject(Flux.just(connected()))
			.then()
			.then(Mono.delay(Duration.ofMillis(100)).then(out.sendClose(4001, "TAKEN_OVER"))));
		ReactivePty.Connection connection = attach(-1);
		assertThatExceptionOfType(OpenSandboxApiException.Conflict.class)
			.isThrownBy(() -> connection.output().blockLast())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("TAKEN_OVER"));
		assertThat(this.requests).hasSize(1);
	}

	@Test
	void aRefusedHandshakeIsAConflictThatSaysWhatToDo() {
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle((request, response) -> response.status(409).send())
			.bindNow();
		assertThatExceptionOfType(OpenSandboxApiException.Conflict.class).isThrownBy(() -> attach(-1))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("ALREADY_CONNECTED"))
			.withMessageContaining("takeover");
	}

	@Test
	void anErrorFrameBeforeTheAttachFailsTheAttachWithItsCode() {
		serve((in, out) -> out
			.sendObject(Flux.just(text("{\"type\":\"error\",\"code\":\"START_FAILED\",\"error\":\"no shell\"}")))
			.then()
			.then(out.sendClose(1011, "START_FAILED")));
		assertThatExceptionOfType(OpenSandboxApiException.class).isThrownBy(() -> attach(-1))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("START_FAILED"))
			.withMessageContaining("no shell");
	}

	@Test
	void inputGoesOutInOrderAsExecdsFramesWithoutTheApiKey() {
		List<String> received = new CopyOnWriteArrayList<>();
		serve((in, out) -> {
			Mono<Void> reading = in.receiveFrames().doOnNext((frame) -> received.add(describe(frame))).then();
			return out.sendObject(Flux.just(connected())).then().and(reading);
		});
		ReactivePty.Connection connection = attach(-1);
		connection.write("ls\n").block();
		connection.resize(120, 40).block();
		connection.signal("SIGINT").block();
		org.awaitility.Awaitility.await().until(() -> received.size() == 3);
		assertThat(received).containsExactly("binary 00 6c 73 0a", "{\"type\":\"resize\",\"cols\":120,\"rows\":40}",
				"{\"type\":\"signal\",\"signal\":\"SIGINT\"}");
		assertThat(this.traffic.getSent()).isEqualTo(3);
		assertThat(this.headers).contains("x-execd-access-token=token", "x-route=sandbox-1")
			.noneMatch((h) -> h.startsWith("open-sandbox-api-key"));
		connection.close().block();
		assertThatExceptionOfType(OpenSandboxStreamException.class).isThrownBy(() -> connection.write("late").block());
	}

	@Test
	void aConnectionThatCannotComeBackFailsAfterItsAttempts() {
		serve((in, out) -> {
			if (this.connections.incrementAndGet() == 1) {
				return out.sendObject(Flux.just(connected())).then().then(drop(in));
			}
			// every later attempt is dropped at once
			return drop(in);
		});
		ReactivePty.Connection connection = attach(-1);
		assertThatExceptionOfType(OpenSandboxStreamException.class)
			.isThrownBy(() -> connection.output().blockLast(Duration.ofSeconds(25)))
			.withMessageContaining("could not resume it in " + DefaultReactivePtyConnection.MAX_RECONNECTS);
		assertThat(this.requests).hasSize(1 + DefaultReactivePtyConnection.MAX_RECONNECTS)
			.allSatisfy((uri) -> assertThat(uri).startsWith("/pty/s1/ws"));
	}

	@Test
	void resumingAtAnOffsetInPipeModeTakesAReplayThatStartsThere() {
		serve((in, out) -> out.sendObject(Flux.just(replay(5, ""), replay(5, "hello"),
				text("{\"type\":\"connected\",\"session_id\":\"s1\",\"mode\":\"pipe\"}"), exit(0)))
			.then());
		ReactivePty.Connection connection = attach(5, true);
		assertThat(connection.mode()).isEqualTo(PtySession.Mode.PIPE);
		List<PtySession.Output> chunks = connection.output().collectList().block();
		assertThat(text(chunks)).isEqualTo("hello");
		assertThat(chunks.get(0).offset()).isEqualTo(5);
		assertThat(this.requests.get(0)).contains("pty=0").contains("since=5").doesNotContain("takeover");
	}

	@Test
	void resumingAtZeroIsExactToo() {
		serve((in, out) -> out.sendObject(Flux.just(replay(3, "abc"), connected())).then(Mono.never()));
		assertThatExceptionOfType(OpenSandboxStreamException.class).isThrownBy(() -> attach(0))
			.withMessageContaining("3 bytes are lost");
		assertThat(this.requests.get(0)).contains("since=0");
	}

	@Test
	void aSessionDeletedWhileDisconnectedEndsTheOutputInsteadOfComingBackForever() {
		this.server = HttpServer.create().host("127.0.0.1").port(0).handle((request, response) -> {
			this.requests.add(request.uri());
			if (this.requests.size() == 1) {
				return response
					.sendWebsocket((in, out) -> out.sendObject(Flux.just(connected())).then().then(drop(in)));
			}
			return response.status(404).header("X-Request-ID", "r-404").send();
		}).bindNow();
		ReactivePty.Connection connection = attach(-1);
		assertThatExceptionOfType(OpenSandboxApiException.NotFound.class)
			.isThrownBy(() -> connection.output().blockLast())
			.satisfies((ex) -> assertThat(ex.getRequestId()).isEqualTo("r-404"))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("CONTEXT_NOT_FOUND"));
		assertThat(this.requests).hasSize(2);
	}

	@Test
	void aReplayWithoutItsOffsetIsAProtocolErrorNotAReasonToComeBack() {
		serve((in, out) -> out
			.sendObject(Flux.just(connected(),
					new BinaryWebSocketFrame(Unpooled.buffer().writeByte(3).writeByte(1).writeByte(2))))
			.then(Mono.never()));
		ReactivePty.Connection connection = attach(-1);
		assertThatExceptionOfType(OpenSandboxProtocolException.class).isThrownBy(() -> connection.output().blockLast())
			.withMessageContaining("replay frame without its offset");
		assertThat(this.requests).hasSize(1);
	}

	@Test
	void anErrorAfterTheAttachEndsTheOutputWithItsCode() {
		serve((in, out) -> out
			.sendObject(Flux.just(connected(), output(1, "a"),
					text("{\"type\":\"error\",\"code\":\"STDIN_WRITE_FAILED\",\"error\":\"broken pipe\"}")))
			.then()
			.then(out.sendClose(1011, "STDIN_WRITE_FAILED")));
		ReactivePty.Connection connection = attach(-1);
		assertThatExceptionOfType(OpenSandboxApiException.ServerError.class)
			.isThrownBy(() -> connection.output().blockLast())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("STDIN_WRITE_FAILED"))
			.withMessageContaining("broken pipe");
		assertThatExceptionOfType(OpenSandboxApiException.ServerError.class)
			.isThrownBy(() -> connection.exitCode().block());
		assertThat(this.requests).hasSize(1);
	}

	@Test
	void badInputIsRefusedBeforeAnythingIsSent() {
		List<String> received = new CopyOnWriteArrayList<>();
		serve((in, out) -> out.sendObject(Flux.just(connected()))
			.then()
			.and(in.receiveFrames().doOnNext((frame) -> received.add(describe(frame))).then()));
		ReactivePty.Connection connection = attach(-1);
		assertThatIllegalArgumentException().isThrownBy(() -> connection.resize(0, 24));
		assertThatIllegalArgumentException().isThrownBy(() -> connection.resize(80, 0));
		assertThatIllegalArgumentException().isThrownBy(() -> connection.resize(65536, 24));
		assertThatIllegalArgumentException().isThrownBy(() -> connection.resize(80, 65536));
		assertThatIllegalArgumentException().isThrownBy(() -> connection.signal("INT; rm -rf /"));
		assertThatIllegalArgumentException().isThrownBy(() -> connection.signal(""));
		assertThatIllegalArgumentException().isThrownBy(() -> connection.signal(null));
		assertThatIllegalArgumentException().isThrownBy(() -> connection.write((byte[]) null));
		assertThatIllegalArgumentException().isThrownBy(() -> connection.write((String) null));
		assertThatIllegalArgumentException().isThrownBy(() -> connection.resize(1, 65536));
		connection.resize(65535, 1).block();
		connection.resize(1, 65535).block();
		connection.signal("SIGTERM").block();
		org.awaitility.Awaitility.await().until(() -> received.size() == 3);
		assertThat(received).containsExactly("{\"type\":\"resize\",\"cols\":65535,\"rows\":1}",
				"{\"type\":\"resize\",\"cols\":1,\"rows\":65535}", "{\"type\":\"signal\",\"signal\":\"SIGTERM\"}");
	}

	@Test
	void closingDetachesWithANormalCloseAndEndsTheOutputWithoutAnExitCode() {
		AtomicReference<String> status = new AtomicReference<>();
		serve((in, out) -> out.sendObject(Flux.just(connected()))
			.then()
			.and(in.receiveCloseStatus().doOnNext((close) -> status.set(close.code() + " " + close.reasonText()))));
		ReactivePty.Connection connection = attach(-1);
		connection.close().block(Duration.ofSeconds(5));
		assertThat(connection.output().collectList().block()).isEmpty();
		assertThat(connection.exitCode().blockOptional()).isEmpty();
		org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(status.get()).isEqualTo("1000 client closed"));
	}

	@Test
	void aSubscriberThatDoesNotReadHoldsTheSocketInsteadOfTheHeap() {
		int chunks = 1024;
		byte[] chunk = new byte[64 * 1024];
		AtomicBoolean sent = new AtomicBoolean();
		serve((in, out) -> out.sendObject(Flux.just(connected()))
			.then()
			.then(out
				.sendObject(Flux.range(0, chunks)
					.map((i) -> new BinaryWebSocketFrame(
							Unpooled.buffer(1 + chunk.length).writeByte(1).writeBytes(chunk))))
				.then())
			.then(Mono.fromRunnable(() -> sent.set(true)))
			.then(out.sendObject(Flux.just(exit(0))).then()));
		ReactivePty.Connection connection = attach(-1);
		// 64 MiB are waiting; nobody reads: the server cannot get rid of them
		Mono.delay(Duration.ofSeconds(2)).block();
		assertThat(sent).isFalse();
		// it reads up to its high-water mark, and no further
		assertThat(connection.offset()).isBetween(4L << 20, (4L << 20) + 2 * (chunk.length + 1));
		long total = connection.output().map((output) -> (long) output.bytes().length).reduce(0L, Long::sum).block();
		assertThat(total).isEqualTo((long) chunks * chunk.length);
		assertThat(sent).isTrue();
		assertThat(connection.offset()).isEqualTo(total);
	}

	@Test
	void anAttachThatIsCancelledClosesItsSocketAndEndsItsOutput() {
		AtomicBoolean closed = new AtomicBoolean();
		// a server that never reads: only closing the socket ends the connection
		serve((in, out) -> Mono.<Void>never()
			.doOnSubscribe(
					(subscription) -> in.withConnection((connection) -> connection.onDispose(() -> closed.set(true)))));
		DefaultReactivePtyConnection connection = new DefaultReactivePtyConnection(client(), "s1", false, this.traffic);
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> connection.attach(-1, false).timeout(Duration.ofMillis(500)).block());
		org.awaitility.Awaitility.await().untilTrue(closed);
		assertThat(connection.output().collectList().block(Duration.ofSeconds(1))).isEmpty();
	}

	@Test
	void aServerThatIsNotThereIsAnIoError() throws Exception {
		int port;
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
				java.net.InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}
		ExecdPtyClient client = new ExecdPtyClient(WebClient.builder(), HttpClient.create(),
				new SandboxEndpoint("127.0.0.1:" + port, Map.of()), "http", null, Map.of());
		assertThatExceptionOfType(OpenSandboxIoException.class).isThrownBy(
				() -> new DefaultReactivePtyConnection(client, "s1", false, new OpenSandboxObservations.PtyTraffic())
					.attach(-1, false)
					.block());
	}

	@Test
	void sessionsAreCreatedLookedAtAndDeletedOverHttp() {
		List<String> bodies = new CopyOnWriteArrayList<>();
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes
				.post("/pty", (request, response) -> request.receive().aggregate().asString().flatMap((body) -> {
					bodies.add(body);
					String answer = body.contains("broken") ? "{}" : "{\"session_id\":\"p1\"}";
					return response.status(201)
						.header("Content-Type", "application/json")
						.sendString(Mono.just(answer))
						.then();
				}))
				.get("/pty/p1",
						(request, response) -> response.header("Content-Type", "application/json")
							.sendString(Mono.just("{\"session_id\":\"p1\",\"running\":true,\"output_offset\":42}")))
				.delete("/pty/p1",
						(request, response) -> response.status(404)
							.header("Content-Type", "application/json")
							.sendString(Mono
								.just("{\"code\":\"CONTEXT_NOT_FOUND\",\"message\":\"pty session p1 not found\"}"))))
			.bindNow();
		ExecdPtyClient client = client();
		assertThat(client.create("/workspace", "top").block()).isEqualTo("p1");
		assertThat(client.create(null, null).block()).isEqualTo("p1");
		assertThat(bodies).containsExactly("{\"cwd\":\"/workspace\",\"command\":\"top\"}", "{}");
		assertThatExceptionOfType(OpenSandboxProtocolException.class)
			.isThrownBy(() -> client.create(null, "broken").block())
			.withMessageContaining("without a session_id");
		assertThat(client.status("p1").block()).isEqualTo(new PtySession("p1", true, 42));
		assertThatExceptionOfType(OpenSandboxApiException.NotFound.class).isThrownBy(() -> client.delete("p1").block())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("CONTEXT_NOT_FOUND"));
	}

	@Test
	void reconnectsPauseLongerEachTimeUpToTwoSeconds() {
		assertThat(java.util.stream.IntStream.rangeClosed(1, 9).mapToObj(DefaultReactivePtyConnection::pause))
			.extracting(Duration::toMillis)
			.containsExactly(50L, 100L, 200L, 400L, 800L, 1600L, 2000L, 2000L, 2000L);
	}

	private void serve(BiFunction<WebsocketInbound, WebsocketOutbound, Publisher<Void>> handler) {
		this.server = HttpServer.create().host("127.0.0.1").port(0).handle((request, response) -> {
			this.requests.add(request.uri());
			request.requestHeaders()
				.forEach((entry) -> this.headers.add(entry.getKey().toLowerCase() + "=" + entry.getValue()));
			return response.sendWebsocket(handler::apply);
		}).bindNow();
	}

	/*
	 * The connection breaks, without a close frame.
	 */
	private static Mono<Void> drop(WebsocketInbound in) {
		return Mono.fromRunnable(() -> in.withConnection((connection) -> connection.channel().close()));
	}

	private ReactivePty.Connection attach(long since) {
		return attach(since, false);
	}

	private ReactivePty.Connection attach(long since, boolean pipes) {
		DefaultReactivePtyConnection connection = new DefaultReactivePtyConnection(client(), "s1", pipes, this.traffic);
		return connection.attach(since, false).block();
	}

	private ExecdPtyClient client() {
		return new ExecdPtyClient(WebClient.builder(), HttpClient.create(),
				new SandboxEndpoint("127.0.0.1:" + this.server.port(), Map.of("X-Route", "sandbox-1")), "http", "token",
				Map.of("OPEN-SANDBOX-API-KEY", "secret"));
	}

	private static String text(List<PtySession.Output> chunks) {
		StringBuilder text = new StringBuilder();
		chunks.forEach((chunk) -> text.append(new String(chunk.bytes(), StandardCharsets.UTF_8)));
		return text.toString();
	}

	private static String describe(WebSocketFrame frame) {
		if (frame instanceof TextWebSocketFrame text) {
			return text.text();
		}
		StringBuilder hex = new StringBuilder("binary");
		for (byte b : io.netty.buffer.ByteBufUtil.getBytes(frame.content())) {
			hex.append(String.format(" %02x", b));
		}
		return hex.toString();
	}

	private static TextWebSocketFrame connected() {
		return text("{\"type\":\"connected\",\"session_id\":\"s1\",\"mode\":\"pty\"}");
	}

	private static TextWebSocketFrame exit(int code) {
		return text("{\"type\":\"exit\",\"exit_code\":" + code + "}");
	}

	private static TextWebSocketFrame text(String json) {
		return new TextWebSocketFrame(json);
	}

	private static BinaryWebSocketFrame output(int stream, String text) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		return new BinaryWebSocketFrame(Unpooled.buffer().writeByte(stream).writeBytes(bytes));
	}

	private static BinaryWebSocketFrame replay(long offset, String text) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		return new BinaryWebSocketFrame(Unpooled.buffer().writeByte(3).writeLong(offset).writeBytes(bytes));
	}

}
