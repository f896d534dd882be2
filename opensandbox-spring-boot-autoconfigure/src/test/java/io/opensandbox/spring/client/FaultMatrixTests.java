package io.opensandbox.spring.client;

import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;

import io.opensandbox.spring.client.FaultInjectingServer.Answer;
import io.opensandbox.spring.client.FaultInjectingServer.Exchange;
import io.opensandbox.spring.core.Execution;
import io.opensandbox.spring.core.Executions;
import io.opensandbox.spring.core.OpenSandboxConnection;
import io.opensandbox.spring.core.ReactiveSandboxManager;
import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.error.OpenSandboxException;
import io.opensandbox.spring.error.OpenSandboxIoException;
import io.opensandbox.spring.error.OpenSandboxProtocolException;
import io.opensandbox.spring.error.OpenSandboxStreamException;
import io.opensandbox.spring.error.OpenSandboxTimeoutException;
import io.opensandbox.spring.health.OpenSandboxHealthIndicator;
import io.opensandbox.spring.model.CommandOptions;
import io.opensandbox.spring.model.ExecutionEvent;
import io.opensandbox.spring.model.FileUpload;
import io.opensandbox.spring.model.SandboxEndpoint;
import io.opensandbox.spring.model.SandboxInfo;
import io.opensandbox.spring.model.SandboxSpec;

