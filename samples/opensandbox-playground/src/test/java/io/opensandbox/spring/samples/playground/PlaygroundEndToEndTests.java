package io.opensandbox.spring.samples.playground;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import io.opensandbox.spring.core.SandboxPool;
import io.opensandbox.spring.test.EmbeddedOpenSandbox;
import io.opensandbox.spring.test.EmbeddedOpenSandboxServer;
import io.opensandbox.spring.test.EmbeddedSandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end tests of the playground through its HTTP API, against the embedded
 * OpenSandbox server: commands and Python really run in isolated sandboxes. The upload
 * limit is lowered to keep the test small; the idle timeout is short, and the sweep is
 * only run when a test calls it.
 *
 * @author OpenSandbox Spring Boot
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "playground.max-upload-size=64KB", "playground.idle-timeout=2s",
				"playground.idle-check-interval=1h" })
@EmbeddedOpenSandbox
@Timeout(value = 2, unit = TimeUnit.MINUTES)
@ExtendWith(ThreadDumpOnTimeout.class)
class PlaygroundEndToEndTests {

	@LocalServerPort
	private int port;

	@Autowired
	private EmbeddedOpenSandboxServer server;

	@Autowired
	private SessionSandboxes sessionSandboxes;

	@Autowired
	@Qualifier("sessions")
	private SandboxPool sessions;

	@Test
	void aSessionsFirstCommandRunsInASandboxThePoolHadReady() {
		await().atMost(Duration.ofSeconds(30)).until(() -> this.sessions.status().idle() >= 1);
		List<String> ready = serverSandboxIds();
		PlaygroundClient session = PlaygroundClient.connect(this.port);
		String sandboxId = session.shell("echo warm").sandboxId();
		assertThat(ready).contains(sandboxId);
		assertThat(this.server.getSandboxes()).filteredOn((sandbox) -> sandbox.id().equals(sandboxId))
			.singleElement()
			.satisfies((sandbox) -> assertThat(sandbox.metadata()).containsEntry("opensandbox-playground/purpose",
					"session"));
		await().atMost(Duration.ofSeconds(30)).until(() -> this.sessions.status().idle() >= 1);
	}

	@Test
	void theTerminalRunsAShellInTheSessionsSandboxForThePageOnly() {
		PlaygroundClient session = PlaygroundClient.connect(this.port);
		Map<String, Object> terminal = Objects.requireNonNull(session.client()
			.get()
			.uri("/api/terminal")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody());
		assertThat(terminal.get("sandboxId")).isIn(serverSandboxIds());
		// the same shell while the sandbox lives
		assertThat(session.client()
			.get()
			.uri("/api/terminal")
			.exchange()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody()).containsEntry("session", terminal.get("session"));
		String url = "ws://127.0.0.1:" + this.port + "/api/terminal/ws";
		String own = "http://127.0.0.1:" + this.port;
		String output = HttpClient.create()
			.headers((headers) -> headers.set("Cookie", session.cookie()).set("Origin", own))
			.websocket()
			.uri(url)
			.handle((in, out) -> out.sendString(Mono.just("{\"type\":\"input\",\"data\":\"echo sum=$((6*7))\\n\"}"))
				.then()
				.thenMany(in.receiveFrames().filter((frame) -> frame instanceof BinaryWebSocketFrame).map((frame) -> {
					byte[] bytes = ByteBufUtil.getBytes(frame.content());
					return new String(bytes, 8, bytes.length - 8, StandardCharsets.UTF_8);
				})))
			.scan("", String::concat)
			.takeUntil((text) -> text.contains("sum=42"))
			.blockLast(Duration.ofSeconds(30));
		assertThat(output).contains("sum=42");
		// another origin (another site, or another port of this host) is refused
		assertThatExceptionOfType(WebSocketClientHandshakeException.class)
			.isThrownBy(() -> HttpClient.create()
				.headers((headers) -> headers.set("Cookie", session.cookie()).set("Origin", "http://127.0.0.1:1"))
				.websocket()
				.uri(url)
				.handle((in, out) -> in.receive().then())
				.blockLast(Duration.ofSeconds(10)))
			.satisfies((ex) -> assertThat(ex.response().status().code()).isEqualTo(403));
		// a session that did not ask for its terminal has none
		WebSocketCloseStatus status = HttpClient.create()
			.headers(
					(headers) -> headers.set("Cookie", PlaygroundClient.connect(this.port).cookie()).set("Origin", own))
			.websocket()
			.uri(url)
			.handle((in, out) -> in.receiveCloseStatus())
			.blockLast(Duration.ofSeconds(10));
		assertThat(status.code()).isEqualTo(1008);
	}

