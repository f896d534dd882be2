package io.opensandbox.spring.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

import io.opensandbox.spring.core.Execution;
import io.opensandbox.spring.core.Executions;
import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.error.OpenSandboxIoException;
import io.opensandbox.spring.error.OpenSandboxStreamException;
import io.opensandbox.spring.model.CodeContext;
import io.opensandbox.spring.model.CommandOptions;
import io.opensandbox.spring.model.CommandStatus;
import io.opensandbox.spring.model.ExecutionEvent;
import io.opensandbox.spring.model.ExecutionEvent.Type;
import io.opensandbox.spring.model.SandboxEndpoint;
import io.opensandbox.spring.model.SandboxMetrics;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * execd commands over real-format streams: bare JSON events, pings, failing commands,
 * broken and silent streams, cancellation.
 *
 * @author OpenSandbox Spring Boot
 */
class ExecdClientTests {

	private static final String SUCCESS_STREAM = """
			{"type":"init","text":"cmd-1","timestamp":1700000000000}

			{"type":"stdout","text":"hello","timestamp":1700000000001}

			{"type":"ping","timestamp":1700000000002}

			{"type":"stdout","text":"\\n","timestamp":1700000000003}

			{"type":"stderr","text":"careful","timestamp":1700000000004}

			{"type":"execution_complete","timestamp":1700000000005,"execution_time":12}

			""";

	private WireMockServer execd;

	private ExecdClient client;

	@BeforeEach
	void startExecd() {
		this.execd = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
		this.execd.start();
		this.client = client(Duration.ofSeconds(5));
	}

	@AfterEach
	void stopExecd() {
		this.execd.stop();
	}

	private ExecdClient client(Duration idleTimeout) {
		SandboxEndpoint endpoint = new SandboxEndpoint("127.0.0.1:" + this.execd.port(),
				Map.of("OpenSandbox-Secure-Access", "route-token"));
		return new ExecdClient(WebClient.builder(), endpoint, "http", "execd-token", Map.of("X-Custom", "v"),
				idleTimeout);
	}

	@Test
	void pingSendsEndpointHeadersAndAccessTokenButNoApiKey() {
		this.execd.stubFor(get(urlEqualTo("/ping")).willReturn(aResponse().withStatus(200)));
		this.client.ping().block();
		this.execd
			.verify(getRequestedFor(urlEqualTo("/ping")).withHeader("OpenSandbox-Secure-Access", equalTo("route-token"))
				.withHeader(ExecdClient.ACCESS_TOKEN_HEADER, equalTo("execd-token"))
				.withHeader("X-Custom", equalTo("v"))
				.withHeader(LifecycleClient.API_KEY_HEADER, absent()));
	}

	@Test
	void aProbeIsOnePingThatTheRetryFilterLeavesAlone() {
		this.execd.stubFor(get(urlEqualTo("/ping")).willReturn(aResponse().withStatus(503)));
		SandboxEndpoint endpoint = new SandboxEndpoint("127.0.0.1:" + this.execd.port(), Map.of());
		RetryFilter retry = new RetryFilter(true, 3, Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofSeconds(5));
		ExecdClient retrying = new ExecdClient(WebClient.builder().filter(retry.asFilter()), endpoint, "http", null,
				Map.of(), Duration.ofSeconds(5));
		assertThatExceptionOfType(OpenSandboxApiException.ServerError.class).isThrownBy(() -> retrying.probe().block());
		this.execd.verify(1, getRequestedFor(urlEqualTo("/ping")));
		assertThatExceptionOfType(OpenSandboxApiException.ServerError.class).isThrownBy(() -> retrying.ping().block());
		this.execd.verify(4, getRequestedFor(urlEqualTo("/ping")));
	}

	@Test
	void runCommandSendsOptionsAndStreamsEventsWithoutPings() {
		stubCommand(SUCCESS_STREAM);
		CommandOptions options = CommandOptions.defaults()
			.withCwd("/workspace")
			.withTimeout(Duration.ofSeconds(30))
			.withEnv("A", "1")
			.withUser(1000, 1001);
		List<ExecutionEvent> events = this.client.runCommand("echo hello", options).collectList().block();
		assertThat(events).extracting(ExecutionEvent::type)
			.containsExactly(Type.INIT, Type.STDOUT, Type.STDOUT, Type.STDERR, Type.EXECUTION_COMPLETE);
		this.execd.verify(postRequestedFor(urlEqualTo("/command")).withHeader("Accept", equalTo("text/event-stream"))
			.withRequestBody(equalToJson("""
					{"command":"echo hello","cwd":"/workspace","timeout":30000,"uid":1000,"gid":1001,
					 "envs":{"A":"1"}}""")));
		Execution execution = Executions.of(events);
		assertThat(execution.id()).isEqualTo("cmd-1");
		assertThat(execution.exitCode()).hasValue(0);
		assertThat(execution.stdoutText()).isEqualTo("hello\n");
		assertThat(execution.stderrText()).isEqualTo("careful");
		assertThat(execution.executionTime()).isEqualTo(Duration.ofMillis(12));
	}

