package io.opensandbox.spring.client;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.opensandbox.spring.error.OpenSandboxProtocolException;
import io.opensandbox.spring.model.PtySession;
import io.opensandbox.spring.model.SandboxEndpoint;

/**
 * execd's interactive PTY sessions: {@code POST /pty}, {@code GET} and {@code DELETE}
 * {@code /pty/{id}} on the endpoint's WebClient, and the session's WebSocket
 * ({@code /pty/{id}/ws}) on Reactor Netty with the same headers (never the API key). One
 * call of {@link #connect} is one WebSocket; resuming after a drop is the caller's
 * business.
 *
 * @author OpenSandbox Spring Boot
 */
public final class ExecdPtyClient {

	/** The largest message taken from execd (its replay frame holds up to 1 MiB). */
	public static final int MAX_MESSAGE = 2 << 20;

	private static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {
	};

	private final WebClient webClient;

	private final HttpClient webSockets;

	private final String baseUrl;

	private final Map<String, String> headers;

	/**
	 * Create a client. The builder is cloned, never changed.
	 * @param builder the builder to start from
	 * @param webSockets the Reactor Netty client WebSockets are opened with (proxy, TLS
	 * and timeouts of the application's connector)
	 * @param endpoint the execd endpoint of the sandbox
	 * @param protocol {@code http} or {@code https}
	 * @param accessToken execd's access token, if it requires one
	 * @param headers extra headers for every request
	 */
	public ExecdPtyClient(WebClient.Builder builder, HttpClient webSockets, SandboxEndpoint endpoint, String protocol,
			@Nullable String accessToken, Map<String, String> headers) {
		Map<String, String> extra = (accessToken != null && !accessToken.isEmpty())
				? Map.of(ExecdClient.ACCESS_TOKEN_HEADER, accessToken) : Map.of();
		this.webClient = EndpointWebClients.create(builder, endpoint, protocol, headers, extra);
		this.baseUrl = endpoint.url(protocol);
		Map<String, String> all = new LinkedHashMap<>(headers);
		all.putAll(endpoint.headers());
		all.putAll(extra);
		all.keySet().removeIf(LifecycleClient.API_KEY_HEADER::equalsIgnoreCase);
		this.headers = Map.copyOf(all);
		this.webSockets = webSockets;
	}

	/**
	 * Create a session ({@code POST /pty}); its program starts on the first attach.
	 * @param cwd the working directory, or {@code null}
	 * @param command the command, or {@code null} for a shell
	 * @return the session's id
	 */
	public Mono<String> create(@Nullable String cwd, @Nullable String command) {
		Map<String, Object> body = new LinkedHashMap<>();
		if (cwd != null) {
			body.put("cwd", cwd);
		}
		if (command != null) {
			body.put("command", command);
		}
		String request = "POST " + this.baseUrl + "/pty";
		return ErrorTranslator
			.body(this.webClient.post().uri("/pty").contentType(MediaType.APPLICATION_JSON).bodyValue(body).retrieve(),
					MAP, request)
			.map((answer) -> {
				if (!(answer.get("session_id") instanceof String id) || id.isEmpty()) {
					throw new OpenSandboxProtocolException(request + " answered without a session_id", null);
				}
				return id;
			});
	}

	/**
	 * A session's status ({@code GET /pty/{id}}).
	 * @param sessionId the session
	 * @return the status
	 */
	public Mono<PtySession> status(String sessionId) {
		String request = "GET " + this.baseUrl + "/pty/{id}";
		return ErrorTranslator.body(this.webClient.get().uri("/pty/{id}", sessionId).retrieve(), MAP, request)
			.map((answer) -> new PtySession(sessionId, Boolean.TRUE.equals(answer.get("running")),
					(answer.get("output_offset") instanceof Number offset) ? offset.longValue() : 0));
	}