	@Test
	void infoNamesTheEmbeddedServerAndTheLimits() {
		Map<String, Object> info = PlaygroundClient.connect(this.port).info();
		assertThat(info).extractingByKey("server")
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.containsEntry("kind", "embedded")
			.containsEntry("domain", this.server.getDomain());
		assertThat(info).containsEntry("image", "python:3.12")
			.containsEntry("commandTimeoutSeconds", 30)
			.containsEntry("maxCommandTimeoutSeconds", 300)
			.containsEntry("maxUploadBytes", 64 * 1024)
			.doesNotContainKey("sandboxId");
	}

	@Test
	void commandOutputArrivesLineByLineWhileItRunsAndEndsWithTheExitCode() {
		PlaygroundClient session = PlaygroundClient.connect(this.port);
		PlaygroundClient.Run run = session.shell("echo first; echo warning >&2; sleep 2; echo second; exit 3");
		assertThat(run.names()).startsWith("status", "started").endsWith("exit");
		assertThat(run.lines("stdout")).containsExactly("first", "second");
		assertThat(run.lines("stderr")).containsExactly("warning");
		assertThat(run.exitCode()).isEqualTo(3);
		assertThat(run.first("started").get("timeoutSeconds")).isEqualTo(30);
		// Live: the first line arrived while the command was still sleeping
		Duration first = run.first("stdout").receivedAfter();
		Duration exit = run.last().receivedAfter();
		assertThat(exit.minus(first)).isGreaterThan(Duration.ofMillis(1500));
		assertThat(run.sandboxId()).isIn(serverSandboxIds());
	}

	@Test
	void successfulCommandExitsWithZero() {
		PlaygroundClient.Run run = PlaygroundClient.connect(this.port).shell("printf 'a\\n\\nb\\n'");
		assertThat(run.lines("stdout")).containsExactly("a", "", "b");
		assertThat(run.exitCode()).isEqualTo(0);
		assertThat(run.last().get("durationMillis")).isInstanceOf(Number.class);
	}

	@Test
	void pythonProgramRunsWithPython3InTheSandbox() {
		PlaygroundClient session = PlaygroundClient.connect(this.port);
		PlaygroundClient.Run run = session.run(Map.of("language", "python", "code",
				"import sys\nprint(6 * 7)\nprint('to stderr', file=sys.stderr)\nsys.exit(2)\n"));
		assertThat(run.lines("stdout")).containsExactly("42");
		assertThat(run.lines("stderr")).containsExactly("to stderr");
		assertThat(run.exitCode()).isEqualTo(2);
		PlaygroundClient.Run failing = session.run(Map.of("language", "python", "code", "1 / 0"));
		assertThat(failing.lines("stderr")).anyMatch((line) -> line.contains("ZeroDivisionError"));
		assertThat(failing.exitCode()).isEqualTo(1);
	}

	@Test
	void eachBrowserSessionKeepsItsOwnSandbox() {
		PlaygroundClient alice = PlaygroundClient.connect(this.port);
		PlaygroundClient bob = PlaygroundClient.connect(this.port);
		PlaygroundClient.Run write = alice.shell("echo alice > /tmp/owner.txt");
		PlaygroundClient.Run read = alice.shell("cat /tmp/owner.txt");
		PlaygroundClient.Run other = bob.shell("cat /tmp/owner.txt");
		assertThat(read.sandboxId()).isEqualTo(write.sandboxId());
		assertThat(read.lines("stdout")).containsExactly("alice");
		assertThat(other.sandboxId()).isNotEqualTo(write.sandboxId());
		assertThat(other.exitCode()).isNotEqualTo(0);
		assertThat(serverSandboxIds()).contains(write.sandboxId(), other.sandboxId());
		assertThat(alice.info()).containsEntry("sandboxId", write.sandboxId());
	}