	@Test
	void failingCommandEndsWithAnErrorCarryingTheExitCode() {
		stubCommand("""
				{"type":"init","text":"cmd-2"}

				{"type":"stderr","text":"no such file"}

				{"type":"error","error":{"ename":"CommandExecError","evalue":"2","traceback":[]}}

				""");
		Execution execution = Executions
			.of(this.client.runCommand("ls /nope", CommandOptions.defaults()).collectList().block());
		assertThat(execution.exitCode()).hasValue(2);
		assertThat(execution.isSuccess()).isFalse();
		assertThat(execution.error().name()).isEqualTo("CommandExecError");
	}

	@Test
	void streamEndingWithoutTerminalEventIsAnError() {
		stubCommand("""
				{"type":"init","text":"cmd-3"}

				{"type":"stdout","text":"partial"}

				""");
		assertThatExceptionOfType(OpenSandboxStreamException.class)
			.isThrownBy(() -> this.client.runCommand("x", CommandOptions.defaults()).collectList().block())
			.withMessageContaining("ended before the execution finished");
	}

	@Test
	void streamCutMidWayIsAStreamError() {
		this.execd.stubFor(post(urlEqualTo("/command")).willReturn(
				aResponse().withHeader("Content-Type", "text/event-stream").withFault(Fault.MALFORMED_RESPONSE_CHUNK)));
		assertThatExceptionOfType(io.opensandbox.spring.error.OpenSandboxException.class)
			.isThrownBy(() -> this.client.runCommand("x", CommandOptions.defaults()).collectList().block())
			.isInstanceOfAny(OpenSandboxStreamException.class, OpenSandboxIoException.class);
	}

