package io.opensandbox.spring.client;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.resources.LoopResources;
import reactor.test.StepVerifier;

import io.opensandbox.spring.core.Execution;
import io.opensandbox.spring.core.Executions;
import io.opensandbox.spring.core.OpenSandboxConnection;
import io.opensandbox.spring.core.ReactiveSandbox;
import io.opensandbox.spring.core.ReactiveSandboxTemplate;
import io.opensandbox.spring.core.Readiness;
import io.opensandbox.spring.core.SandboxTemplateSettings;
import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.model.CommandOptions;
import io.opensandbox.spring.model.ExecutionEvent;
import io.opensandbox.spring.model.FileUpload;
import io.opensandbox.spring.model.ResultPage;
import io.opensandbox.spring.model.SandboxEndpoint;
import io.opensandbox.spring.model.SandboxInfo;
import io.opensandbox.spring.model.SandboxMetrics;
import io.opensandbox.spring.model.SandboxSpec;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * No blocking call happens on a Netty event loop (or any other non-blocking thread)
 * anywhere on the client's reactive paths: with BlockHound armed, every call is made from
 * a Reactor Netty event loop, as from a WebFlux handler, against one WireMock server on
 * loopback playing the lifecycle server and execd, and must complete normally with no
 * blocking call detected on any thread. The first two tests show that the detector works,
 * so the others prove something.
 *
 * @author OpenSandbox Spring Boot
 */
