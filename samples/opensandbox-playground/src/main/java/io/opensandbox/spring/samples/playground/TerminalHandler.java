package io.opensandbox.spring.samples.playground;

import java.nio.ByteBuffer;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.opensandbox.spring.core.ReactivePty;
import io.opensandbox.spring.model.PtySession;

/**
 * The page's terminal at {@code /api/terminal/ws}: a WebSocket between the browser's
 * terminal emulator and the browser session's PTY session in its sandbox. Output goes to
 * the page as binary messages of an 8-byte offset and the bytes, so that a page that lost
 * its connection comes back with {@code ?since=} and gets exactly what it missed; the end
 * is a text message {@code {"type":"exit","code":N}} or
 * {@code {"type":"error","message":...}}. The page sends
 * {@code {"type":"input","data":...}} and {@code {"type":"resize","cols":..,"rows":..}}.
 *
 * @author OpenSandbox Spring Boot
 */
public class TerminalHandler implements WebSocketHandler {

	/** Where the page opens the terminal. */
	static final String PATH = "/api/terminal/ws";

	/** The WebSession attribute with the browser session's id (copied to the socket). */
	static final String BROWSER_ATTRIBUTE = "terminal.browser";

	/** The WebSession attribute with the PTY session's id (copied to the socket). */
	static final String SESSION_ATTRIBUTE = "terminal.session";

	/** The most input one message may carry. */
	static final int MAX_INPUT = 64 * 1024;

	private static final Log logger = LogFactory.getLog(TerminalHandler.class);

	private static final JsonMapper json = JsonMapper.shared();

	private final SessionSandboxes sandboxes;

	public TerminalHandler(SessionSandboxes sandboxes) {
		this.sandboxes = sandboxes;
	}

	@Override
	public Mono<Void> handle(WebSocketSession socket) {
		Object browser = socket.getAttributes().get(BROWSER_ATTRIBUTE);
		Object session = socket.getAttributes().get(SESSION_ATTRIBUTE);
		if (!(browser instanceof String browserId) || !(session instanceof String sessionId)) {
			return socket.close(CloseStatus.POLICY_VIOLATION.withReason("GET /api/terminal first"));
		}
		long since = since(socket);
		PtySession.Attach options = (since >= 0) ? PtySession.Attach.DEFAULTS.takingOver().resumingAt(since)
				: PtySession.Attach.DEFAULTS.takingOver();
		return this.sandboxes.sandbox(browserId)
			.flatMap((sandbox) -> sandbox.pty().attach(sessionId, options))
			.flatMap((connection) -> bridge(socket, browserId, connection))
			.onErrorResume((ex) -> {
				logger.debug("Terminal of session " + sessionId + " failed", ex);
				return socket.send(Mono.just(error(socket, ex))).then(socket.close(CloseStatus.SERVER_ERROR));
			});
	}

	private static long since(WebSocketSession socket) {
		String since = UriComponentsBuilder.fromUri(socket.getHandshakeInfo().getUri())
			.build()
			.getQueryParams()
			.getFirst("since");
		try {
			return (since != null) ? Math.max(Long.parseLong(since), -1) : -1;
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	private Mono<Void> bridge(WebSocketSession socket, String browserId, ReactivePty.Connection connection) {
		Flux<WebSocketMessage> output = connection.output()
			.map((chunk) -> output(socket, chunk))
			.concatWith(connection.exitCode()
				.map((code) -> socket.textMessage(json.writeValueAsString(Map.of("type", "exit", "code", code)))))
			.onErrorResume((ex) -> Mono.just(error(socket, ex)));
		Mono<Void> sending = socket.send(output).then(Mono.defer(socket::close));
		Mono<Void> receiving = socket.receive()
			// typing is using the sandbox: the idle sweep leaves it alone
			.concatMap((message) -> this.sandboxes.existingSandbox(browserId)
				.then(input(connection, message.getPayloadAsText())))
			.then();
		return Mono.firstWithSignal(sending, receiving)
			.then(Mono.defer(connection::close))
			.doOnCancel(() -> connection.close().subscribe());
	}

	private static WebSocketMessage output(WebSocketSession socket, PtySession.Output chunk) {
		return socket.binaryMessage((buffers) -> buffers
			.wrap(ByteBuffer.allocate(8 + chunk.bytes().length).putLong(chunk.offset()).put(chunk.bytes()).flip()));
	}

	private static WebSocketMessage error(WebSocketSession socket, Throwable ex) {
		return socket.textMessage(json.writeValueAsString(Map.of("type", "error", "message",
				(ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName())));
	}

	private static Mono<Void> input(ReactivePty.Connection connection, String text) {
		JsonNode message;
		try {
			message = json.readTree(text);
		}
		catch (RuntimeException ex) {
			return Mono.empty();
		}
		String type = message.path("type").asString("");
		if ("input".equals(type)) {
			String data = message.path("data").asString("");
			return (data.isEmpty() || data.length() > MAX_INPUT) ? Mono.empty() : connection.write(data);
		}
		if ("resize".equals(type)) {
			int columns = message.path("cols").asInt(0);
			int rows = message.path("rows").asInt(0);
			return (columns > 0 && rows > 0 && columns <= 1000 && rows <= 1000) ? connection.resize(columns, rows)
					: Mono.empty();
		}
		return Mono.empty();
	}

}