	@Test
	void uploadedFileIsWhatCommandsSeeAndDownloadsBack() throws Exception {
		PlaygroundClient session = PlaygroundClient.connect(this.port);
		byte[] content = new byte[50 * 1024];
		new Random(42).nextBytes(content);
		Map<String, Object> stored = upload(session, "/tmp/upload.bin", content);
		assertThat(stored).containsEntry("path", "/tmp/upload.bin").containsEntry("size", content.length);
		PlaygroundClient.Run checksum = session.shell("sha256sum /tmp/upload.bin");
		assertThat(checksum.lines("stdout")).singleElement().asString().startsWith(sha256(content));
		assertThat(stored).containsEntry("sandboxId", checksum.sandboxId());

		EntityExchangeResult<byte[]> download = session.client()
			.get()
			.uri("/api/files?path={path}", "/tmp/upload.bin")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType(MediaType.APPLICATION_OCTET_STREAM)
			.expectBody(byte[].class)
			.returnResult();
		assertThat(download.getResponseBody()).isEqualTo(content);
		assertThat(download.getResponseHeaders().getContentDisposition().getFilename()).isEqualTo("upload.bin");
		assertThat(download.getResponseHeaders().getContentLength()).isEqualTo(content.length);
	}

	@Test
	void relativeUploadPathLandsInTheWorkingDirectoryOfCommands() {
		PlaygroundClient session = PlaygroundClient.connect(this.port);
		Map<String, Object> stored = upload(session, "notes.txt", "hello notes\n".getBytes(StandardCharsets.UTF_8));
		assertThat(stored).containsEntry("path", "/tmp/notes.txt");
		assertThat(session.shell("cat notes.txt").lines("stdout")).containsExactly("hello notes");
	}

	@Test
	void uploadLargerThanTheLimitIsRefusedWithTheLimitInTheMessage() {
		PlaygroundClient session = PlaygroundClient.connect(this.port);
		byte[] tooLarge = new byte[64 * 1024 + 1];
		Map<String, Object> declared = PlaygroundClient.problem(
				session.client().put().uri("/api/files?path={path}", "/tmp/big.bin").bodyValue(tooLarge).exchange(),
				413);
		assertThat((String) declared.get("detail")).contains("65537 bytes").contains("limited to 64 KiB");
		// Without a Content-Length (chunked), the limit is enforced while reading
		Flux<DataBuffer> chunks = Flux.range(0, 17)
			.map((i) -> DefaultDataBufferFactory.sharedInstance.wrap(new byte[4096]));
		Map<String, Object> chunked = PlaygroundClient.problem(session.client()
			.put()
			.uri("/api/files?path={path}", "/tmp/big.bin")
			.contentType(MediaType.APPLICATION_OCTET_STREAM)
			.body(chunks, DataBuffer.class)
			.exchange(), 413);
		assertThat((String) chunked.get("detail")).contains("limited to 64 KiB");
		// Refused before any sandbox was created for it
		assertThat(session.info()).doesNotContainKey("sandboxId");
	}

	@Test
	void downloadProblemsAreExplained() {
		PlaygroundClient session = PlaygroundClient.connect(this.port);
		WebTestClient client = session.client();
		assertThat(PlaygroundClient.problem(client.get().uri("/api/files?path=/tmp/x").exchange(), 404))
			.extractingByKey("detail")
			.asString()
			.contains("no sandbox yet");
		session.shell("mkdir -p /tmp/folder");
		assertThat(PlaygroundClient.problem(client.get().uri("/api/files?path=/tmp/missing.txt").exchange(), 404))
			.extractingByKey("detail")
			.isEqualTo("There is no file /tmp/missing.txt in your sandbox");
		assertThat(PlaygroundClient.problem(client.get().uri("/api/files?path=/tmp/folder").exchange(), 400))
			.extractingByKey("detail")
			.asString()
			.contains("is a directory");
		assertThat(PlaygroundClient.problem(client.get().uri("/api/files?path=").exchange(), 400))
			.extractingByKey("detail")
			.asString()
			.contains("The file path is empty");
	}