	/**
	 * End a session and its program ({@code DELETE /pty/{id}}).
	 * @param sessionId the session
	 * @return completes when execd answered
	 */
	public Mono<Void> delete(String sessionId) {
		return ErrorTranslator.body(this.webClient.delete().uri("/pty/{id}", sessionId).retrieve(), Void.class,
				"DELETE " + this.baseUrl + "/pty/{id}");
	}

	/**
	 * Open the session's WebSocket. The events end with {@link Closed} (or an error when
	 * the connection broke); refusals before the upgrade (404, 409, 401) fail the flux
	 * with the API exception.
	 * @param sessionId the session
	 * @param pipes whether a program started by this attach gets pipes
	 * @param since the offset to replay from, or -1 for execd's default
	 * @param takeover whether to evict the client attached now
	 * @param input what to send: stdin, resize and signal messages; the socket is closed
	 * normally when it completes
	 * @return the events
	 */
	public Flux<Event> connect(String sessionId, boolean pipes, long since, boolean takeover, Publisher<Input> input) {
		UriComponentsBuilder uri = UriComponentsBuilder.fromUriString(this.baseUrl + "/pty/{id}/ws");
		if (pipes) {
			uri.queryParam("pty", "0");
		}
		if (since >= 0) {
			uri.queryParam("since", since);
		}
		if (takeover) {
			uri.queryParam("takeover", "1");
		}
		String url = uri.buildAndExpand(sessionId).encode().toUriString().replaceFirst("^http", "ws");
		String request = "GET " + this.baseUrl + "/pty/{id}/ws";
		return this.webSockets.headers((headers) -> {
			headers.set(HttpHeaderNames.USER_AGENT, LifecycleClient.userAgent());
			this.headers.forEach(headers::set);
		})
			.websocket(WebsocketClientSpec.builder().maxFramePayloadLength(MAX_MESSAGE).build())
			.uri(url)
			.handle((in, out) -> exchange(in, out, input))
			.onErrorMap(WebSocketClientHandshakeException.class, (ex) -> refusal(ex, request))
			.onErrorMap((ex) -> !(ex instanceof io.opensandbox.spring.error.OpenSandboxException),
					(ex) -> ErrorTranslator.translate(ex, request));
	}

	private static Flux<Event> exchange(WebsocketInbound in, WebsocketOutbound out, Publisher<Input> input) {
		Mono<Void> sending = out.sendObject(Flux.from(input).map(ExecdPtyClient::frame))
			.then()
			.then(Mono.defer(() -> out.sendClose(1000, "client closed")));
		Flux<Event> receiving = in.aggregateFrames(MAX_MESSAGE)
			.receiveFrames()
			.concatMap((frame) -> Mono.justOrEmpty(event(frame)))
			.concatWith(in.receiveCloseStatus()
				.map((status) -> new Closed(status.code(), status.reasonText()))
				.defaultIfEmpty(new Closed(WebSocketCloseStatus.ABNORMAL_CLOSURE.code(), "")));
		return receiving.mergeWith(sending.then(Mono.empty()));
	}

	private static @Nullable Event event(WebSocketFrame frame) {
		ByteBuf content = frame.content();
		if (frame instanceof BinaryWebSocketFrame) {
			if (content.readableBytes() == 0) {
				return null;
			}
			int type = content.readUnsignedByte();
			if (type == 3) {
				if (content.readableBytes() < 8) {
					throw new OpenSandboxProtocolException("execd sent a replay frame without its offset", null);
				}
				long offset = content.readLong();
				return new Output(0, ByteBufUtil.getBytes(content), offset);
			}
			return (type == 1 || type == 2) ? new Output(type, ByteBufUtil.getBytes(content), -1) : null;
		}
		if (!(frame instanceof TextWebSocketFrame text)) {
			return null;
		}
		JsonNode json;
		try {
			json = WireJson.MAPPER.readTree(text.text());
		}
		catch (RuntimeException ex) {
			throw new OpenSandboxProtocolException("execd sent a text frame that is no JSON", ex);
		}
		String type = json.path("type").asString("");
		return switch (type) {
			case "connected" -> new Connected(json.path("mode").asString("pty"));
			case "exit" -> new Exit(json.path("exit_code").asInt(-1));
			case "error" -> new Failure(json.path("code").asString(""), json.path("error").asString(""));
			default -> null;
		};
	}