import static io.opensandbox.spring.client.FaultInjectingServer.chunked;
import static io.opensandbox.spring.client.FaultInjectingServer.closeMidRequest;
import static io.opensandbox.spring.client.FaultInjectingServer.closeWithoutResponse;
import static io.opensandbox.spring.client.FaultInjectingServer.delayed;
import static io.opensandbox.spring.client.FaultInjectingServer.resetBeforeResponse;
import static io.opensandbox.spring.client.FaultInjectingServer.resetMidBody;
import static io.opensandbox.spring.client.FaultInjectingServer.resetMidChunkedBody;
import static io.opensandbox.spring.client.FaultInjectingServer.resetMidRequest;
import static io.opensandbox.spring.client.FaultInjectingServer.respond;
import static io.opensandbox.spring.client.FaultInjectingServer.truncateBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The fault matrix: every network and server fault against every class of operation, each
 * cell with its specified outcome, as documented in the README ("Fault matrix"). A cell
 * either succeeds after a retry (the fault hits the first attempt, or the first two for a
 * 5xx storm, and the server then answers normally) or ends in a typed
 * {@link OpenSandboxException} (DOWN for health, which never throws). Every cell also
 * checks that it finished within {@link #BOUND} (the "never hangs" guard: a safety bound,
 * not a performance assertion), that nothing partial was reported as a success, and how
 * many attempts the client made and the server saw: where a cell ends in an error, the
 * server would have answered the next attempt normally, so one attempt proves the call
 * was not retried.
 * <p>
 * Faults are shaped on the wire by a raw-socket server on 127.0.0.1
 * ({@link FaultInjectingServer}). Clients share a {@code WebClient.Builder} with a 500 ms
 * read timeout and the one {@link RetryFilter} (3 attempts, 20 to 200 ms backoff, 5 s
 * deadline), plus a filter inside the policy that counts attempts. The unknown host is
 * {@code does-not-exist.invalid}: the only traffic that leaves the machine is a DNS
 * lookup to the local resolver, bounded at {@link #DNS_QUERY_TIMEOUT} in case it does not
 * answer (the cells then end the same way, only later).
 *
 * @author OpenSandbox Spring Boot
 */
class FaultMatrixTests {

	/** The "never hangs" guard of every cell. */
	private static final Duration BOUND = Duration.ofSeconds(10);

	private static final Duration READ_TIMEOUT = Duration.ofMillis(500);

	private static final Duration STREAM_IDLE_TIMEOUT = Duration.ofSeconds(2);

	private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);

	/** Longer than every timeout involved: the read timeout, the stream idle timeout. */
	private static final Duration SLOW_HEADERS_DELAY = Duration.ofSeconds(5);

	/**
	 * Bounds each DNS lookup of the unknown-host cells, so that a resolver that does not
	 * answer still lets them make their attempts within the retry deadline.
	 */
	private static final Duration DNS_QUERY_TIMEOUT = Duration.ofMillis(500);

	/** The {@code .invalid} top-level domain never resolves (RFC 6761). */
	private static final String UNKNOWN_HOST = "does-not-exist.invalid:80";

	private static final String JSON = "application/json";

	private static final String EVENT_STREAM = "text/event-stream";

	private static final String OCTET_STREAM = "application/octet-stream";

	private static final String SANDBOX_ID = "abc";

	private static final String FILE = "/tmp/x";

	private static final String SANDBOX_JSON = """
			{"id":"abc","status":{"state":"Running"},"entrypoint":["tail","-f","/dev/null"],\
			"createdAt":"2026-01-01T00:00:00Z"}""";

	private static final String CREATED_JSON = """
			{"id":"abc","status":{"state":"Pending"},"entrypoint":["tail","-f","/dev/null"],\
			"createdAt":"2026-01-01T00:00:00Z"}""";

	private static final String HEALTHY_JSON = "{\"status\":\"healthy\"}";

	private static final String EMPTY_PAGE_JSON = """
			{"items":[],"pagination":{"page":1,"pageSize":1,"totalItems":0,"totalPages":0,"hasNextPage":false}}""";

	private static final String INIT = "{\"type\":\"init\",\"text\":\"cmd-1\",\"timestamp\":1700000000000}\n\n";

	private static final String STDOUT = "{\"type\":\"stdout\",\"text\":\"hello\",\"timestamp\":1700000000001}\n\n";

	private static final String COMPLETE = "{\"type\":\"execution_complete\",\"timestamp\":1700000000002,"
			+ "\"execution_time\":3}\n\n";

	/**
	 * Large enough that the client is still sending when the server breaks the connection
	 * after {@link #UPLOAD_READ_BEFORE_FAULT} bytes: more than loopback socket buffers
	 * hold.
	 */
	private static final byte[] UPLOAD = generate(16 * 1024 * 1024);

	private static final int UPLOAD_READ_BEFORE_FAULT = 64 * 1024;

	private static final byte[] DOWNLOAD = generate(4096);

	private static final SandboxSpec SPEC = SandboxSpec.builder()
		.image("python:3.12")
		.entrypoint("tail", "-f", "/dev/null")
		.resource("cpu", "1")
		.timeout(Duration.ofMinutes(5))
		.build();

	private static final Class<OpenSandboxIoException> IO = OpenSandboxIoException.class;

	private static final Class<OpenSandboxStreamException> STREAM = OpenSandboxStreamException.class;

	private static final Class<OpenSandboxProtocolException> PROTOCOL = OpenSandboxProtocolException.class;

	private static final Class<OpenSandboxApiException.ServerError> SERVER = OpenSandboxApiException.ServerError.class;

	private static final Class<OpenSandboxApiException.RateLimited> RATE_LIMITED = OpenSandboxApiException.RateLimited.class;

	private static final Class<OpenSandboxTimeoutException> TIMEOUT = OpenSandboxTimeoutException.class;

	/** Attempts the client made, by route, counted inside the retry policy. */
	private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

	@TempDir
	private Path temp;

	/**
	 * Every cell of the matrix with its expected outcome. Rows are faults, columns the
	 * operation classes in {@link Operation} order; the README's table shows the same.
	 */
	static Stream<Arguments> matrix() {
		return Stream.of(
		// @formatter:off
			//   fault                             lifecycle read       lifecycle write      command stream       file upload          file download        health
			row(Fault.CONNECTION_REFUSED,          retried(2),          retried(2),          retried(2),          retried(2),          retried(2),          retried(2)),
			row(Fault.RESET_BEFORE_RESPONSE,       retried(2),          error(IO),           error(IO),           error(IO),           retried(2),          retried(2)),
			row(Fault.RESET_MID_BODY,              error(IO),           error(IO),           error(STREAM),       error(IO),           error(STREAM),       down(IO)),
			row(Fault.EMPTY_RESPONSE,              retried(2),          error(IO),           error(IO),           error(IO),           retried(2),          retried(2)),
			row(Fault.MALFORMED_JSON,              error(PROTOCOL),     error(PROTOCOL),     error(STREAM),       error(SERVER, 500),  error(SERVER, 500),  down(PROTOCOL)),
			row(Fault.TRUNCATED_STREAM,            error(IO),           error(IO),           error(STREAM),       error(IO),           error(STREAM),       down(IO)),
			row(Fault.SERVER_ERROR_STORM,          retried(3),          error(SERVER, 502),  error(SERVER, 502),  error(SERVER, 502),  retried(3),          retried(3)),
			row(Fault.SERVER_ERROR_STORM_OUTLASTING_RETRIES, error(SERVER, 503, 3), error(SERVER, 503), error(SERVER, 503), error(SERVER, 503), error(SERVER, 503, 3), down(SERVER, 503, 3)),
			row(Fault.RATE_LIMITED,                retried(2),          error(RATE_LIMITED, 429), error(RATE_LIMITED, 429), error(RATE_LIMITED, 429), retried(2), retried(2)),
			row(Fault.SLOW_HEADERS,                error(TIMEOUT),      error(TIMEOUT),      error(STREAM),       error(TIMEOUT),      error(TIMEOUT),      down(TIMEOUT)),
			row(Fault.UNKNOWN_HOST,                error(IO, null, 3),  error(IO),           error(IO),           error(IO),           error(IO, null, 3),  down(IO, null, 3))
		// @formatter:on
		).flatMap(Function.identity());
	}

	@ParameterizedTest(name = "{0} / {1} -> {2}")
	@MethodSource("matrix")
	void everyCellEndsInItsSpecifiedOutcomeWithinTheBound(Fault fault, Operation operation, Expected expected)
			throws Exception {
		try (FaultInjectingServer server = (fault == Fault.CONNECTION_REFUSED) ? FaultInjectingServer.notListening()
				: FaultInjectingServer.listening()) {
			for (Operation other : Operation.values()) {
				server.script(other.route, success(other));
			}
			server.script(Operation.HEALTH_LIST_ROUTE, respond(200, JSON, EMPTY_PAGE_JSON));
			server.script(operation.route, answers(fault, operation));
			Clients clients = clients(server, fault);
			Result result = assertTimeoutPreemptively(BOUND, () -> run(operation, clients),
					() -> fault + " / " + operation + " did not end within " + BOUND);
			assertOutcome(fault, operation, expected, result, server);
			assertAttempts(fault, operation, expected, server);
			if (fault == Fault.RATE_LIMITED && expected.kind() == Kind.RETRIED_THEN_SUCCESS) {
				assertRetryAfterWasHonoured(server.received(operation.route));
			}
			if (operation == Operation.FILE_DOWNLOAD
					&& (fault == Fault.TRUNCATED_STREAM || fault == Fault.RESET_MID_BODY)) {
				assertPartialDownloadLeavesNoFile(fault, expected, server, clients);
			}
		}
	}

	private Result run(Operation operation, Clients clients) {
		List<ExecutionEvent> events = new CopyOnWriteArrayList<>();
		try {
			Object value = switch (operation) {
				case LIFECYCLE_READ -> clients.lifecycle().get(SANDBOX_ID).block();
				case LIFECYCLE_WRITE -> clients.lifecycle().create(SPEC).block();
				case COMMAND_STREAM -> clients.execd()
					.runCommand("echo hello", CommandOptions.defaults())
					.doOnNext(events::add)
					.collectList()
					.block();
				case FILE_UPLOAD -> clients.files().write(FileUpload.of(FILE, UPLOAD)).thenReturn(true).block();
				case FILE_DOWNLOAD -> clients.files().readBytes(FILE).block();
				case HEALTH -> clients.health().health().block();
			};
			return new Result(value, null, events);
		}
		catch (RuntimeException ex) {
			return new Result(null, ex, events);
		}
	}

	private void assertOutcome(Fault fault, Operation operation, Expected expected, Result result,
			FaultInjectingServer server) {
		if (operation == Operation.HEALTH) {
			assertThat(result.failure()).as("health never throws").isNull();
			Health health = (Health) result.value();
			assertThat(health).isNotNull();
			if (expected.kind() == Kind.RETRIED_THEN_SUCCESS) {
				assertThat(health.getStatus()).as("health after the retry").isEqualTo(Status.UP);
				assertThat(attempts(Operation.HEALTH_LIST_ROUTE)).as("authenticated check after /health").isEqualTo(1);
			}
			else {
				assertThat(health.getStatus()).as(() -> "health " + health.getDetails()).isEqualTo(Status.DOWN);
				assertThat((String) health.getDetails().get("error")).startsWith(expected.error().getName() + ": ");
				if (expected.status() != null) {
					assertThat(health.getDetails()).containsEntry("httpStatus", expected.status());
				}
				assertThat(attempts(Operation.HEALTH_LIST_ROUTE)).as("no authenticated check after a failure").isZero();
			}
			return;
		}
		if (expected.kind() == Kind.RETRIED_THEN_SUCCESS) {
			assertThat(result.failure()).as("failure").isNull();
			assertComplete(operation, result.value(), server);
			return;
		}
		// A typed error, and no value: what arrived before the fault is not a result
		assertThat(result.value()).as("value returned despite the fault").isNull();
		assertThat(result.failure()).as(() -> "failure, after events " + result.events())
			.isExactlyInstanceOf(expected.error());
		if (expected.status() != null) {
			assertThat(((OpenSandboxApiException) result.failure()).getStatusCode()).isEqualTo(expected.status());
		}
		if (result.failure() instanceof OpenSandboxApiException.RateLimited rateLimited) {
			assertThat(rateLimited.getRetryAfter()).isEqualTo(Duration.ofSeconds(1));
		}
		if (operation == Operation.COMMAND_STREAM
				&& (fault == Fault.RESET_MID_BODY || fault == Fault.TRUNCATED_STREAM)) {
			// The stream really started: events arrived, and still the call failed
			assertThat(result.events()).extracting(ExecutionEvent::type)
				.containsExactly(ExecutionEvent.Type.INIT, ExecutionEvent.Type.STDOUT);
		}
	}

	/**
	 * A success is the whole answer, exactly as the server sent it.
	 */
	private static void assertComplete(Operation operation, @Nullable Object value, FaultInjectingServer server) {
		switch (operation) {
			case LIFECYCLE_READ -> {
				SandboxInfo info = (SandboxInfo) value;
				assertThat(info.id()).isEqualTo(SANDBOX_ID);
				assertThat(info.state()).isEqualTo(SandboxInfo.State.RUNNING);
			}
			case LIFECYCLE_WRITE -> {
				SandboxInfo info = (SandboxInfo) value;
				assertThat(info.id()).isEqualTo(SANDBOX_ID);
				assertThat(info.state()).isEqualTo(SandboxInfo.State.PENDING);
			}
			case COMMAND_STREAM -> {
				@SuppressWarnings("unchecked")
				List<ExecutionEvent> events = (List<ExecutionEvent>) value;
				assertThat(events).extracting(ExecutionEvent::type)
					.containsExactly(ExecutionEvent.Type.INIT, ExecutionEvent.Type.STDOUT,
							ExecutionEvent.Type.EXECUTION_COMPLETE);
				Execution execution = Executions.of(events);
				assertThat(execution.exitCode()).hasValue(0);
				assertThat(execution.stdoutText()).isEqualTo("hello");
			}
			case FILE_UPLOAD -> {
				assertThat(value).isEqualTo(true);
				List<Exchange> uploads = server.received(operation.route);
				Exchange last = uploads.get(uploads.size() - 1);
				assertThat(last.complete()).isTrue();
				assertThat(containsFileContent(last.body(), UPLOAD)).as("the uploaded content arrived whole").isTrue();
			}
			case FILE_DOWNLOAD -> assertThat((byte[]) value).isEqualTo(DOWNLOAD);
			case HEALTH -> throw new IllegalStateException("Health is checked by its status");
		}
	}

	private void assertAttempts(Fault fault, Operation operation, Expected expected, FaultInjectingServer server) {
		assertThat(attempts(operation.route)).as("attempts the client made").isEqualTo(expected.attempts());
		// A refused connection and an unknown host never reach the server
		int seen = switch (fault) {
			case CONNECTION_REFUSED -> expected.attempts() - 1;
			case UNKNOWN_HOST -> 0;
			default -> expected.attempts();
		};
		assertThat(server.received(operation.route)).as("attempts the server saw").hasSize(seen);
	}

	/**
	 * {@code Retry-After: 1} is capped at the 200 ms maximum backoff; without it the
	 * retry would follow after the 10 to 20 ms initial backoff.
	 */
	private static void assertRetryAfterWasHonoured(List<Exchange> received) {
		Duration gap = Duration.ofNanos(received.get(1).arrivedNanos() - received.get(0).arrivedNanos());
		assertThat(gap).isGreaterThanOrEqualTo(Duration.ofMillis(190));
	}

	/**
	 * The same broken body, streamed to a file: the download fails the same way, and the
	 * target (which existed before) is not left behind holding part of the file.
	 */
	private void assertPartialDownloadLeavesNoFile(Fault fault, Expected expected, FaultInjectingServer server,
			Clients clients) throws Exception {
		Path target = this.temp.resolve("x");
		Files.writeString(target, "an older copy");
		server.script(Operation.FILE_DOWNLOAD.route, answers(fault, Operation.FILE_DOWNLOAD));
		Result result = assertTimeoutPreemptively(BOUND,
				() -> attempt(() -> clients.files().download(FILE, target).block()));
		assertThat(result.value()).as("bytes reported as downloaded").isNull();
		assertThat(result.failure()).isExactlyInstanceOf(expected.error());
		assertThat(target).doesNotExist();
		assertThat(attempts(Operation.FILE_DOWNLOAD.route)).isEqualTo(expected.attempts() + 1);
	}

	private static Result attempt(Supplier<@Nullable Object> call) {
		try {
			return new Result(call.get(), null, List.of());
		}
		catch (RuntimeException ex) {
			return new Result(null, ex, List.of());
		}
	}

	private Clients clients(FaultInjectingServer server, Fault fault) {
		String address = (fault == Fault.UNKNOWN_HOST) ? UNKNOWN_HOST : "127.0.0.1:" + server.port();
		HttpClient http = HttpClient.create().responseTimeout(READ_TIMEOUT);
		if (fault == Fault.UNKNOWN_HOST) {
			// The local resolver answers NXDOMAIN at once here; one that does not answer
			// would hold each lookup for Reactor Netty's default 5 s query timeout
			http = http.resolver((spec) -> spec.queryTimeout(DNS_QUERY_TIMEOUT));
		}
		WebClient.Builder builder = WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(http))
			.filter(new RetryFilter(true, 3, Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(5))
				.asFilter())
			.filter(countAttempts(server));
		LifecycleClient lifecycle = new LifecycleClient(builder, ServerAddress.of(address, "http"), "key", Map.of());
		SandboxEndpoint endpoint = new SandboxEndpoint(address, Map.of());
		return new Clients(lifecycle, new ExecdClient(builder, endpoint, "http", null, Map.of(), STREAM_IDLE_TIMEOUT),
				new ExecdFilesClient(builder, endpoint, "http", null, Map.of()),
				new OpenSandboxHealthIndicator(
						ReactiveSandboxManager
							.create(OpenSandboxConnection.builder(builder).domain(address).apiKey("key").build()),
						URI.create("http://" + address), null, HEALTH_TIMEOUT));
	}

	/**
	 * Counts every attempt, inside the retry policy. A refused connection also brings the
	 * server up, as a restarting server would, so the retry finds it listening.
	 */
	private ExchangeFilterFunction countAttempts(FaultInjectingServer server) {
		return (request, next) -> {
			this.attempts.computeIfAbsent(route(request), (key) -> new AtomicInteger()).incrementAndGet();
			return next.exchange(request).doOnError((ex) -> {
				if (isRefused(ex)) {
					server.listen();
				}
			});
		};
	}

	private static boolean isRefused(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof ConnectException) {
				return true;
			}
		}
		return false;
	}

	private static String route(ClientRequest request) {
		return request.method().name() + " " + request.url().getPath();
	}

	private int attempts(String route) {
		AtomicInteger count = this.attempts.get(route);
		return (count != null) ? count.get() : 0;
	}

	private static Answer[] answers(Fault fault, Operation operation) {
		Answer success = success(operation);
		return switch (fault) {
			case CONNECTION_REFUSED, UNKNOWN_HOST -> new Answer[] { success };
			case RESET_BEFORE_RESPONSE -> new Answer[] { resetBeforeResponse(), success };
			case RESET_MID_BODY -> new Answer[] { brokenBody(operation, true), success };
			case EMPTY_RESPONSE -> new Answer[] { closeWithoutResponse(), success };
			case MALFORMED_JSON -> new Answer[] { malformedJson(operation), success };
			case TRUNCATED_STREAM -> new Answer[] { brokenBody(operation, false), success };
			case SERVER_ERROR_STORM -> new Answer[] { serverError(502), serverError(503), success };
			case SERVER_ERROR_STORM_OUTLASTING_RETRIES -> new Answer[] { serverError(503) };
			case RATE_LIMITED -> new Answer[] {
					respond(429, JSON, "{\"code\":\"RATE_LIMITED\",\"message\":\"slow down\"}", "Retry-After: 1"),
					success };
			case SLOW_HEADERS -> new Answer[] { delayed(SLOW_HEADERS_DELAY, success), success };
		};
	}

	private static Answer success(Operation operation) {
		return switch (operation) {
			case LIFECYCLE_READ -> respond(200, JSON, SANDBOX_JSON);
			case LIFECYCLE_WRITE -> respond(202, JSON, CREATED_JSON);
			case COMMAND_STREAM -> chunked(EVENT_STREAM, INIT, STDOUT, COMPLETE);
			case FILE_UPLOAD -> respond(200, "text/plain", "");
			case FILE_DOWNLOAD -> respond(200, OCTET_STREAM, DOWNLOAD);
			case HEALTH -> respond(200, JSON, HEALTHY_JSON);
		};
	}

	/**
	 * The body that carries the operation's data breaks off half-way: with a reset, or
	 * cleanly (FIN, or the last chunk of an event stream that has no terminal event). For
	 * an upload that is the request body, which the server stops reading.
	 */
	private static Answer brokenBody(Operation operation, boolean reset) {
		return switch (operation) {
			case LIFECYCLE_READ -> half(200, JSON, SANDBOX_JSON.getBytes(StandardCharsets.UTF_8), reset);
			case LIFECYCLE_WRITE -> half(202, JSON, CREATED_JSON.getBytes(StandardCharsets.UTF_8), reset);
			case COMMAND_STREAM ->
				reset ? resetMidChunkedBody(EVENT_STREAM, INIT, STDOUT) : chunked(EVENT_STREAM, INIT, STDOUT);
			case FILE_UPLOAD ->
				reset ? resetMidRequest(UPLOAD_READ_BEFORE_FAULT) : closeMidRequest(UPLOAD_READ_BEFORE_FAULT);
			case FILE_DOWNLOAD -> half(200, OCTET_STREAM, DOWNLOAD, reset);
			case HEALTH -> half(200, JSON, HEALTHY_JSON.getBytes(StandardCharsets.UTF_8), reset);
		};
	}

	private static Answer half(int status, String contentType, byte[] body, boolean reset) {
		return reset ? resetMidBody(status, contentType, body, body.length / 2)
				: truncateBody(status, contentType, body, body.length / 2);
	}

	/**
	 * A complete answer whose JSON cannot be read: the body of lifecycle and health
	 * answers, every event of a command stream (so no terminal event arrives), and for
	 * the file operations, whose successful answers carry no JSON, execd's error body.
	 */
	private static Answer malformedJson(Operation operation) {
		return switch (operation) {
			case LIFECYCLE_READ -> respond(200, JSON, "{\"id\":\"abc\",\"status\":{\"state\":\"Running\"},,}");
			case LIFECYCLE_WRITE -> respond(202, JSON, "{\"id\":\"abc\",\"status\":{\"state\":\"Pending\"");
			case COMMAND_STREAM -> chunked(EVENT_STREAM, "{\"type\":\"init\",\"text\":\"cmd-1\"\n\n",
					"{\"type\":\"stdout\",\"text\":hello}\n\n", "{\"type\":\"execution_complete\",}\n\n");
			case FILE_UPLOAD, FILE_DOWNLOAD -> respond(500, JSON, "{\"code\":\"RUNTIME_ERROR\",\"message\":");
			case HEALTH -> respond(200, JSON, "{\"status\":healthy}");
		};
	}

	private static Answer serverError(int status) {
		return respond(status, JSON, "{\"code\":\"UNAVAILABLE\",\"message\":\"try again\"}");
	}

	private static boolean containsFileContent(byte[] haystack, byte[] needle) {
		// The file part's content follows the blank line after its headers
		String marker = "filename=\"x\"";
		int at = indexOf(haystack, marker.getBytes(StandardCharsets.US_ASCII), 0);
		int start = (at >= 0) ? indexOf(haystack, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), at) + 4 : -1;
		return start >= 4 && start + needle.length <= haystack.length
				&& Arrays.equals(haystack, start, start + needle.length, needle, 0, needle.length);
	}

	private static int indexOf(byte[] haystack, byte[] needle, int from) {
		outer: for (int i = from; i <= haystack.length - needle.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	private static byte[] generate(int size) {
		byte[] bytes = new byte[size];
		new Random(7).nextBytes(bytes);
		return bytes;
	}

	private static Stream<Arguments> row(Fault fault, Expected... outcomes) {
		Operation[] operations = Operation.values();
		assertThat(outcomes).as("one outcome per operation class").hasSameSizeAs(operations);
		return IntStream.range(0, operations.length).mapToObj((i) -> Arguments.of(fault, operations[i], outcomes[i]));
	}

	private static Expected retried(int attempts) {
		return new Expected(Kind.RETRIED_THEN_SUCCESS, null, null, attempts);
	}

	private static Expected error(Class<? extends OpenSandboxException> type) {
		return error(type, null, 1);
	}

	private static Expected error(Class<? extends OpenSandboxException> type, int status) {
		return error(type, status, 1);
	}

	private static Expected error(Class<? extends OpenSandboxException> type, @Nullable Integer status, int attempts) {
		return new Expected(Kind.TYPED_ERROR, type, status, attempts);
	}

	private static Expected down(Class<? extends OpenSandboxException> type) {
		return down(type, null, 1);
	}

	private static Expected down(Class<? extends OpenSandboxException> type, @Nullable Integer status, int attempts) {
		return new Expected(Kind.DOWN, type, status, attempts);
	}

	/**
	 * The faults, each applied to the request of the operation under test.
	 */
	enum Fault {

		/**
		 * Nothing listens on the port at the first attempt; the server is up by the
		 * retry.
		 */
		CONNECTION_REFUSED("connection refused"),

		/** The server reads the request, then resets the connection without answering. */
		RESET_BEFORE_RESPONSE("reset before the response"),

		/**
		 * The body carrying the data (the request body for an upload) breaks off half-way
		 * with a reset.
		 */
		RESET_MID_BODY("reset mid-body"),

		/** The server reads the request, then closes the connection without answering. */
		EMPTY_RESPONSE("empty response"),

		/** A complete answer whose JSON cannot be read. */
		MALFORMED_JSON("malformed JSON"),

		/**
		 * The body carrying the data ends cleanly but early: short of its
		 * {@code Content-Length}, an event stream without a terminal event, or an upload
		 * the server stops reading.
		 */
		TRUNCATED_STREAM("truncated stream"),

		/** 502, then 503, then a normal answer. */
		SERVER_ERROR_STORM("5xx storm"),

		/** 503 on every attempt. */
		SERVER_ERROR_STORM_OUTLASTING_RETRIES("5xx storm outlasting the retries"),

		/** 429 with {@code Retry-After: 1}, then a normal answer. */
		RATE_LIMITED("429 with Retry-After"),

		/** The answer's headers come after every timeout involved. */
		SLOW_HEADERS("headers slower than the read timeout"),

		/** The domain or endpoint is {@code does-not-exist.invalid:80}. */
		UNKNOWN_HOST("unknown host");

		private final String description;

		Fault(String description) {
			this.description = description;
		}

		@Override
		public String toString() {
			return this.description;
		}

	}

	/**
	 * The operation classes, and the route of the request each one's fault applies to.
	 */
	enum Operation {

		/** {@code LifecycleClient.get(id)}. */
		LIFECYCLE_READ("lifecycle read", "GET /v1/sandboxes/abc"),

		/** {@code LifecycleClient.create(spec)}. */
		LIFECYCLE_WRITE("lifecycle write", "POST /v1/sandboxes"),

		/** {@code ExecdClient.runCommand(...)}, collected. */
		COMMAND_STREAM("command stream", "POST /command"),

		/** {@code ExecdFilesClient.write(FileUpload.of(path, bytes))}. */
		FILE_UPLOAD("file upload", "POST /files/upload"),

		/** {@code ExecdFilesClient.readBytes(path)}, and {@code download(path, file)}. */
		FILE_DOWNLOAD("file download", "GET /files/download"),

		/**
		 * {@code OpenSandboxHealthIndicator.health()}; the fault hits
		 * {@code GET /health}.
		 */
		HEALTH("health", "GET /health");

		/** The authenticated check the health indicator makes after {@code /health}. */
		static final String HEALTH_LIST_ROUTE = "GET /v1/sandboxes";

		private final String description;

		private final String route;

		Operation(String description, String route) {
			this.description = description;
			this.route = route;
		}

		@Override
		public String toString() {
			return this.description;
		}

	}

	enum Kind {

		/** The call succeeds after the fault, with the whole answer (health: UP). */
		RETRIED_THEN_SUCCESS,

		/** The call fails with exactly this exception type. */
		TYPED_ERROR,

		/** The health indicator reports DOWN, with this exception as its error. */
		DOWN

	}

	/**
	 * The outcome a cell must end in.
	 *
	 * @param kind what kind of outcome
	 * @param error the exception type, for errors and DOWN
	 * @param status the HTTP status an API exception (or DOWN) carries, if any
	 * @param attempts how many attempts the client makes
	 */
	record Expected(Kind kind, @Nullable Class<? extends OpenSandboxException> error, @Nullable Integer status,
			int attempts) {

		@Override
		public String toString() {
			String attempted = " (" + this.attempts + ((this.attempts == 1) ? " attempt)" : " attempts)");
			return switch (this.kind) {
				case RETRIED_THEN_SUCCESS -> "retried, success" + attempted;
				case TYPED_ERROR -> this.error.getSimpleName() + attempted;
				case DOWN -> "DOWN, " + this.error.getSimpleName() + attempted;
			};
		}

	}

	private record Clients(LifecycleClient lifecycle, ExecdClient execd, ExecdFilesClient files,
			OpenSandboxHealthIndicator health) {
	}

	private record Result(@Nullable Object value, @Nullable RuntimeException failure, List<ExecutionEvent> events) {
	}

}