	@Test
	void invalidRunRequestsAreRefusedWithAMessageAndRunNothing() {
		PlaygroundClient session = PlaygroundClient.connect(this.port);
		assertThat(session.refusedRun(Map.of("code", "   "), 400)).containsEntry("detail",
				"The command is empty: type a command first");
		assertThat(session.refusedRun(Map.of("language", "python", "code", ""), 400)).containsEntry("detail",
				"The Python program is empty: type some code first");
		assertThat(session.refusedRun(Map.of("language", "cobol", "code", "DISPLAY 'HI'"), 400))
			.extractingByKey("detail")
			.asString()
			.contains("Unknown language 'cobol'");
		assertThat(session.refusedRun(Map.of("code", "echo hi", "timeoutSeconds", 0), 400)).containsEntry("detail",
				"The time limit must be between 1 and 300 seconds, not 0");
		assertThat(session.refusedRun(Map.of("code", "echo hi", "timeoutSeconds", 301), 400)).extractingByKey("detail")
			.asString()
			.contains("between 1 and 300 seconds");
		assertThat(session.refusedRun(Map.of("code", "x".repeat(100_001)), 400)).extractingByKey("detail")
			.asString()
			.contains("the limit is 100000");
		assertThat(session.info()).doesNotContainKey("sandboxId");
	}

	@Test
	void refusedRunIsAProblemAlsoWhenTheBrowserAsksForAnEventStream() {
		PlaygroundClient session = PlaygroundClient.connect(this.port);
		Map<String, Object> problem = PlaygroundClient.problem(session.client()
			.post()
			.uri("/api/runs")
			.accept(MediaType.TEXT_EVENT_STREAM, MediaType.APPLICATION_PROBLEM_JSON)
			.bodyValue(Map.of("code", ""))
			.exchange(), 400);
		assertThat(problem).containsEntry("detail", "The command is empty: type a command first");
	}

