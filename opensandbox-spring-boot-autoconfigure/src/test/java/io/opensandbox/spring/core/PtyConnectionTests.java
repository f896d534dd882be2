package io.opensandbox.spring.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
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
import io.opensandbox.spring.error.OpenSandboxStreamException;
import io.opensandbox.spring.model.PtyOutput;
import io.opensandbox.spring.model.SandboxEndpoint;
import io.opensandbox.spring.observation.OpenSandboxObservations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

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
		ReactivePtyConnection connection = attach(-1);
		List<PtyOutput> chunks = connection.output().collectList().block();
		assertThat(text(chunks)).isEqualTo("hello world");
		assertThat(chunks).extracting(PtyOutput::offset).containsExactly(0L, 6L);
		assertThat(connection.exitCode().block()).isZero();
		assertThat(connection.offset()).isEqualTo(11);
		assertThat(this.requests.get(1)).contains("since=6").contains("takeover=1");
	}

	@Test
	void aReplayThatStartsAfterWhatWasDeliveredIsAnError() {
		serve((in, out) -> {
			if (this.connections.incrementAndGet() == 1) {
				return out.sendObject(Flux.just(connected(), output(1, "abc"))).then().then(drop(in));
			}
			return out.sendObject(Flux.just(replay(10, "xyz"), connected())).then(Mono.never());
		});
		ReactivePtyConnection connection = attach(-1);
		assertThatExceptionOfType(OpenSandboxStreamException.class)
			.isThrownBy(() -> connection.output().collectList().block())
			.withMessageContaining("no longer keeps the output from 3 on (it keeps it from 10): 7 bytes are lost");
	}

	@Test
	void theFirstReplayWithoutAnOffsetSetsWhereOutputStarts() {
		serve((in, out) -> out.sendObject(Flux.just(replay(4096, "kept"), connected(), output(2, "!"), exit(7)))
			.then());
		ReactivePtyConnection connection = attach(-1);
		List<PtyOutput> chunks = connection.output().collectList().block();
		assertThat(chunks).extracting(PtyOutput::offset).containsExactly(4096L, 4100L);
		assertThat(chunks).extracting(PtyOutput::stream)
			.containsExactly(PtyOutput.Stream.STDOUT, PtyOutput.Stream.STDERR);
		assertThat(connection.exitCode().block()).isEqualTo(7);
		assertThat(this.requests.get(0)).doesNotContain("since");
	}

	@Test
	void anEvictedClientLearnsItWasTakenOver() {
		serve((in, out) -> out.sendObject(Flux.just(connected()))
			.then()
			.then(Mono.delay(Duration.ofMillis(100)).then(out.sendClose(4001, "TAKEN_OVER"))));
		ReactivePtyConnection connection = attach(-1);
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
		ReactivePtyConnection connection = attach(-1);
		connection.write("ls\n").block();
		connection.resize(120, 40).block();
		connection.signal("SIGINT").block();
		org.awaitility.Awaitility.await().until(() -> received.size() == 3);
		assertThat(received).containsExactly("binary 00 6c 73 0a", "{\"type\":\"resize\",\"cols\":120,\"rows\":40}",
				"{\"type\":\"signal\",\"signal\":\"SIGINT\"}");
		assertThat(this.headers).contains("x-execd-access-token=token")
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
		ReactivePtyConnection connection = attach(-1);
		assertThatExceptionOfType(OpenSandboxStreamException.class)
			.isThrownBy(() -> connection.output().blockLast(Duration.ofSeconds(25)))
			.withMessageContaining("could not resume it in " + DefaultReactivePtyConnection.MAX_RECONNECTS);
		assertThat(this.requests).hasSize(1 + DefaultReactivePtyConnection.MAX_RECONNECTS)
			.allSatisfy((uri) -> assertThat(uri).startsWith("/pty/s1/ws"));
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

	private ReactivePtyConnection attach(long since) {
		ExecdPtyClient client = new ExecdPtyClient(WebClient.builder(), HttpClient.create(),
				new SandboxEndpoint("127.0.0.1:" + this.server.port(), Map.of()), "http", "token",
				Map.of("OPEN-SANDBOX-API-KEY", "secret"));
		DefaultReactivePtyConnection connection = new DefaultReactivePtyConnection(client, "s1", false,
				new OpenSandboxObservations.PtyTraffic());
		return connection.attach(since, false).block();
	}

	private static String text(List<PtyOutput> chunks) {
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
