package io.opensandbox.spring.client;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.util.Assert;
import org.springframework.web.reactive.function.client.WebClient;

import io.opensandbox.spring.error.OpenSandboxException;
import io.opensandbox.spring.error.OpenSandboxStreamException;
import io.opensandbox.spring.model.CommandLogs;
import io.opensandbox.spring.model.CommandOptions;
import io.opensandbox.spring.model.CommandStatus;
import io.opensandbox.spring.model.ExecutionEvent;
import io.opensandbox.spring.model.SandboxEndpoint;

/**
 * Reactive client for execd, the daemon inside one sandbox, reached through the endpoint
 * the lifecycle server returned for port {@value #PORT}. Sends the endpoint's headers on
 * every request and never the API key. Thread-safe.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public final class ExecdClient {

	/** The port execd listens on inside a sandbox. */
	public static final int PORT = 44772;

	/** Header carrying execd's optional access token. */
	public static final String ACCESS_TOKEN_HEADER = "X-EXECD-ACCESS-TOKEN";

	/** Header carrying the next cursor of a background command's logs. */
	public static final String LOGS_CURSOR_HEADER = "EXECD-COMMANDS-TAIL-CURSOR";

	private static final Log logger = LogFactory.getLog(ExecdClient.class);

	private final WebClient webClient;

	private final String baseUrl;

	private final Duration streamIdleTimeout;

	/**
	 * Create a client. The builder is cloned, never changed.
	 * @param builder the builder to start from (connector, observation, customizations)
	 * @param endpoint the execd endpoint of the sandbox
	 * @param protocol {@code http} or {@code https}
	 * @param accessToken execd's access token, if it requires one
	 * @param headers extra headers for every request
	 * @param streamIdleTimeout how long a stream may stay silent (pings included) before it
	 * fails
	 */
	public ExecdClient(WebClient.Builder builder, SandboxEndpoint endpoint, String protocol,
			@Nullable String accessToken, Map<String, String> headers, Duration streamIdleTimeout) {
		Assert.isTrue(streamIdleTimeout != null && !streamIdleTimeout.isNegative() && !streamIdleTimeout.isZero(),
				"Stream idle timeout must be positive");
		this.baseUrl = endpoint.url(protocol);
		this.streamIdleTimeout = streamIdleTimeout;
		this.webClient = EndpointWebClients.create(builder, endpoint, protocol, headers,
				(accessToken != null && !accessToken.isEmpty()) ? Map.of(ACCESS_TOKEN_HEADER, accessToken) : Map.of());
	}

	/**
	 * Check that execd answers ({@code GET /ping}).
	 * @return completes when execd answered
	 */
	public Mono<Void> ping() {
		return call(HttpMethod.GET, "/ping", this.webClient.get().uri("/ping").retrieve(), Void.class);
	}

	/**
	 * Run a command in the foreground and stream its events. Pings are consumed here and
	 * count as activity for the idle timeout. The stream fails with an
	 * {@link OpenSandboxStreamException} if it breaks, stays silent too long or ends
	 * without a terminal event. Cancelling the subscription interrupts the command.
	 * @param command the shell command
	 * @param options how to run it
	 * @return the events, ending with {@code EXECUTION_COMPLETE} or {@code ERROR}
	 */
	public Flux<ExecutionEvent> runCommand(String command, CommandOptions options) {
		Assert.hasText(command, "Command must not be empty");
		Map<String, Object> body = commandBody(command, options, false);
		return stream("/command", body, this::interruptCommand);
	}

	/**
	 * Start a command in the background.
	 * @param command the shell command
	 * @param options how to run it
	 * @return the command id
	 */
	public Mono<String> startCommand(String command, CommandOptions options) {
		Assert.hasText(command, "Command must not be empty");
		Map<String, Object> body = commandBody(command, options, true);
		return stream("/command", body, (id) -> Mono.empty())
			.filter((event) -> event.type() == ExecutionEvent.Type.INIT && event.text() != null)
			.next()
			.map(ExecutionEvent::text)
			.switchIfEmpty(Mono.error(() -> new OpenSandboxStreamException(
					"POST " + this.baseUrl + "/command: execd sent no command id for a background command", null)));
	}

	private static Map<String, Object> commandBody(String command, CommandOptions options, boolean background) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("command", command);
		if (options.cwd() != null) {
			body.put("cwd", options.cwd());
		}
		if (background) {
			body.put("background", true);
		}
		if (options.timeout() != null) {
			body.put("timeout", options.timeout().toMillis());
		}
		if (options.uid() != null) {
			body.put("uid", options.uid());
		}
		if (options.gid() != null) {
			body.put("gid", options.gid());
		}
		if (!options.env().isEmpty()) {
			body.put("envs", options.env());
		}
		return body;
	}

	/**
	 * Interrupt a running command ({@code DELETE /command?id=}).
	 * @param commandId the command id
	 * @return completes when execd accepted the interrupt
	 */
	public Mono<Void> interruptCommand(String commandId) {
		Assert.hasText(commandId, "Command id must not be empty");
		return call(HttpMethod.DELETE, "/command?id={id}",
				this.webClient.delete().uri("/command?id={id}", commandId).retrieve(), Void.class);
	}

	/**
	 * Get the status of a command.
	 * @param commandId the command id
	 * @return the status
	 */
	public Mono<CommandStatus> commandStatus(String commandId) {
		String id = Identifiers.require(commandId, "Command id");
		return call(HttpMethod.GET, "/command/status/{id}",
				this.webClient.get().uri("/command/status/{id}", id).retrieve(), CommandStatusJson.class)
			.map(CommandStatusJson::toStatus);
	}

	/**
	 * Read a background command's output after a cursor.
	 * @param commandId the command id
	 * @param cursor the cursor from the previous read, or {@code null} for all output
	 * @return the output and the next cursor
	 */
	public Mono<CommandLogs> commandLogs(String commandId, @Nullable Long cursor) {
		String id = Identifiers.require(commandId, "Command id");
		Assert.isTrue(cursor == null || cursor >= 0, "Cursor must not be negative");
		String template = (cursor != null) ? "/command/{id}/logs?cursor={cursor}" : "/command/{id}/logs";
		Map<String, Object> variables = new LinkedHashMap<>();
		variables.put("id", id);
		if (cursor != null) {
			variables.put("cursor", cursor);
		}
		return this.webClient.get()
			.uri(template, variables)
			.accept(MediaType.TEXT_PLAIN, MediaType.ALL)
			.retrieve()
			.onStatus(HttpStatusCode::isError, ErrorTranslator::translate)
			.toEntity(String.class)
			.map((entity) -> {
				String next = entity.getHeaders().getFirst(LOGS_CURSOR_HEADER);
				String text = (entity.getBody() != null) ? entity.getBody() : "";
				return new CommandLogs(text, parseCursor(next, (cursor != null) ? cursor : 0));
			})
			.onErrorMap((failure) -> ErrorTranslator.translate(failure, "GET " + this.baseUrl + template));
	}

	private static long parseCursor(@Nullable String value, long fallback) {
		if (value == null || value.isBlank()) {
			return fallback;
		}
		try {
			return Long.parseLong(value.strip());
		}
		catch (NumberFormatException ex) {
			return fallback;
		}
	}

	/**
	 * POST a request whose answer is an event stream, and watch the stream: pings count
	 * as activity and are dropped, silence longer than the idle timeout fails it, a
	 * stream without a terminal event fails it, and a cancelled stream calls the
	 * interrupt with the execution id.
	 */
	private Flux<ExecutionEvent> stream(String path, Object body,
			java.util.function.Function<String, Mono<Void>> interrupt) {
		String request = "POST " + this.baseUrl + path;
		return Flux.defer(() -> {
			AtomicReference<String> executionId = new AtomicReference<>();
			AtomicBoolean started = new AtomicBoolean();
			AtomicBoolean finished = new AtomicBoolean();
			Flux<DataBuffer> bytes = this.webClient.post()
				.uri(path)
				.contentType(MediaType.APPLICATION_JSON)
				.accept(MediaType.TEXT_EVENT_STREAM)
				.bodyValue(body)
				.retrieve()
				.onStatus(HttpStatusCode::isError, ErrorTranslator::translate)
				.bodyToFlux(DataBuffer.class);
			return ExecdStreamDecoder.decode(bytes)
				.timeout(this.streamIdleTimeout)
				.doOnNext((event) -> {
					started.set(true);
					if (event.type() == ExecutionEvent.Type.INIT && event.text() != null) {
						executionId.compareAndSet(null, event.text());
					}
					if (event.isTerminal()) {
						finished.set(true);
					}
				})
				.filter((event) -> event.type() != ExecutionEvent.Type.PING)
				.concatWith(Flux.defer(() -> finished.get() ? Flux.empty()
						: Flux.error(new OpenSandboxStreamException(
								request + ": the stream ended before the execution finished", null))))
				.onErrorMap((failure) -> streamFailure(failure, request, started.get() && !finished.get()))
				.doOnCancel(() -> {
					String id = executionId.get();
					if (id != null && !finished.get()) {
						interrupt.apply(id)
							.subscribe(null, (ex) -> logger.debug("Interrupting execution " + id + " failed", ex));
					}
				});
		});
	}

	private Throwable streamFailure(Throwable failure, String request, boolean midStream) {
		if (failure instanceof TimeoutException) {
			return new OpenSandboxStreamException(request + ": no event (not even a ping) for "
					+ this.streamIdleTimeout.toMillis() + " ms", failure);
		}
		Throwable translated = ErrorTranslator.translate(failure, request);
		if (midStream && translated instanceof OpenSandboxException
				&& !(translated instanceof OpenSandboxStreamException)) {
			return new OpenSandboxStreamException(request + ": " + translated.getMessage(), failure);
		}
		return translated;
	}

	private <T> Mono<T> call(HttpMethod method, String template, WebClient.ResponseSpec response, Class<T> type) {
		return response.onStatus(HttpStatusCode::isError, ErrorTranslator::translate)
			.bodyToMono(type)
			.onErrorMap((failure) -> ErrorTranslator.translate(failure, method + " " + this.baseUrl + template));
	}

	/**
	 * execd's command status as JSON.
	 */
	record CommandStatusJson(@Nullable String id, @Nullable String content, @Nullable Boolean running,
			@Nullable Integer exit_code, @Nullable String error, @Nullable String started_at,
			@Nullable String finished_at) {

		CommandStatus toStatus() {
			return new CommandStatus(LifecycleWire.require(this.id, "id"), this.content,
					Boolean.TRUE.equals(this.running), this.exit_code, this.error,
					Timestamps.parse(this.started_at, "started_at"), Timestamps.parse(this.finished_at, "finished_at"));
		}

	}

}