	@Test
	void commandThatNeverEndsIsStoppedAtItsTimeLimit() {
		PlaygroundClient session = PlaygroundClient.connect(this.port);
		String sandboxId = session.shell("true").sandboxId();
		int idleProcesses = processCount(sandboxId);
		long start = System.nanoTime();
		PlaygroundClient.Run run = session
			.run(Map.of("code", "echo started; sleep 600; echo never", "timeoutSeconds", 1));
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(run.lines("stdout")).containsExactly("started");
		assertThat(run.last().name()).isEqualTo("timeout");
		assertThat(run.last().get("message"))
			.isEqualTo("Stopped: the command was still running after its time limit of 1 s");
		assertThat(run.names()).doesNotContain("exit", "failure");
		assertThat(took).isLessThan(Duration.ofSeconds(10));
		// Stopping the stream interrupted the command: its processes are gone
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(processCount(sandboxId)).isLessThanOrEqualTo(idleProcesses));
	}

	@Test
	void sandboxesAreListedAndOneCanBeKilled() {
		PlaygroundClient session = PlaygroundClient.connect(this.port);
		PlaygroundClient other = PlaygroundClient.connect(this.port);
		String sandboxId = session.shell("true").sandboxId();
		assertThat(session.sandboxes()).filteredOn((sandbox) -> sandboxId.equals(sandbox.get("id")))
			.singleElement()
			.satisfies((sandbox) -> assertThat(sandbox).containsEntry("mine", true)
				.containsEntry("state", "Running")
				.containsEntry("image", "python:3.12"));
		assertThat(other.sandboxes()).filteredOn((sandbox) -> sandboxId.equals(sandbox.get("id")))
			.singleElement()
			.satisfies((sandbox) -> assertThat(sandbox).containsEntry("mine", false));

		other.client().delete().uri("/api/sandboxes/{id}", sandboxId).exchange().expectStatus().isNoContent();
		assertThat(serverSandboxIds()).doesNotContain(sandboxId);
		assertThat(session.sandboxes()).noneMatch((sandbox) -> sandboxId.equals(sandbox.get("id")));
		assertThat(session.info()).doesNotContainKey("sandboxId");
		assertThat(PlaygroundClient.problem(session.client().delete().uri("/api/sandboxes/{id}", sandboxId).exchange(),
				404))
			.extractingByKey("detail")
			.asString()
			.contains("is not one of this application's sandboxes");

		// The session gets a new sandbox with its next command
		String next = session.shell("true").sandboxId();
		assertThat(next).isNotEqualTo(sandboxId).isIn(serverSandboxIds());
	}

	@Test
	void actuatorShowsOpenSandboxHealthAndTheApplicationsSandboxes() {
		PlaygroundClient session = PlaygroundClient.connect(this.port);
		String sandboxId = session.shell("true").sandboxId();
		WebTestClient client = session.client();
		client.get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.components.opensandbox.status")
			.isEqualTo("UP");
		client.get()
			.uri("/actuator/sandboxes")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.sandboxes[?(@.id == '%s')]".formatted(sandboxId))
			.exists();
	}

	@Test
	void sandboxKilledThroughTheActuatorIsReplacedWithTheNextCommand() {
		PlaygroundClient session = PlaygroundClient.connect(this.port);
		String sandboxId = session.shell("echo before > /tmp/marker").sandboxId();
		session.client().delete().uri("/actuator/sandboxes/{id}", sandboxId).exchange().expectStatus().isOk();
		assertThat(serverSandboxIds()).doesNotContain(sandboxId);
		assertThat(session.info()).doesNotContainKey("sandboxId");
		PlaygroundClient.Run next = session.shell("cat /tmp/marker");
		assertThat(next.sandboxId()).isNotEqualTo(sandboxId);
		assertThat(next.exitCode()).as("fresh sandbox without the old file").isNotEqualTo(0);
	}

	@Test
	void sandboxOfASessionThatStoppedUsingItIsKilled() throws InterruptedException {
		PlaygroundClient session = PlaygroundClient.connect(this.port);
		String sandboxId = session.shell("true").sandboxId();
		this.sessionSandboxes.killIdleSandboxes();
		assertThat(serverSandboxIds()).as("sandbox in use").contains(sandboxId);
		Thread.sleep(2500);
		assertThat(this.sessionSandboxes.killIdleSandboxes()).isPositive();
		assertThat(serverSandboxIds()).as("sandbox idle for longer than the idle timeout").doesNotContain(sandboxId);
		assertThat(session.info()).doesNotContainKey("sandboxId");
	}

	@Test
	void withoutAChatModelTheAgentSaysHowToConfigureOneAndRefusesMessages() {
		WebTestClient client = PlaygroundClient.connect(this.port).client();
		Map<?, ?> status = client.get()
			.uri("/api/agent")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat(status.get("configured")).isEqualTo(false);
		assertThat((String) status.get("setup")).contains("spring.ai.model.chat=openai", "spring.ai.openai.base-url");
		assertThat(String.valueOf(status.get("tools"))).contains("sandbox_run_command", "sandbox_run_code");
		String problem = new String(client.post()
			.uri("/api/agent/messages")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("text", "hello"))
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectBody(byte[].class)
			.returnResult()
			.getResponseBody(), StandardCharsets.UTF_8);
		assertThat(problem).contains("No chat model is configured");
		assertThat(body(client, "/")).contains("id=\"agent-setup\"");
	}

	@Test
	void pageIsServedSelfContained() {
		WebTestClient client = PlaygroundClient.connect(this.port).client();
		String page = body(client, "/");
		assertThat(page).contains("<script src=\"playground.js\"").contains("href=\"playground.css\"");
		for (String text : List.of(page, body(client, "/playground.js"), body(client, "/playground.css"))) {
			assertThat(text).doesNotContain("http://", "https://", "//cdn", "@import");
		}
		client.get()
			.uri("/")
			.exchange()
			.expectHeader()
			.valueEquals("Content-Security-Policy", SecurityHeadersFilter.CONTENT_SECURITY_POLICY);
	}

	private static String body(WebTestClient client, String path) {
		return new String(client.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(byte[].class)
			.returnResult()
			.getResponseBody(), StandardCharsets.UTF_8);
	}

	private static Map<String, Object> upload(PlaygroundClient session, String path, byte[] content) {
		return session.client()
			.put()
			.uri("/api/files?path={path}", path)
			.header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_OCTET_STREAM_VALUE)
			.bodyValue(content)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(PlaygroundClient.jsonObject())
			.returnResult()
			.getResponseBody();
	}

	private List<String> serverSandboxIds() {
		return this.server.getSandboxes().stream().map(EmbeddedSandbox::id).toList();
	}

	private int processCount(String sandboxId) {
		return this.server.getSandboxes()
			.stream()
			.filter((sandbox) -> sandbox.id().equals(sandboxId))
			.findFirst()
			.map(EmbeddedSandbox::processCount)
			.orElseThrow();
	}

	private static String sha256(byte[] content) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
	}

}
