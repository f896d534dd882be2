package io.opensandbox.spring.client;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.util.Assert;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClientRequest;

import io.opensandbox.spring.error.OpenSandboxStreamException;
import io.opensandbox.spring.model.CodeContext;
import io.opensandbox.spring.model.CommandOptions;
import io.opensandbox.spring.model.CommandStatus;
import io.opensandbox.spring.model.ExecutionEvent;
import io.opensandbox.spring.model.SandboxEndpoint;
import io.opensandbox.spring.model.SandboxMetrics;
import io.opensandbox.spring.observation.OpenSandboxObservations;

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

	private final OpenSandboxObservations observations;

	/**
	 * Create a client. The builder is cloned, never changed.
	 * @param builder the builder to start from (connector, observation, customizations)
	 * @param endpoint the execd endpoint of the sandbox
	 * @param protocol {@code http} or {@code https}
	 * @param accessToken execd's access token, if it requires one
	 * @param headers extra headers for every request
	 * @param streamIdleTimeout how long a stream may stay silent (pings included) before
	 * it fails
	 */
	public ExecdClient(WebClient.Builder builder, SandboxEndpoint endpoint, String protocol,
			@Nullable String accessToken, Map<String, String> headers, Duration streamIdleTimeout) {
		this(builder, endpoint, protocol, accessToken, headers, streamIdleTimeout, OpenSandboxObservations.NOOP);
	}

	/**
	 * Create a client that records an {@code opensandbox.command.execution} observation
	 * spanning every command, session and code stream.
	 * @param builder the builder to start from (connector, observation, customizations)
	 * @param endpoint the execd endpoint of the sandbox
	 * @param protocol {@code http} or {@code https}
	 * @param accessToken execd's access token, if it requires one
	 * @param headers extra headers for every request
	 * @param streamIdleTimeout how long a stream may stay silent (pings included) before
	 * it fails
	 * @param observations where observations go
	 */
	public ExecdClient(WebClient.Builder builder, SandboxEndpoint endpoint, String protocol,
			@Nullable String accessToken, Map<String, String> headers, Duration streamIdleTimeout,
			OpenSandboxObservations observations) {
		Assert.isTrue(streamIdleTimeout != null && !streamIdleTimeout.isNegative() && !streamIdleTimeout.isZero(),
				"Stream idle timeout must be positive");
		this.baseUrl = endpoint.url(protocol);
		this.streamIdleTimeout = streamIdleTimeout;
		this.observations = observations;
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
	 * Check once, without the retry filter, that execd answers ({@code GET /ping}): for a
	 * caller that probes on its own schedule.
	 * @return completes when execd answered
	 */
	public Mono<Void> probe() {
		return call(HttpMethod.GET, "/ping",
				this.webClient.get().uri("/ping").attribute(RetryFilter.SINGLE_ATTEMPT, true).retrieve(), Void.class);
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
		return this.observations.execution("command", stream("/command", Map.of(), body, this::interruptCommand));
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
		return stream("/command", Map.of(), body, (id) -> Mono.empty())
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
	public Mono<CommandStatus.Logs> commandLogs(String commandId, @Nullable Long cursor) {
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
			.onStatus(ErrorTranslator::isFailure, ErrorTranslator::translate)
			.toEntity(String.class)
			.map((entity) -> {
				String next = entity.getHeaders().getFirst(LOGS_CURSOR_HEADER);
				String text = (entity.getBody() != null) ? entity.getBody() : "";
				// Without the cursor header, move past the lines received so they are not
				// read again
				long fallback = ((cursor != null) ? cursor : 0) + text.chars().filter((c) -> c == '\n').count();
				return new CommandStatus.Logs(text, parseCursor(next, fallback));
			})
			.onErrorMap((failure) -> ErrorTranslator.translate(failure, "GET " + this.baseUrl + template));
	}

	/**
	 * Open a bash session whose state (working directory, exported variables) persists
	 * between runs.
	 * @param cwd the initial working directory, or {@code null} for execd's default
	 * @return the session id
	 */
	public Mono<String> createSession(@Nullable String cwd) {
		Assert.isTrue(cwd == null || !cwd.isBlank(), "Working directory must not be blank");
		Map<String, Object> body = (cwd != null) ? Map.of("cwd", cwd) : Map.of();
		return call(HttpMethod.POST, "/session",
				this.webClient.post()
					.uri("/session")
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(body)
					.retrieve(),
				SessionJson.class)
			.map((session) -> LifecycleWire.require(session.session_id(), "session_id"));
	}

	/**
	 * Run a command in a bash session and stream its events, with the same guarantees as
	 * {@link #runCommand}. execd has no interrupt for session runs: cancelling stops
	 * reading, and the command ends at its timeout.
	 * @param sessionId the session id
	 * @param command the shell command
	 * @param cwd a working directory for this run, or {@code null}
	 * @param timeout a time limit for this run, or {@code null}
	 * @return the events
	 */
	public Flux<ExecutionEvent> runInSession(String sessionId, String command, @Nullable String cwd,
			@Nullable Duration timeout) {
		String id = Identifiers.require(sessionId, "Session id");
		Assert.hasText(command, "Command must not be empty");
		Assert.isTrue(timeout == null || (!timeout.isNegative() && !timeout.isZero()), "Timeout must be positive");
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("command", command);
		if (cwd != null) {
			body.put("cwd", cwd);
		}
		if (timeout != null) {
			body.put("timeout", timeout.toMillis());
		}
		return this.observations.execution("session",
				stream("/session/{id}/run", Map.of("id", id), body, (executionId) -> Mono.empty()));
	}

	/**
	 * Close a bash session.
	 * @param sessionId the session id
	 * @return completes when execd deleted the session
	 */
	public Mono<Void> deleteSession(String sessionId) {
		String id = Identifiers.require(sessionId, "Session id");
		return call(HttpMethod.DELETE, "/session/{id}", this.webClient.delete().uri("/session/{id}", id).retrieve(),
				Void.class);
	}

	/**
	 * Create a code interpreter context.
	 * @param language the language, for example {@code python}
	 * @return the context
	 */
	public Mono<CodeContext> createContext(String language) {
		Assert.hasText(language, "Language must not be empty");
		return call(HttpMethod.POST, "/code/context",
				this.webClient.post()
					.uri("/code/context")
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(Map.of("language", language))
					.retrieve(),
				ContextJson.class)
			.map(ContextJson::toContext);
	}

	/**
	 * Get a code interpreter context.
	 * @param contextId the context id
	 * @return the context
	 */
	public Mono<CodeContext> getContext(String contextId) {
		String id = Identifiers.require(contextId, "Context id");
		return call(HttpMethod.GET, "/code/contexts/{id}",
				this.webClient.get().uri("/code/contexts/{id}", id).retrieve(), ContextJson.class)
			.map(ContextJson::toContext);
	}

	/**
	 * List code interpreter contexts.
	 * @param language only contexts of this language, or {@code null} for all
	 * @return the contexts
	 */
	public Mono<List<CodeContext>> listContexts(@Nullable String language) {
		String template = (language != null) ? "/code/contexts?language={language}" : "/code/contexts";
		Map<String, Object> variables = (language != null) ? Map.of("language", language) : Map.of();
		return call(HttpMethod.GET, template, this.webClient.get().uri(template, variables).retrieve(),
				ContextJson[].class)
			.map((contexts) -> java.util.Arrays.stream(contexts).map(ContextJson::toContext).toList());
	}

	/**
	 * Delete a code interpreter context.
	 * @param contextId the context id
	 * @return completes when execd deleted it
	 */
	public Mono<Void> deleteContext(String contextId) {
		String id = Identifiers.require(contextId, "Context id");
		return call(HttpMethod.DELETE, "/code/contexts/{id}",
				this.webClient.delete().uri("/code/contexts/{id}", id).retrieve(), Void.class);
	}

	/**
	 * Delete every code interpreter context of a language.
	 * @param language the language
	 * @return completes when execd deleted them
	 */
	public Mono<Void> deleteContexts(String language) {
		Assert.hasText(language, "Language must not be empty");
		return call(HttpMethod.DELETE, "/code/contexts?language={language}",
				this.webClient.delete().uri("/code/contexts?language={language}", language).retrieve(), Void.class);
	}

	/**
	 * Run code in a context and stream its events, with the same guarantees as
	 * {@link #runCommand}. Cancelling the subscription interrupts the run.
	 * @param code the source code
	 * @param context the context, or a language's default context
	 * @return the events
	 */
	public Flux<ExecutionEvent> runCode(String code, CodeContext context) {
		Assert.hasText(code, "Code must not be empty");
		Assert.notNull(context, "Context must not be null");
		Map<String, Object> contextBody = new LinkedHashMap<>();
		if (context.id() != null) {
			contextBody.put("id", context.id());
		}
		contextBody.put("language", context.language());
		Map<String, Object> body = Map.of("code", code, "context", contextBody);
		return this.observations.execution("code", stream("/code", Map.of(), body,
				(executionId) -> interruptCode((context.id() != null) ? context.id() : executionId)));
	}

	/**
	 * Interrupt running code ({@code DELETE /code?id=}).
	 * @param contextId the context id
	 * @return completes when execd accepted the interrupt
	 */
	public Mono<Void> interruptCode(String contextId) {
		Assert.hasText(contextId, "Context id must not be empty");
		return call(HttpMethod.DELETE, "/code?id={id}",
				this.webClient.delete().uri("/code?id={id}", contextId).retrieve(), Void.class);
	}

	/**
	 * Resource usage inside the sandbox now.
	 * @return the metrics
	 */
	public Mono<SandboxMetrics> metrics() {
		return call(HttpMethod.GET, "/metrics", this.webClient.get().uri("/metrics").retrieve(), MetricsJson.class)
			.map(MetricsJson::toMetrics);
	}

	/**
	 * Resource usage inside the sandbox, once a second until the subscription is
	 * cancelled.
	 * @return the metrics
	 */
	public Flux<SandboxMetrics> watchMetrics() {
		String request = "GET " + this.baseUrl + "/metrics/watch";
		Flux<DataBuffer> bytes = this.webClient.get()
			.uri("/metrics/watch")
			.accept(MediaType.TEXT_EVENT_STREAM, MediaType.ALL)
			.httpRequest(this::streamResponseTimeout)
			.retrieve()
			.onStatus(ErrorTranslator::isFailure, ErrorTranslator::translate)
			.bodyToFlux(DataBuffer.class)
			.timeout(this.streamIdleTimeout);
		return ExecdStreamDecoder.decode(bytes, MetricsJson.class)
			.map(MetricsJson::toMetrics)
			.concatWith(Flux.error(() -> new OpenSandboxStreamException(
					request + ": execd ended the metrics stream, which only ends when cancelled", null)))
			.onErrorMap((failure) -> streamFailure(failure, request, true));
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

	/*
	 * POST a request whose answer is an event stream, and watch the stream: pings count
	 * as activity and are dropped, silence longer than the idle timeout fails it, a
	 * stream without a terminal event fails it, and a cancelled stream calls the
	 * interrupt with the execution id. The events of each network buffer are decoded and
	 * watched together; only their delivery is per event.
	 */
	private Flux<ExecutionEvent> stream(String template, Map<String, ?> variables, Object body,
			Function<String, Mono<Void>> interrupt) {
		String request = "POST " + this.baseUrl + template;
		return Flux.defer(() -> {
			ExecdStreamDecoder<ExecutionEvent> decoder = ExecdStreamDecoder.events();
			StreamProgress progress = new StreamProgress();
			Flux<DataBuffer> bytes = this.webClient.post()
				.uri(template, variables)
				.contentType(MediaType.APPLICATION_JSON)
				.accept(MediaType.TEXT_EVENT_STREAM)
				.httpRequest(this::streamResponseTimeout)
				.bodyValue(body)
				.retrieve()
				.onStatus(ErrorTranslator::isFailure, ErrorTranslator::translate)
				.bodyToFlux(DataBuffer.class)
				// Silence is measured on the network buffers, not per event: one timer
				// per
				// buffer instead of one per line keeps decoding fast
				.timeout(this.streamIdleTimeout);
			return bytes.concatMapIterable((buffer) -> progress.watch(decoder.feed(buffer)))
				.concatWith(Flux.defer(() -> {
					Flux<ExecutionEvent> last = Flux.fromIterable(progress.watch(decoder.finish()));
					return progress.finished ? last : last.concatWith(Flux.error(() -> new OpenSandboxStreamException(
							request + ": the stream ended before the execution finished", null)));
				}))
				.onErrorMap((failure) -> streamFailure(failure, request, progress.started && !progress.finished))
				.doOnCancel(() -> {
					String id = progress.executionId;
					if (id != null && !progress.finished) {
						interrupt.apply(id)
							.subscribe(null, (ex) -> logger.debug("Interrupting execution " + id + " failed", ex));
					}
				});
		});
	}

	/*
	 * Streams are bounded by the stream idle timeout, not by the HTTP read timeout, which
	 * is meant for ordinary responses and may be shorter. The connection's own timeout is
	 * set a little later so that the idle timeout reports the silence.
	 */
	private void streamResponseTimeout(ClientHttpRequest request) {
		if (request.getNativeRequest() instanceof HttpClientRequest reactorRequest) {
			reactorRequest.responseTimeout(this.streamIdleTimeout.plusSeconds(1));
		}
	}

	private Throwable streamFailure(Throwable failure, String request, boolean midStream) {
		return ErrorTranslator.translateStream(failure, request, midStream ? "mid-way" : null, this.streamIdleTimeout);
	}

	private <T> Mono<T> call(HttpMethod method, String template, WebClient.ResponseSpec response, Class<T> type) {
		return ErrorTranslator.body(response, type, method + " " + this.baseUrl + template);
	}

	/*
	 * execd's session as JSON.
	 */
	record SessionJson(@Nullable String session_id) {
	}

	/*
	 * A code context as JSON.
	 */
	record ContextJson(@Nullable String id, @Nullable String language) {

		CodeContext toContext() {
			return new CodeContext((this.id != null && !this.id.isBlank()) ? this.id : null,
					LifecycleWire.require(this.language, "language"));
		}

	}

	/*
	 * Sandbox metrics as JSON.
	 */
	record MetricsJson(double cpu_count, double cpu_used_pct, double mem_total_mib, double mem_used_mib,
			@Nullable Long timestamp) {

		SandboxMetrics toMetrics() {
			return new SandboxMetrics(this.cpu_count, this.cpu_used_pct, this.mem_total_mib, this.mem_used_mib,
					(this.timestamp != null) ? java.time.Instant.ofEpochMilli(this.timestamp) : null);
		}

	}

	/*
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

	/**
	 * What one stream has shown so far, read once per network buffer.
	 */
	private static final class StreamProgress {

		volatile boolean started;

		volatile boolean finished;

		volatile @Nullable String executionId;

		/**
		 * Take note of the events of one buffer and drop its pings.
		 * @param events the events, in a list this stream owns
		 * @return the events to deliver
		 */
		List<ExecutionEvent> watch(List<ExecutionEvent> events) {
			boolean pings = false;
			for (ExecutionEvent event : events) {
				ExecutionEvent.Type type = event.type();
				if (type == ExecutionEvent.Type.PING) {
					pings = true;
				}
				else if (type == ExecutionEvent.Type.INIT && event.text() != null && this.executionId == null) {
					this.executionId = event.text();
				}
				else if (event.isTerminal()) {
					this.finished = true;
				}
			}
			if (!events.isEmpty()) {
				this.started = true;
			}
			if (pings) {
				events.removeIf((event) -> event.type() == ExecutionEvent.Type.PING);
			}
			return events;
		}

	}

}