	private static WebSocketFrame frame(Input input) {
		if (input instanceof Stdin stdin) {
			ByteBuf buffer = Unpooled.buffer(1 + stdin.bytes().length);
			return new BinaryWebSocketFrame(buffer.writeByte(0).writeBytes(stdin.bytes()));
		}
		ObjectNode message = WireJson.MAPPER.createObjectNode();
		if (input instanceof Resize resize) {
			message.put("type", "resize").put("cols", resize.columns()).put("rows", resize.rows());
		}
		else if (input instanceof Signal signal) {
			message.put("type", "signal").put("signal", signal.name());
		}
		return new TextWebSocketFrame(
				Unpooled.wrappedBuffer(WireJson.MAPPER.writeValueAsString(message).getBytes(StandardCharsets.UTF_8)));
	}

	private static Throwable refusal(WebSocketClientHandshakeException ex, String request) {
		int status = ex.response().status().code();
		HttpHeaders headers = new HttpHeaders();
		ex.response().headers().forEach((header) -> headers.add(header.getKey(), header.getValue()));
		String body = "";
		if (ex.response() instanceof io.netty.handler.codec.http.FullHttpResponse full) {
			body = full.content().toString(StandardCharsets.UTF_8);
		}
		if (body.isBlank()) {
			// Reactor Netty keeps no body of a refused handshake: say what execd says
			body = switch (status) {
				case 404 -> "{\"code\":\"CONTEXT_NOT_FOUND\",\"message\":\"pty session not found\"}";
				case 409 -> "{\"code\":\"ALREADY_CONNECTED\",\"message\":\"another client is already connected "
						+ "to the pty session; attach with takeover to evict it\"}";
				default -> body;
			};
		}
		return ErrorTranslator.translate(request, status, headers, body);
	}

	/**
	 * What execd sends.
	 */
	public sealed interface Event permits Output, Connected, Exit, Failure, Closed {

	}

	/**
	 * Output: {@code stream} 1 (stdout or terminal), 2 (stderr) with {@code offset} -1,
	 * or 0 for a replay, with the offset of its first byte.
	 *
	 * @param stream the stream
	 * @param bytes the bytes
	 * @param offset the replay's offset, or -1
	 */
	public record Output(int stream, byte[] bytes, long offset) implements Event {
	}

	/**
	 * The client is attached.
	 *
	 * @param mode {@code pty} or {@code pipe}
	 */
	public record Connected(String mode) implements Event {
	}

	/**
	 * The program ended.
	 *
	 * @param code its exit code
	 */
	public record Exit(int code) implements Event {
	}

	/**
	 * An error message.
	 *
	 * @param code execd's code, such as {@code START_FAILED}
	 * @param message the message
	 */
	public record Failure(String code, String message) implements Event {
	}

	/**
	 * The WebSocket was closed.
	 *
	 * @param code the close code (4001 when taken over, 1006 when it broke)
	 * @param reason the reason
	 */
	public record Closed(int code, String reason) implements Event {
	}

	/**
	 * What a client sends.
	 */
	public sealed interface Input permits Stdin, Resize, Signal {

	}

	/**
	 * Input for the program.
	 *
	 * @param bytes the bytes
	 */
	public record Stdin(byte[] bytes) implements Input {
	}

	/**
	 * A new terminal size.
	 *
	 * @param columns the width
	 * @param rows the height
	 */
	public record Resize(int columns, int rows) implements Input {
	}

	/**
	 * A signal by name.
	 *
	 * @param name such as {@code SIGINT}
	 */
	public record Signal(String name) implements Input {
	}

}