@ExtendWith(BlockHoundExtension.class)
class NonBlockingTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String ID = "0b7e5f7e-6c1f-4d2b-9a55-3f1f8f0f0a11";

	private static final String SANDBOX_PATH = "/v1/sandboxes/" + ID;

	private static final RetryFilter RETRY = new RetryFilter(true, 3, Duration.ofMillis(10), Duration.ofMillis(50),
			Duration.ofSeconds(5));

	private static final String METRICS = "{\"cpu_count\":2,\"cpu_used_pct\":12.5,\"mem_total_mib\":2048,"
			+ "\"mem_used_mib\":512,\"timestamp\":1700000000000}";

	/** Event loops of their own, so that calls start on a loop, as they do in WebFlux. */
	private static LoopResources callerLoops;

	private static Scheduler eventLoop;

	private WireMockServer server;

	private LifecycleClient lifecycle;

	private SandboxEndpoint endpoint;

	@BeforeAll
	static void createEventLoop() {
		callerLoops = LoopResources.create("blockhound-caller", 1, true);
		EventLoop loop = callerLoops.onClient(false).next();
		eventLoop = Schedulers.fromExecutor(loop);
	}

	@AfterAll
	static void disposeEventLoop() {
		callerLoops.disposeLater().block(TIMEOUT);
	}

	@BeforeEach
	void startServer() {
		this.server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
		this.server.start();
		this.lifecycle = new LifecycleClient(WebClient.builder().filter(RETRY.asFilter()),
				ServerAddress.of("127.0.0.1:" + this.server.port(), "http"), "key", Map.of());
		this.endpoint = new SandboxEndpoint("127.0.0.1:" + this.server.port(), Map.of());
	}

	@AfterEach
	void stopServer() {
		this.server.stop();
	}

	@Test
	void blockingCallOnANettyEventLoopIsDetected() {
		Mono<Integer> blocking = Mono.fromCallable(() -> {
			Thread.sleep(1);
			return 1;
		});
		StepVerifier.create(blocking.subscribeOn(eventLoop))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(BlockingOperationError.class)
				.hasMessageStartingWith("Blocking call! java.lang.Thread.sleep"))
			.verify(TIMEOUT);
		assertThat(BlockHoundExtension.drain()).singleElement()
			.satisfies((error) -> assertThat(error).hasMessageStartingWith("Blocking call! java.lang.Thread.sleep"));
	}

	@Test
	void blockingCallInAResponseCallbackOfTheClientIsDetected() {
		stubFor(get(urlEqualTo(SANDBOX_PATH)), json(200, sandbox("Running")));
		Mono<SandboxInfo> blocking = this.lifecycle.get(ID).map((info) -> {
			assertThat(Thread.currentThread().getName()).startsWith("reactor-http-");
			sleep();
			return info;
		});
		StepVerifier.create(blocking).expectError(BlockingOperationError.class).verify(TIMEOUT);
		assertThat(BlockHoundExtension.drain()).hasSize(1);
	}

	@Test
	void lifecycleCallsDoNotBlock() {
		stubFor(post(urlEqualTo("/v1/sandboxes")), json(202, sandbox("Pending")));
		stubFor(get(urlEqualTo(SANDBOX_PATH)), json(200, sandbox("Running")));
		stubFor(get(urlPathEqualTo("/v1/sandboxes")),
				json(200,
						"""
								{"items":[%s],"pagination":{"page":1,"pageSize":20,"totalItems":1,"totalPages":1,"hasNextPage":false}}"""
							.formatted(sandbox("Running"))));
		stubFor(post(urlEqualTo(SANDBOX_PATH + "/renew-expiration")),
				json(200, "{\"expiresAt\":\"2099-01-01T00:00:00Z\"}"));
		stubFor(patch(urlEqualTo(SANDBOX_PATH + "/metadata")), json(200, sandbox("Running")));
		stubFor(get(urlPathEqualTo(SANDBOX_PATH + "/endpoints/44772")),
				json(200, "{\"endpoint\":\"127.0.0.1:44772\",\"headers\":{\"X-EXECD-ACCESS-TOKEN\":\"t\"}}"));
		stubFor(get(urlEqualTo("/health")), json(200, "{\"status\":\"healthy\"}"));
		stubFor(delete(urlEqualTo(SANDBOX_PATH)), aResponse().withStatus(204));
		SandboxSpec spec = SandboxSpec.builder()
			.image("python:3.12")
			.entrypoint("tail", "-f", "/dev/null")
			.timeout(Duration.ofMinutes(10))
			.resource("cpu", "1")
			.resource("memory", "2Gi")
			.build();
		assertThat(onEventLoop(() -> this.lifecycle.create(spec)).block(TIMEOUT).state())
			.isEqualTo(SandboxInfo.State.PENDING);
		assertThat(onEventLoop(() -> this.lifecycle.get(ID)).block(TIMEOUT).id()).isEqualTo(ID);
		ResultPage<SandboxInfo> page = onEventLoop(
				() -> this.lifecycle.list(SandboxInfo.Filter.all().withStates(SandboxInfo.State.RUNNING), 1, 20))
			.block(TIMEOUT);
		assertThat(page.items()).extracting(SandboxInfo::id).containsExactly(ID);
		assertThat(onEventLoop(() -> this.lifecycle.renewExpiration(ID, Instant.parse("2099-01-01T00:00:00Z")))
			.block(TIMEOUT)).isEqualTo(Instant.parse("2099-01-01T00:00:00Z"));
		Map<String, String> patch = new HashMap<>();
		patch.put("team", "a");
		patch.put("gone", null);
		assertThat(onEventLoop(() -> this.lifecycle.patchMetadata(ID, patch)).block(TIMEOUT).id()).isEqualTo(ID);
		assertThat(onEventLoop(() -> this.lifecycle.endpoint(ID, ExecdClient.PORT, false, null)).block(TIMEOUT))
			.isEqualTo(new SandboxEndpoint("127.0.0.1:44772", Map.of("X-EXECD-ACCESS-TOKEN", "t")));
		assertThat(onEventLoop(() -> this.lifecycle.health()).block(TIMEOUT)).isEqualTo("healthy");
		onEventLoop(() -> this.lifecycle.delete(ID)).block(TIMEOUT);
		this.server.verify(deleteRequestedFor(urlEqualTo(SANDBOX_PATH)));
	}

	@Test
	void translatedErrorsAndRetriesDoNotBlock() {
		stubFor(get(urlEqualTo("/v1/sandboxes/missing")),
				json(404, "{\"code\":\"DOCKER::SANDBOX_NOT_FOUND\",\"message\":\"Sandbox missing not found.\"}"));
		StepVerifier.create(onEventLoop(() -> this.lifecycle.get("missing")))
			.expectError(OpenSandboxApiException.NotFound.class)
			.verify(TIMEOUT);
		// A 503 is retried after a delay on Reactor's parallel scheduler, a non-blocking
		// thread too, and the retry succeeds
		answerInTurn(() -> get(urlEqualTo(SANDBOX_PATH)), json(503, "{\"code\":\"BUSY\",\"message\":\"busy\"}"),
				json(200, sandbox("Running")));
		assertThat(onEventLoop(() -> this.lifecycle.get(ID)).block(TIMEOUT).id()).isEqualTo(ID);
		this.server.verify(2, getRequestedFor(urlEqualTo(SANDBOX_PATH)));
		// A 503 that persists is retried, then translated with its body
		stubFor(get(urlEqualTo("/v1/sandboxes/busy")), json(503, "{\"code\":\"BUSY\",\"message\":\"still busy\"}"));
		StepVerifier.create(onEventLoop(() -> this.lifecycle.get("busy")))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(OpenSandboxApiException.ServerError.class)
				.hasMessageContaining("still busy"))
			.verify(TIMEOUT);
		this.server.verify(3, getRequestedFor(urlEqualTo("/v1/sandboxes/busy")));
	}

	@Test
	void commandStreamWithPingsIsDecodedWithoutBlocking() {
		StringBuilder body = new StringBuilder("{\"type\":\"init\",\"text\":\"cmd-1\"}\n\n");
		for (int i = 0; i < 5; i++) {
			body.append("{\"type\":\"ping\",\"timestamp\":").append(1700000000000L + i).append("}\n\n");
			body.append("{\"type\":\"stdout\",\"text\":\"line ").append(i).append("\"}\n\n");
		}
		body.append("{\"type\":\"execution_complete\",\"execution_time\":12}\n\n");
		stubFor(post(urlEqualTo("/command")),
				aResponse().withHeader("Content-Type", "text/event-stream")
					.withBody(body.toString())
					.withChunkedDribbleDelay(8, 200));
		ExecdClient execd = execd();
		List<ExecutionEvent> events = onEventLoop(
				() -> execd.runCommand("for i in 0 1 2 3 4; do echo line $i; done", CommandOptions.defaults())
					.collectList())
			.block(TIMEOUT);
		Execution execution = Executions.of(events);
		assertThat(execution.id()).isEqualTo("cmd-1");
		assertThat(execution.exitCode()).hasValue(0);
		assertThat(execution.stdoutText()).isEqualTo("line 0\nline 1\nline 2\nline 3\nline 4");
		assertThat(events).extracting(ExecutionEvent::type).doesNotContain(ExecutionEvent.Type.PING);
	}

	@Test
	void metricsWatchDoesNotBlock() {
		stubFor(get(urlEqualTo("/metrics/watch")),
				aResponse().withHeader("Content-Type", "text/event-stream").withBody(METRICS + "\n" + METRICS + "\n"));
		ExecdClient execd = execd();
		Flux<SandboxMetrics> first = Flux.defer(() -> execd.watchMetrics().take(1)).subscribeOn(eventLoop);
		assertThat(first.collectList().block(TIMEOUT)).singleElement()
			.satisfies((metrics) -> assertThat(metrics.cpuUsedPercent()).isEqualTo(12.5));
	}

	@Test
	void fileTransfersDoNotBlock(@TempDir Path temp) throws Exception {
		byte[] content = "0123456789".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
		stubFor(post(urlEqualTo("/files/upload")), aResponse().withStatus(200));
		stubFor(get(urlEqualTo("/files/download?path=%2Fw%2Fdata.bin")), aResponse().withBody(content));
		ExecdFilesClient files = new ExecdFilesClient(WebClient.builder(), this.endpoint, "http", "token", Map.of());
		// The JDK's NativePRNG refills its buffer, shared by every SecureRandom, from
		// /dev/urandom once it is 100 ms old: let it age, so that a multipart boundary
		// drawn
		// on the event loop would read the file there
		Thread.sleep(150);
		onEventLoop(() -> files.write(FileUpload.of("/w/bytes.bin", content))).block(TIMEOUT);
		Path local = Files.write(temp.resolve("local.bin"), content);
		onEventLoop(() -> files.write(FileUpload.of("/w/local.bin", local))).block(TIMEOUT);
		this.server.verify(2, postRequestedFor(urlEqualTo("/files/upload")));
		assertThat(this.server.findAll(postRequestedFor(urlEqualTo("/files/upload"))))
			.allSatisfy((request) -> assertThat(request.getBody().length).isGreaterThan(content.length));
		Path target = temp.resolve("downloaded.bin");
		assertThat(onEventLoop(() -> files.download("/w/data.bin", target)).block(TIMEOUT)).isEqualTo(content.length);
		assertThat(target).hasBinaryContent(content);
		assertThat(onEventLoop(() -> files.readBytes("/w/data.bin")).block(TIMEOUT)).isEqualTo(content);
	}

	@Test
	void creatingASandboxAndWaitingUntilItIsReadyDoesNotBlock() {
		stubFor(post(urlEqualTo("/v1/sandboxes")), json(202, sandbox("Pending")));
		answerInTurn(() -> get(urlEqualTo(SANDBOX_PATH)), json(200, sandbox("Pending")), json(200, sandbox("Pending")),
				json(200, sandbox("Running")));
		stubFor(get(urlPathEqualTo(SANDBOX_PATH + "/endpoints/44772")),
				json(200, "{\"endpoint\":\"127.0.0.1:" + this.server.port() + "\",\"headers\":{}}"));
		stubFor(get(urlEqualTo("/ping")), aResponse().withStatus(200));
		stubFor(delete(urlEqualTo(SANDBOX_PATH)), aResponse().withStatus(204));
		SandboxSpec defaults = SandboxSpec.builder()
			.entrypoint("tail", "-f", "/dev/null")
			.timeout(Duration.ofMinutes(10))
			.resource("cpu", "1")
			.resource("memory", "2Gi")
			.build();
		SandboxTemplateSettings settings = SandboxTemplateSettings.builder()
			.defaults(defaults)
			.readiness(Readiness.defaults().withTimeout(TIMEOUT).withPollInterval(Duration.ofMillis(20)))
			.build();
		OpenSandboxConnection connection = OpenSandboxConnection.builder(WebClient.builder().filter(RETRY.asFilter()))
			.domain("127.0.0.1:" + this.server.port())
			.apiKey("key")
			.execdAccessToken("token")
			.streamIdleTimeout(Duration.ofSeconds(5))
			.build();
		ReactiveSandboxTemplate template = new ReactiveSandboxTemplate(connection, settings);
		ReactiveSandbox sandbox = onEventLoop(() -> template.create(SandboxSpec.ofImage("python:3.12"))).block(TIMEOUT);
		assertThat(sandbox.id()).isEqualTo(ID);
		this.server.verify(1, getRequestedFor(urlEqualTo("/ping")));
		onEventLoop(sandbox::kill).block(TIMEOUT);
		this.server.verify(1, deleteRequestedFor(urlEqualTo(SANDBOX_PATH)));
	}

	private ExecdClient execd() {
		return new ExecdClient(WebClient.builder(), this.endpoint, "http", "token", Map.of(), Duration.ofSeconds(5));
	}

	/**
	 * Assemble and subscribe on an event loop, as a call from a WebFlux handler would.
	 */
	private static <T> Mono<T> onEventLoop(Supplier<Mono<T>> call) {
		return Mono.defer(call).subscribeOn(eventLoop);
	}

	private static void sleep() {
		try {
			Thread.sleep(1);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void stubFor(MappingBuilder request, ResponseDefinitionBuilder response) {
		this.server.stubFor(request.willReturn(response));
	}

	/**
	 * Answer the same request with the given responses one after another, then keep
	 * giving the last.
	 */
	private void answerInTurn(Supplier<MappingBuilder> request, ResponseDefinitionBuilder... answers) {
		String state = Scenario.STARTED;
		for (int i = 0; i < answers.length; i++) {
			String next = (i < answers.length - 1) ? "answer-" + (i + 1) : state;
			this.server.stubFor(request.get()
				.inScenario("answers")
				.whenScenarioStateIs(state)
				.willReturn(answers[i])
				.willSetStateTo(next));
			state = next;
		}
	}

	private static String sandbox(String state) {
		return """
				{"id":"%s","status":{"state":"%s","reason":"provisioning"},"entrypoint":["tail"],
				 "metadata":{},"createdAt":"2026-01-01T00:00:00Z","expiresAt":"2026-01-01T00:10:00Z"}""".formatted(ID,
				state);
	}

	private static ResponseDefinitionBuilder json(int status, String body) {
		return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
	}

}