	@Test
	void silentStreamFailsAfterTheIdleTimeout() {
		ExecdClient impatient = client(Duration.ofMillis(300));
		this.execd
			.stubFor(post(urlEqualTo("/command")).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
				.withBody("{\"type\":\"init\",\"text\":\"cmd-4\"}\n\n" + " ".repeat(64)
						+ "\n{\"type\":\"execution_complete\"}\n\n")
				.withChunkedDribbleDelay(2, 3000)));
		assertThatExceptionOfType(OpenSandboxStreamException.class)
			.isThrownBy(() -> impatient.runCommand("sleep 10", CommandOptions.defaults()).collectList().block())
			.withMessageContaining("no event");
	}

	@Test
	void cancellingTheStreamInterruptsTheCommand() {
		this.execd
			.stubFor(post(urlEqualTo("/command")).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
				.withBody("{\"type\":\"init\",\"text\":\"cmd-5\"}\n\n{\"type\":\"stdout\",\"text\":\"first\"}\n\n"
						+ " ".repeat(64) + "\n{\"type\":\"execution_complete\"}\n\n")
				.withChunkedDribbleDelay(2, 2000)));
		this.execd.stubFor(delete(urlEqualTo("/command?id=cmd-5")).willReturn(aResponse().withStatus(200)));
		ExecutionEvent first = this.client.runCommand("tail -f x", CommandOptions.defaults())
			.filter((event) -> event.type() == Type.STDOUT)
			.next()
			.block();
		assertThat(first.text()).isEqualTo("first");
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> this.execd.verify(deleteRequestedFor(urlEqualTo("/command?id=cmd-5"))));
	}

	@Test
	void completedStreamIsNotInterrupted() {
		stubCommand(SUCCESS_STREAM);
		this.client.runCommand("echo", CommandOptions.defaults()).collectList().block();
		assertThat(this.execd.findAll(deleteRequestedFor(urlEqualTo("/command?id=cmd-1")))).isEmpty();
	}

	@Test
	void errorBeforeTheStreamIsTranslated() {
		this.execd.stubFor(post(urlEqualTo("/command")).willReturn(aResponse().withStatus(500)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"code\":\"RUNTIME_ERROR\",\"message\":\"boom\"}")));
		assertThatExceptionOfType(OpenSandboxApiException.ServerError.class)
			.isThrownBy(() -> this.client.runCommand("x", CommandOptions.defaults()).blockLast())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("RUNTIME_ERROR"));
	}

	@Test
	void startCommandReturnsTheBackgroundCommandId() {
		stubCommand("{\"type\":\"init\",\"text\":\"bg-1\"}\n\n{\"type\":\"execution_complete\"}\n\n");
		assertThat(this.client.startCommand("python server.py", CommandOptions.defaults()).block()).isEqualTo("bg-1");
		this.execd.verify(postRequestedFor(urlEqualTo("/command"))
			.withRequestBody(equalToJson("{\"command\":\"python server.py\",\"background\":true}")));
	}

	@Test
	void commandStatusIsMapped() {
		this.execd.stubFor(get(urlEqualTo("/command/status/bg-1"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("""
					{"id":"bg-1","content":"python server.py","running":false,"exit_code":3,
					 "started_at":"2025-12-22T09:08:05Z","finished_at":"2025-12-22T09:08:09Z","extra":1}""")));
		CommandStatus status = this.client.commandStatus("bg-1").block();
		assertThat(status.running()).isFalse();
		assertThat(status.exitCode()).isEqualTo(3);
		assertThat(status.command()).isEqualTo("python server.py");
		assertThat(status.finishedAt()).isNotNull();
	}

	@Test
	void commandLogsReadIncrementallyThroughTheCursorHeader() {
		this.execd.stubFor(get(urlEqualTo("/command/bg-1/logs?cursor=2"))
			.willReturn(aResponse().withHeader("Content-Type", "text/plain")
				.withHeader(ExecdClient.LOGS_CURSOR_HEADER, "5")
				.withBody("line3\nline4\nline5\n")));
		CommandStatus.Logs logs = this.client.commandLogs("bg-1", 2L).block();
		assertThat(logs.text()).isEqualTo("line3\nline4\nline5\n");
		assertThat(logs.cursor()).isEqualTo(5);
	}

	@Test
	void commandIdsThatWouldChangeTheRouteAreRejected() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.client.commandStatus("../ping"));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.client.commandLogs("a/b?c", null));
		assertThat(this.execd.getAllServeEvents()).isEmpty();
	}

	@Test
	void sessionsAreCreatedRunAndDeleted() {
		this.execd.stubFor(post(urlEqualTo("/session")).willReturn(
				aResponse().withHeader("Content-Type", "application/json").withBody("{\"session_id\":\"s-1\"}")));
		this.execd.stubFor(post(urlEqualTo("/session/s-1/run"))
			.willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
				.withBody("{\"type\":\"stdout\",\"text\":\"/tmp\"}\n\n{\"type\":\"execution_complete\"}\n\n")));
		this.execd.stubFor(delete(urlEqualTo("/session/s-1")).willReturn(aResponse().withStatus(200)));
		String session = this.client.createSession("/workspace").block();
		Execution execution = Executions
			.of(this.client.runInSession(session, "cd /tmp && pwd", null, Duration.ofSeconds(5)).collectList().block());
		this.client.deleteSession(session).block();
		assertThat(session).isEqualTo("s-1");
		assertThat(execution.stdoutText()).isEqualTo("/tmp");
		this.execd
			.verify(postRequestedFor(urlEqualTo("/session")).withRequestBody(equalToJson("{\"cwd\":\"/workspace\"}")));
		this.execd.verify(postRequestedFor(urlEqualTo("/session/s-1/run"))
			.withRequestBody(equalToJson("{\"command\":\"cd /tmp && pwd\",\"timeout\":5000}")));
		this.execd.verify(deleteRequestedFor(urlEqualTo("/session/s-1")));
	}

	@Test
	void codeRunsInAContextAndKeepsTheFullMimeMap() {
		this.execd.stubFor(
				post(urlEqualTo("/code/context")).willReturn(aResponse().withHeader("Content-Type", "application/json")
					.withBody("{\"id\":\"ctx-1\",\"language\":\"python\"}")));
		this.execd.stubFor(post(urlEqualTo("/code")).willReturn(aResponse()
			.withHeader("Content-Type", "text/event-stream")
			.withBody(
					"""
							{"type":"init","text":"ctx-1"}

							{"type":"result","results":{"text":"4","text/html":"<b>4</b>","image/png":"iVBOR"},"execution_count":1}

							{"type":"execution_complete","execution_time":3}

							""")));
		CodeContext context = this.client.createContext("python").block();
		Execution execution = Executions.of(this.client.runCode("2 + 2", context).collectList().block());
		assertThat(context).isEqualTo(new CodeContext("ctx-1", "python"));
		assertThat(execution.results())
			.containsExactly(Map.of("text", "4", "text/html", "<b>4</b>", "image/png", "iVBOR"));
		this.execd.verify(postRequestedFor(urlEqualTo("/code/context"))
			.withRequestBody(equalToJson("{\"language\":\"python\"}")));
		this.execd.verify(postRequestedFor(urlEqualTo("/code")).withRequestBody(
				equalToJson("{\"code\":\"2 + 2\",\"context\":{\"id\":\"ctx-1\",\"language\":\"python\"}}")));
	}

	@Test
	void codeContextsAreListedAndDeletedByLanguage() {
		this.execd.stubFor(get(urlEqualTo("/code/contexts?language=python"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json")
				.withBody("[{\"id\":\"ctx-1\",\"language\":\"python\"},{\"id\":\"ctx-2\",\"language\":\"python\"}]")));
		this.execd
			.stubFor(delete(urlEqualTo("/code/contexts?language=python")).willReturn(aResponse().withStatus(200)));
		this.execd.stubFor(delete(urlEqualTo("/code/contexts/ctx-1")).willReturn(aResponse().withStatus(200)));
		assertThat(this.client.listContexts("python").block()).extracting(CodeContext::id)
			.containsExactly("ctx-1", "ctx-2");
		this.client.deleteContext("ctx-1").block();
		this.client.deleteContexts("python").block();
		this.execd.verify(deleteRequestedFor(urlEqualTo("/code/contexts/ctx-1")));
		this.execd.verify(deleteRequestedFor(urlEqualTo("/code/contexts?language=python")));
	}

	@Test
	void cancellingCodeInterruptsItsContext() {
		this.execd
			.stubFor(post(urlEqualTo("/code")).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
				.withBody("{\"type\":\"init\",\"text\":\"exec-9\"}\n\n{\"type\":\"stdout\",\"text\":\"tick\"}\n\n"
						+ " ".repeat(64) + "\n{\"type\":\"execution_complete\"}\n\n")
				.withChunkedDribbleDelay(2, 2000)));
		this.execd.stubFor(delete(urlEqualTo("/code?id=ctx-7")).willReturn(aResponse().withStatus(200)));
		this.client.runCode("while True: pass", new CodeContext("ctx-7", "python"))
			.filter((event) -> event.type() == Type.STDOUT)
			.next()
			.block();
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> this.execd.verify(deleteRequestedFor(urlEqualTo("/code?id=ctx-7"))));
	}

	@Test
	void metricsAreReadAndWatchedAsNewlineFramedJson() {
		String sample = "{\"cpu_count\":2,\"cpu_used_pct\":12.5,\"mem_total_mib\":2048,\"mem_used_mib\":512,\"timestamp\":1700000000000}";
		this.execd.stubFor(get(urlEqualTo("/metrics"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(sample)));
		this.execd.stubFor(
				get(urlEqualTo("/metrics/watch")).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
					.withBody(sample + "\n" + sample.replace("12.5", "50") + "\n")));
		SandboxMetrics metrics = this.client.metrics().block();
		assertThat(metrics.cpuCount()).isEqualTo(2);
		assertThat(metrics.cpuUsedPercent()).isEqualTo(12.5);
		assertThat(metrics.memoryUsedMib()).isEqualTo(512);
		assertThat(metrics.timestamp()).isEqualTo(java.time.Instant.ofEpochMilli(1700000000000L));
		assertThat(this.client.watchMetrics().take(2).collectList().block()).extracting(SandboxMetrics::cpuUsedPercent)
			.containsExactly(12.5, 50.0);
	}

	@Test
	void pingsKeepAStreamLongerThanTheIdleTimeoutAlive() {
		ExecdClient client = client(Duration.ofMillis(1200));
		StringBuilder body = new StringBuilder("{\"type\":\"init\",\"text\":\"cmd-p\"}\n\n");
		for (int i = 0; i < 10; i++) {
			body.append("{\"type\":\"ping\",\"timestamp\":").append(1700000000000L + i).append("}\n\n");
		}
		body.append("{\"type\":\"execution_complete\"}\n\n");
		this.execd
			.stubFor(post(urlEqualTo("/command")).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
				.withBody(body.toString())
				.withChunkedDribbleDelay(12, 3000)));
		List<ExecutionEvent> events = client.runCommand("sleep 3", CommandOptions.defaults()).collectList().block();
		assertThat(events).extracting(ExecutionEvent::type).containsExactly(Type.INIT, Type.EXECUTION_COMPLETE);
	}

	@Test
	void streamsAreBoundedByTheIdleTimeoutNotTheReadTimeout() {
		WebClient.Builder shortReadTimeout = WebClient.builder()
			.clientConnector(new org.springframework.http.client.reactive.ReactorClientHttpConnector(
					reactor.netty.http.client.HttpClient.create().responseTimeout(Duration.ofMillis(300))));
		ExecdClient client = new ExecdClient(shortReadTimeout,
				new SandboxEndpoint("127.0.0.1:" + this.execd.port(), Map.of()), "http", null, Map.of(),
				Duration.ofSeconds(5));
		this.execd
			.stubFor(post(urlEqualTo("/command")).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
				.withBody("{\"type\":\"init\",\"text\":\"cmd-r\"}\n\n" + " ".repeat(64)
						+ "\n{\"type\":\"execution_complete\"}\n\n")
				.withChunkedDribbleDelay(2, 1200)));
		assertThat(client.runCommand("sleep 1", CommandOptions.defaults()).collectList().block())
			.extracting(ExecutionEvent::type)
			.containsExactly(Type.INIT, Type.EXECUTION_COMPLETE);
	}

	@Test
	void streamBrokenAfterItsFirstEventsIsAStreamError() throws Exception {
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
				java.net.InetAddress.getByName("127.0.0.1"))) {
			Thread server = new Thread(() -> {
				try (java.net.Socket connection = socket.accept()) {
					java.io.InputStream in = connection.getInputStream();
					byte[] buffer = new byte[8192];
					String request = "";
					while (!request.contains("\r\n\r\n")) {
						int read = in.read(buffer);
						if (read < 0) {
							return;
						}
						request += new String(buffer, 0, read, java.nio.charset.StandardCharsets.ISO_8859_1);
					}
					String events = "{\"type\":\"init\",\"text\":\"cmd-x\"}\n\n{\"type\":\"stdout\",\"text\":\"half\"}\n\n";
					String response = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
							+ "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(events.length()) + "\r\n"
							+ events + "\r\n";
					connection.getOutputStream().write(response.getBytes(java.nio.charset.StandardCharsets.UTF_8));
					connection.getOutputStream().flush();
					Thread.sleep(200);
				}
				catch (Exception ex) {
					// the test fails on the client side if the server breaks early
				}
			});
			server.start();
			ExecdClient client = new ExecdClient(WebClient.builder(),
					new SandboxEndpoint("127.0.0.1:" + socket.getLocalPort(), Map.of()), "http", null, Map.of(),
					Duration.ofSeconds(5));
			List<ExecutionEvent> received = new java.util.concurrent.CopyOnWriteArrayList<>();
			assertThatExceptionOfType(OpenSandboxStreamException.class).isThrownBy(
					() -> client.runCommand("x", CommandOptions.defaults()).doOnNext(received::add).blockLast());
			assertThat(received).extracting(ExecutionEvent::text).containsExactly("cmd-x", "half");
			server.join(5000);
		}
	}

	@Test
	void metricsWatchEndingIsAStreamError() {
		String sample = "{\"cpu_count\":2,\"cpu_used_pct\":1,\"mem_total_mib\":2,\"mem_used_mib\":1,\"timestamp\":1}";
		this.execd.stubFor(get(urlEqualTo("/metrics/watch"))
			.willReturn(aResponse().withHeader("Content-Type", "text/event-stream").withBody(sample + "\n")));
		List<SandboxMetrics> received = new java.util.concurrent.CopyOnWriteArrayList<>();
		assertThatExceptionOfType(OpenSandboxStreamException.class)
			.isThrownBy(() -> this.client.watchMetrics().doOnNext(received::add).blockLast())
			.withMessageContaining("ended the metrics stream");
		assertThat(received).hasSize(1);
	}

	@Test
	void commandLogsWithoutACursorHeaderMovePastTheLinesReceived() {
		this.execd.stubFor(get(urlEqualTo("/command/bg-2/logs?cursor=2"))
			.willReturn(aResponse().withHeader("Content-Type", "text/plain").withBody("line3\nline4\n")));
		assertThat(this.client.commandLogs("bg-2", 2L).block().cursor()).isEqualTo(4);
	}

	private void stubCommand(String body) {
		this.execd.stubFor(post(urlEqualTo("/command"))
			.willReturn(aResponse().withHeader("Content-Type", "text/event-stream").withBody(body)));
	}

}
