package io.opensandbox.spring.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

import io.opensandbox.spring.client.LifecycleClient;
import io.opensandbox.spring.client.SandboxEndpointClients;
import io.opensandbox.spring.client.ServerAddress;
import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.error.SandboxReadinessException;
import io.opensandbox.spring.model.SandboxSpec;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Creating sandboxes: defaults, readiness (adaptive polling, failure messages, killing
 * what did not become ready), connect, execute and run. The lifecycle server and execd
 * are one WireMock server on loopback.
 *
 * @author OpenSandbox Spring Boot
 */
class SandboxTemplateTests {

	private static final String ID = "0b7e5f7e-6c1f-4d2b-9a55-3f1f8f0f0a11";

	private static final String SANDBOX_PATH = "/v1/sandboxes/" + ID;

	private WireMockServer server;

	private int pingScenarios;

	private LifecycleClient lifecycle;

	@BeforeEach
	void startServer() {
		this.server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
		this.server.start();
		this.lifecycle = new LifecycleClient(WebClient.builder(),
				ServerAddress.of("127.0.0.1:" + this.server.port(), "http"), "key", Map.of());
		this.server.stubFor(post(urlEqualTo("/v1/sandboxes")).willReturn(json(202, sandbox("Pending"))));
		this.server.stubFor(delete(urlEqualTo(SANDBOX_PATH)).willReturn(aResponse().withStatus(204)));
		this.server.stubFor(get(urlPathEqualTo(SANDBOX_PATH + "/endpoints/44772"))
			.willReturn(json(200, "{\"endpoint\":\"127.0.0.1:" + this.server.port() + "\",\"headers\":{}}")));
		this.server.stubFor(get(urlEqualTo("/ping")).willReturn(aResponse().withStatus(200)));
	}

	@AfterEach
	void stopServer() {
		this.server.stop();
	}

	private OpenSandboxConnection connection() {
		return new OpenSandboxConnection(this.lifecycle,
				new SandboxEndpointClients(WebClient.builder(), "http", Map.of(), null, Duration.ofSeconds(5)));
	}

	private SandboxTemplate template(Duration readyTimeout, boolean useServerProxy) {
		SandboxSpec defaults = SandboxSpec.builder()
			.entrypoint("tail", "-f", "/dev/null")
			.timeout(Duration.ofMinutes(10))
			.resource("cpu", "1")
			.resource("memory", "2Gi")
			.metadata("team", "a")
			.build();
		SandboxTemplateSettings settings = SandboxTemplateSettings.builder()
			.defaults(defaults)
			.useServerProxy(useServerProxy)
			.readiness(Readiness.defaults().withTimeout(readyTimeout).withPollInterval(Duration.ofMillis(20)))
			.build();
		return new SandboxTemplate(new ReactiveSandboxTemplate(connection(), settings));
	}

	@Test
	void createMergesDefaultsAndWaitsUntilExecdAnswers() {
		stubStates("Pending", "Running");
		stubPings(503, 503, 200);
		Sandbox sandbox = template(Duration.ofSeconds(5), false)
			.create((spec) -> spec.image("python:3.12").metadata("job", "7").env("A", "1"));
		assertThat(sandbox.id()).isEqualTo(ID);
		this.server.verify(postRequestedFor(urlEqualTo("/v1/sandboxes")).withRequestBody(equalToJson("""
				{"image":{"uri":"python:3.12"},"entrypoint":["tail","-f","/dev/null"],"timeout":600,
				 "resourceLimits":{"cpu":"1","memory":"2Gi"},"env":{"A":"1"},"metadata":{"team":"a","job":"7"}}""")));
		this.server.verify(3, getRequestedFor(urlEqualTo("/ping")));
		this.server.verify(0, deleteRequestedFor(urlEqualTo(SANDBOX_PATH)));
	}

	@Test
	void sandboxThatStaysPendingIsKilledAndTheFailureSaysWhatWasSeen() {
		stubStates("Pending");
		stubPings(503);
		assertThatExceptionOfType(SandboxReadinessException.class)
			.isThrownBy(() -> template(Duration.ofMillis(400), false).create(SandboxSpec.ofImage("python:3.12")))
			.satisfies((ex) -> {
				assertThat(ex.getSandboxId()).isEqualTo(ID);
				assertThat(ex.getLastState()).isEqualTo("Pending");
				assertThat(ex.getAttempts()).isGreaterThan(2);
				assertThat(ex.getMessage()).contains("was not ready within 400 ms",
						"last state: Pending (provisioning)", "127.0.0.1:" + this.server.port(), "killed");
			});
		this.server.verify(deleteRequestedFor(urlEqualTo(SANDBOX_PATH)));
	}

	@Test
	void runningSandboxWhoseExecdDoesNotAnswerSuggestsTheServerProxy() {
		stubStates("Running");
		this.server.stubFor(get(urlPathEqualTo(SANDBOX_PATH + "/endpoints/44772"))
			.willReturn(json(200, "{\"endpoint\":\"127.0.0.1:1\",\"headers\":{}}")));
		assertThatExceptionOfType(SandboxReadinessException.class)
			.isThrownBy(() -> template(Duration.ofMillis(600), false).create(SandboxSpec.ofImage("python:3.12")))
			.withMessageContaining("last state: Running")
			.withMessageContaining("opensandbox.use-server-proxy=true");
		this.server.verify(deleteRequestedFor(urlEqualTo(SANDBOX_PATH)));
	}

	@Test
	void failedSandboxStopsWaitingAtOnce() {
		stubStates("Failed");
		stubPings(503);
		assertThatExceptionOfType(SandboxReadinessException.class)
			.isThrownBy(() -> template(Duration.ofSeconds(30), false).create(SandboxSpec.ofImage("python:3.12")))
			.withMessageContaining(", 1 state request)")
			.withMessageContaining("cannot become ready")
			.withMessageContaining("last state: Failed");
		this.server.verify(deleteRequestedFor(urlEqualTo(SANDBOX_PATH)));
	}

	@Test
	void aSandboxThatVanishesWhileWaitingStopsTheWaitAtOnce() {
		stubPings(503);
		this.server.stubFor(get(urlEqualTo(SANDBOX_PATH))
			.willReturn(json(404, "{\"code\":\"DOCKER::SANDBOX_NOT_FOUND\",\"message\":\"gone\"}")));
		long started = System.nanoTime();
		assertThatExceptionOfType(SandboxReadinessException.class)
			.isThrownBy(() -> template(Duration.ofSeconds(30), false).create(SandboxSpec.ofImage("python:3.12")))
			.withMessageContaining("cannot become ready")
			.withMessageContaining("DOCKER::SANDBOX_NOT_FOUND")
			.satisfies((ex) -> assertThat(ex)
				.hasCauseInstanceOf(io.opensandbox.spring.error.OpenSandboxApiException.NotFound.class));
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
	}

	@Test
	void serverProxyEndpointsAreRequestedWhenConfigured() {
		stubStates("Running");
		template(Duration.ofSeconds(5), true).create(SandboxSpec.ofImage("python:3.12"));
		this.server.verify(getRequestedFor(urlEqualTo(SANDBOX_PATH + "/endpoints/44772?use_server_proxy=true")));
	}

	@Test
	void skippedReadinessReturnsRightAfterCreation() {
		Sandbox sandbox = template(Duration.ofSeconds(5), false).create(SandboxSpec.ofImage("python:3.12"),
				Readiness.skip());
		assertThat(sandbox.id()).isEqualTo(ID);
		this.server.verify(0, getRequestedFor(urlEqualTo(SANDBOX_PATH)));
		this.server.verify(0, getRequestedFor(urlEqualTo("/ping")));
	}

	@Test
	void customReadinessCheckReplacesThePing() {
		stubStates("Running");
		this.server.stubFor(get(urlEqualTo("/ready")).willReturn(aResponse().withStatus(200)));
		Readiness.Check check = (sandbox) -> WebClient.create("http://127.0.0.1:" + this.server.port() + "/ready")
			.get()
			.retrieve()
			.toBodilessEntity()
			.then();
		template(Duration.ofSeconds(5), false).create(SandboxSpec.ofImage("python:3.12"),
				Readiness.defaults().withCheck(check));
		this.server.verify(1, getRequestedFor(urlEqualTo("/ready")));
		this.server.verify(0, getRequestedFor(urlEqualTo("/ping")));
	}

	@Test
	void connectChecksTheSandboxExists() {
		stubStates("Running");
		assertThat(template(Duration.ofSeconds(5), false).connect(ID).id()).isEqualTo(ID);
		this.server.stubFor(get(urlEqualTo("/v1/sandboxes/missing")).willReturn(
				json(404, "{\"code\":\"DOCKER::SANDBOX_NOT_FOUND\",\"message\":\"Sandbox missing not found.\"}")));
		assertThatExceptionOfType(OpenSandboxApiException.NotFound.class)
			.isThrownBy(() -> template(Duration.ofSeconds(5), false).connect("missing"));
	}

	@Test
	void executeKillsTheSandboxWhenTheCallbackThrows() {
		stubStates("Running");
		assertThatIllegalStateException().isThrownBy(
				() -> template(Duration.ofSeconds(5), false).execute(SandboxSpec.ofImage("python:3.12"), (sandbox) -> {
					throw new IllegalStateException("boom");
				}));
		this.server.verify(1, deleteRequestedFor(urlEqualTo(SANDBOX_PATH)));
	}

	@Test
	void executeKillsTheSandboxWhenTheThreadWasInterrupted() {
		stubStates("Running");
		try {
			String result = template(Duration.ofSeconds(5), false).execute(SandboxSpec.ofImage("python:3.12"),
					(sandbox) -> {
						Thread.currentThread().interrupt();
						return "done";
					});
			assertThat(result).isEqualTo("done");
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
		this.server.verify(1, deleteRequestedFor(urlEqualTo(SANDBOX_PATH)));
	}

	@Test
	void reactiveExecuteKillsTheSandboxOnCompleteErrorAndCancel() {
		stubStates("Running");
		ReactiveSandboxTemplate reactive = template(Duration.ofSeconds(5), false).reactive();
		assertThat(reactive
			.execute(SandboxSpec.ofImage("python:3.12"), (sandbox) -> reactor.core.publisher.Mono.just(sandbox.id()))
			.blockLast()).isEqualTo(ID);
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> this.server.verify(1, deleteRequestedFor(urlEqualTo(SANDBOX_PATH))));
		assertThatIllegalStateException().isThrownBy(
				() -> reactive
					.execute(SandboxSpec.ofImage("python:3.12"),
							(sandbox) -> reactor.core.publisher.Mono.error(new IllegalStateException("boom")))
					.blockLast());
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> this.server.verify(2, deleteRequestedFor(urlEqualTo(SANDBOX_PATH))));
		reactive
			.execute(SandboxSpec.ofImage("python:3.12"),
					(sandbox) -> reactor.core.publisher.Flux.interval(Duration.ofMillis(10)))
			.take(2)
			.blockLast();
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> this.server.verify(3, deleteRequestedFor(urlEqualTo(SANDBOX_PATH))));
	}

	@Test
	void aCancelAfterTheSandboxWasDeliveredDoesNotKillIt() throws InterruptedException {
		stubStates("Running");
		ReactiveSandboxTemplate reactive = template(Duration.ofSeconds(5), false).reactive();
		// Flux.next() cancels its source once the first element arrives
		assertThat(reactive.create(SandboxSpec.ofImage("python:3.12")).flux().next().block().id()).isEqualTo(ID);
		Thread.sleep(300);
		this.server.verify(0, deleteRequestedFor(urlEqualTo(SANDBOX_PATH)));
	}

	@Test
	void runExecutesOneCommandInAFreshSandboxAndKillsIt() {
		stubStates("Running");
		this.server
			.stubFor(post(urlEqualTo("/command")).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
				.withBody("{\"type\":\"stdout\",\"text\":\"hi\"}\n\n{\"type\":\"execution_complete\"}\n\n")));
		Execution execution = template(Duration.ofSeconds(5), false).run("python:3.12", "echo hi");
		assertThat(execution.stdoutText()).isEqualTo("hi");
		assertThat(execution.exitCode()).hasValue(0);
		this.server.verify(1, deleteRequestedFor(urlEqualTo(SANDBOX_PATH)));
	}

	@Test
	void endpointsAreResolvedOnceAndAgainAfterResume() {
		stubStates("Running");
		this.server.stubFor(post(urlEqualTo(SANDBOX_PATH + "/pause")).willReturn(aResponse().withStatus(202)));
		this.server.stubFor(post(urlEqualTo(SANDBOX_PATH + "/resume")).willReturn(aResponse().withStatus(202)));
		this.server.stubFor(get(urlEqualTo("/metrics")).willReturn(json(200,
				"{\"cpu_count\":1,\"cpu_used_pct\":1,\"mem_total_mib\":1,\"mem_used_mib\":1,\"timestamp\":1}")));
		Sandbox sandbox = template(Duration.ofSeconds(5), false).create(SandboxSpec.ofImage("python:3.12"));
		sandbox.metrics();
		sandbox.metrics();
		this.server.verify(1, getRequestedFor(urlEqualTo(SANDBOX_PATH + "/endpoints/44772")));
		sandbox.pause();
		sandbox.resume();
		sandbox.metrics();
		this.server.verify(2, getRequestedFor(urlEqualTo(SANDBOX_PATH + "/endpoints/44772")));
	}

	@Test
	void filesCommandsAndCodeGoToTheSandboxExecdEndpoint() {
		stubStates("Running");
		this.server.stubFor(post(urlEqualTo("/files/upload")).willReturn(aResponse().withStatus(200)));
		this.server.stubFor(get(urlEqualTo("/files/download?path=%2Ftmp%2Fx.py"))
			.willReturn(aResponse().withHeader("Content-Type", "application/octet-stream").withBody("print(1)")));
		this.server
			.stubFor(post(urlEqualTo("/code")).willReturn(aResponse().withHeader("Content-Type", "text/event-stream")
				.withBody("{\"type\":\"stdout\",\"text\":\"1\"}\n\n{\"type\":\"execution_complete\"}\n\n")));
		Sandbox sandbox = template(Duration.ofSeconds(5), false).create(SandboxSpec.ofImage("python:3.12"));
		sandbox.files().write("/tmp/x.py", "print(1)");
		assertThat(sandbox.files().readText("/tmp/x.py")).isEqualTo("print(1)");
		assertThat(sandbox.codes().run("python", "print(1)").stdoutText()).isEqualTo("1");
		this.server.verify(postRequestedFor(urlEqualTo("/files/upload")));
		this.server.verify(1, getRequestedFor(urlEqualTo(SANDBOX_PATH + "/endpoints/44772")));
	}

	@Test
	void badArgumentsFailBeforeTheEndpointIsLookedUp() {
		Sandbox sandbox = template(Duration.ofSeconds(5), false).create(SandboxSpec.ofImage("python:3.12"),
				Readiness.skip());
		this.server.resetRequests();
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> sandbox.commands().run(" "));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> sandbox.commands().stream("", io.opensandbox.spring.model.CommandOptions.defaults()));
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> sandbox.files().readText(""));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> sandbox.files().delete(java.util.List.of()));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> sandbox.codes().run(io.opensandbox.spring.model.CodeContext.ofLanguage("python"), ""));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> sandbox.egress().patchRules(java.util.List.of()));
		assertThat(this.server.findAll(anyRequestedFor(anyUrl()))).isEmpty();
	}

	@Test
	void sandboxCreatedAfterTheCallerCancelledIsKilled() {
		this.server
			.stubFor(post(urlEqualTo("/v1/sandboxes")).willReturn(json(202, sandbox("Pending")).withFixedDelay(800)));
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> template(Duration.ofSeconds(5), false).reactive()
			.create(SandboxSpec.ofImage("python:3.12"))
			.timeout(Duration.ofMillis(100))
			.block());
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> this.server.verify(1, deleteRequestedFor(urlEqualTo(SANDBOX_PATH))));
	}

	@Test
	void sandboxWithANetworkPolicyHasItsEgressEndpointResolvedWhileWaiting() {
		stubStates("Running");
		this.server.stubFor(get(urlPathEqualTo(SANDBOX_PATH + "/endpoints/18080"))
			.willReturn(json(200, "{\"endpoint\":\"127.0.0.1:" + this.server.port() + "\",\"headers\":{}}")));
		template(Duration.ofSeconds(5), false).create((spec) -> spec.image("python:3.12")
			.networkPolicy(io.opensandbox.spring.model.NetworkPolicy
				.denyByDefault(io.opensandbox.spring.model.NetworkPolicy.Rule.allow("pypi.org"))));
		this.server.verify(1, getRequestedFor(urlEqualTo(SANDBOX_PATH + "/endpoints/18080")));
	}

	@Test
	void readinessFailureNamesTheLastError() {
		stubStates("Running");
		this.server.stubFor(get(urlEqualTo("/ping"))
			.willReturn(json(503, "{\"code\":\"EXECD_STARTING\",\"message\":\"execd is starting\"}")));
		assertThatExceptionOfType(SandboxReadinessException.class)
			.isThrownBy(() -> template(Duration.ofMillis(400), false).create(SandboxSpec.ofImage("python:3.12")))
			.withMessageContaining("last error: GET /ping failed with HTTP 503 EXECD_STARTING: execd is starting")
			.satisfies((ex) -> assertThat(ex)
				.hasCauseInstanceOf(io.opensandbox.spring.error.OpenSandboxApiException.ServerError.class));
	}

	@Test
	void rejectedExecdAccessTokenStopsWaitingAtOnce() {
		stubStates("Running");
		this.server.stubFor(get(urlEqualTo("/ping")).willReturn(json(401, "{\"error\":\"invalid access token\"}")));
		assertThatExceptionOfType(SandboxReadinessException.class)
			.isThrownBy(() -> template(Duration.ofSeconds(30), false).create(SandboxSpec.ofImage("python:3.12")))
			.withMessageContaining("(1 check, ")
			.withMessageContaining("invalid access token");
		this.server.verify(deleteRequestedFor(urlEqualTo(SANDBOX_PATH)));
	}

	@Test
	void execdEndpointIsResolvedRightAfterCreationAndProbedBeforeTheServerSaysRunning() {
		stubStates("Pending");
		template(Duration.ofSeconds(5), false).create(SandboxSpec.ofImage("python:3.12"));
		List<String> requests = requests();
		assertThat(requests).startsWith("POST /v1/sandboxes", "GET " + SANDBOX_PATH + "/endpoints/44772", "GET /ping");
		this.server.verify(1, getRequestedFor(urlEqualTo(SANDBOX_PATH + "/endpoints/44772")));
	}

	@Test
	void anEndpointTheServerCannotTellYetIsAskedForAgainOnceTheSandboxRuns() {
		stubStates("Pending", "Running");
		this.server.stubFor(get(urlPathEqualTo(SANDBOX_PATH + "/endpoints/44772")).inScenario("endpoint")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(json(404, "{\"code\":\"ENDPOINT_NOT_READY\",\"message\":\"no address yet\"}"))
			.willSetStateTo("known"));
		this.server.stubFor(get(urlPathEqualTo(SANDBOX_PATH + "/endpoints/44772")).inScenario("endpoint")
			.whenScenarioStateIs("known")
			.willReturn(json(200, "{\"endpoint\":\"127.0.0.1:" + this.server.port() + "\",\"headers\":{}}")));
		template(Duration.ofSeconds(5), false).create(SandboxSpec.ofImage("python:3.12"));
		List<String> requests = requests();
		String endpoint = "GET " + SANDBOX_PATH + "/endpoints/44772";
		assertThat(requests).filteredOn(endpoint::equals).hasSize(2);
		// Asked again only after the state request that saw the sandbox running
		assertThat(requests.lastIndexOf(endpoint)).isGreaterThan(requests.lastIndexOf("GET " + SANDBOX_PATH));
	}

	@Test
	void defaultReadinessAsksTheLifecycleServerAtMostEvery400MillisecondsAndExecdEvery10() {
		Readiness readiness = SandboxTemplateSettings.builder().build().readiness();
		assertThat(readiness).isEqualTo(Readiness.defaults());
		assertThat(readiness.pollInterval()).isEqualTo(Duration.ofMillis(400));
		assertThat(readiness.probeInterval()).isEqualTo(Duration.ofMillis(10));
		assertThat(readiness.timeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(readiness.check()).isSameAs(Readiness.Check.EXECD_PING);
	}

	@Test
	void directWaitProbesExecdOftenAndAsksForTheStateRarelyWithGrowingDelays() {
		stubStates("Pending");
		stubPings(503);
		Readiness readiness = Readiness.defaults()
			.withTimeout(Duration.ofMillis(1500))
			.withPollInterval(Duration.ofMillis(300))
			.withProbeInterval(Duration.ofMillis(10));
		assertThatExceptionOfType(SandboxReadinessException.class).isThrownBy(
				() -> template(Duration.ofSeconds(5), false).create(SandboxSpec.ofImage("python:3.12"), readiness));
		List<Long> states = times(SANDBOX_PATH);
		// 250 ms after creation, then 300 ms apart: 5 in 1.5 s, never 10 ms apart
		assertThat(states).hasSizeBetween(3, 6);
		assertThat(states.get(1) - states.get(0)).isBetween(150L, 450L);
		assertThat(states.get(states.size() - 1) - states.get(states.size() - 2)).isBetween(250L, 600L);
		// Probes every 10 ms: far more than the state requests
		assertThat(this.server.findAll(getRequestedFor(urlEqualTo("/ping")))).hasSizeGreaterThan(40);
	}

	@Test
	void waitThroughTheServerProxyProbesOnTheLifecycleScheduleAndAsksForTheStateLessOften() {
		stubStates("Pending");
		stubPings(503);
		Readiness readiness = Readiness.defaults()
			.withTimeout(Duration.ofMillis(1500))
			.withPollInterval(Duration.ofMillis(300))
			.withProbeInterval(Duration.ofMillis(10));
		assertThatExceptionOfType(SandboxReadinessException.class).isThrownBy(
				() -> template(Duration.ofSeconds(5), true).create(SandboxSpec.ofImage("python:3.12"), readiness));
		// Probes 250, then 300 ms apart; state after 500 ms, then 750 ms
		assertThat(this.server.findAll(getRequestedFor(urlEqualTo("/ping")))).hasSizeBetween(4, 9);
		assertThat(times(SANDBOX_PATH)).hasSizeBetween(1, 3);
	}

	@Test
	void connectWaitsUntilTheSandboxIsReadyAndDoesNotKillOneThatIsNot() {
		stubStates("Running");
		stubPings(503, 200);
		assertThat(template(Duration.ofSeconds(5), false).connect(ID).id()).isEqualTo(ID);
		this.server.verify(2, getRequestedFor(urlEqualTo("/ping")));
		stubPings(503);
		assertThatExceptionOfType(SandboxReadinessException.class)
			.isThrownBy(() -> template(Duration.ofMillis(300), false).connect(ID))
			.withMessageContaining("was not ready within 300 ms")
			.withMessageNotContaining("killed");
		this.server.verify(0, deleteRequestedFor(urlEqualTo(SANDBOX_PATH)));
	}

	@Test
	void connectWithoutWaitingTakesTheSandboxAsItIs() {
		stubStates("Paused");
		assertThat(template(Duration.ofSeconds(5), false).connect(ID, Readiness.skip()).id()).isEqualTo(ID);
		this.server.verify(0, getRequestedFor(urlEqualTo("/ping")));
		this.server.verify(1, getRequestedFor(urlEqualTo(SANDBOX_PATH)));
	}

	@Test
	void connectingToAFailedSandboxFailsWithoutWaiting() {
		stubStates("Failed");
		assertThatExceptionOfType(SandboxReadinessException.class)
			.isThrownBy(() -> template(Duration.ofSeconds(30), false).connect(ID))
			.withMessageContaining("cannot become ready")
			.withMessageContaining("last state: Failed");
		this.server.verify(0, getRequestedFor(urlEqualTo("/ping")));
	}

	@Test
	void resumeWaitsUntilTheSandboxIsReadyAgain() {
		stubStates("Running");
		this.server.stubFor(post(urlEqualTo(SANDBOX_PATH + "/resume")).willReturn(aResponse().withStatus(202)));
		Sandbox sandbox = template(Duration.ofSeconds(5), false).handle(ID);
		stubPings(503, 503, 200);
		sandbox.resume();
		this.server.verify(3, getRequestedFor(urlEqualTo("/ping")));
		stubPings(503);
		sandbox.resume(Readiness.skip());
		this.server.verify(1, postRequestedFor(urlEqualTo(SANDBOX_PATH + "/resume")));
		this.server.verify(0, getRequestedFor(urlEqualTo("/ping")));
	}

	@Test
	void waitUntilReadyTakesItsOwnTimeoutAndNeverKills() {
		stubStates("Running");
		stubPings(503);
		Sandbox sandbox = template(Duration.ofSeconds(30), false).handle(ID);
		long started = System.nanoTime();
		assertThatExceptionOfType(SandboxReadinessException.class)
			.isThrownBy(() -> sandbox.waitUntilReady(Duration.ofMillis(200)))
			.withMessageContaining("was not ready within 200 ms");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
		this.server.verify(0, deleteRequestedFor(urlEqualTo(SANDBOX_PATH)));
		stubPings(200);
		sandbox.waitUntilReady(Readiness.defaults().withTimeout(Duration.ofSeconds(5)));
	}

	@Test
	void signedEndpointIsAlwaysDirectEvenWhenEndpointsGoThroughTheProxy() {
		long expires = java.time.Instant.now().plusSeconds(300).getEpochSecond();
		this.server.stubFor(get(urlEqualTo(SANDBOX_PATH + "/endpoints/8080?expires=" + expires))
			.willReturn(json(200, "{\"endpoint\":\"gw.example.com/signed/x/8080\",\"headers\":{}}")));
		Sandbox sandbox = template(Duration.ofSeconds(5), true).handle(ID);
		assertThat(sandbox.signedEndpoint(8080, java.time.Instant.ofEpochSecond(expires)).endpoint())
			.isEqualTo("gw.example.com/signed/x/8080");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> sandbox.signedEndpoint(8080, java.time.Instant.now().minusSeconds(1)));
		this.server.verify(1, getRequestedFor(urlPathEqualTo(SANDBOX_PATH + "/endpoints/8080")));
	}

	@Test
	void aReadinessFailureShowsTheLastDiagnosticEventsOfTheServer() {
		stubStates("Pending");
		stubPings(503);
		StringBuilder events = new StringBuilder();
		for (int i = 1; i <= 8; i++) {
			events.append("2026-01-01T00:00:0").append(i).append("Z runtime Warning event ").append(i).append("\\n");
		}
		this.server.stubFor(get(urlEqualTo(SANDBOX_PATH + "/diagnostics/events?scope=all")).willReturn(json(200, """
				{"sandboxId":"%s","kind":"events","scope":"all","delivery":"inline","contentType":"text/plain",
				 "content":"%s","truncated":false}""".formatted(ID, events))));
		assertThatExceptionOfType(SandboxReadinessException.class)
			.isThrownBy(() -> template(Duration.ofMillis(300), false).create(SandboxSpec.ofImage("python:3.12")))
			.withMessageContaining("last events: 2026-01-01T00:00:04Z runtime Warning event 4 | ")
			.withMessageContaining("event 8. The sandbox has been killed.")
			.withMessageNotContaining("event 3");
	}

	@Test
	void aReadinessFailureWithoutDiagnosticsSaysWhatItKnows() {
		stubStates("Pending");
		stubPings(503);
		this.server.stubFor(get(urlPathEqualTo(SANDBOX_PATH + "/diagnostics/events"))
			.willReturn(json(501, "{\"code\":\"NOT_IMPLEMENTED\",\"message\":\"no\"}")));
		assertThatExceptionOfType(SandboxReadinessException.class)
			.isThrownBy(() -> template(Duration.ofMillis(300), false).create(SandboxSpec.ofImage("python:3.12")))
			.withMessageNotContaining("last events")
			.withMessageContaining("last state: Pending");
	}

	@Test
	void diagnosticsOfTheSandboxComeFromTheLifecycleServer() {
		this.server.stubFor(get(urlEqualTo(SANDBOX_PATH + "/diagnostics/logs?scope=container")).willReturn(json(200, """
				{"sandboxId":"%s","kind":"logs","scope":"container","delivery":"inline","contentType":"text/plain",
				 "content":"started\\n","truncated":false}""".formatted(ID))));
		Sandbox sandbox = template(Duration.ofSeconds(5), false).handle(ID);
		assertThat(sandbox.diagnosticLogs("container").content()).isEqualTo("started\n");
		assertThatIllegalArgumentException().isThrownBy(() -> sandbox.diagnosticEvents(""));
	}

	@Test
	void isHealthyAsksExecdOnceAndAnswersInsteadOfThrowing() {
		Sandbox sandbox = template(Duration.ofSeconds(5), false).handle(ID);
		assertThat(sandbox.isHealthy()).isTrue();
		stubPings(503);
		assertThat(sandbox.isHealthy()).isFalse();
		this.server.verify(1, getRequestedFor(urlEqualTo("/ping")));
	}

	private List<String> requests() {
		List<String> requests = new java.util.ArrayList<>(this.server.getAllServeEvents()
			.stream()
			.map((event) -> event.getRequest().getMethod() + " " + event.getRequest().getUrl())
			.toList());
		java.util.Collections.reverse(requests);
		return requests;
	}

	private List<Long> times(String path) {
		return this.server.findAll(getRequestedFor(urlEqualTo(path)))
			.stream()
			.map((request) -> request.getLoggedDate().getTime())
			.sorted()
			.toList();
	}

	/*
	 * Answer the pings with these statuses in turn, the last one from then on.
	 */
	private void stubPings(int... statuses) {
		// A new scenario's stubs are newer, so they take precedence over earlier ones
		this.server.resetRequests();
		String scenario = "pings-" + (++this.pingScenarios);
		String state = Scenario.STARTED;
		for (int i = 0; i < statuses.length; i++) {
			String next = (i < statuses.length - 1) ? "answer-" + (i + 1) : state;
			this.server.stubFor(get(urlEqualTo("/ping")).inScenario(scenario)
				.whenScenarioStateIs(state)
				.willReturn(aResponse().withStatus(statuses[i]))
				.willSetStateTo(next));
			state = next;
		}
	}

	@Test
	void killDropsTheCachedEndpoints() {
		stubStates("Running");
		this.server.stubFor(get(urlEqualTo("/metrics")).willReturn(json(200,
				"{\"cpu_count\":1,\"cpu_used_pct\":1,\"mem_total_mib\":1,\"mem_used_mib\":1,\"timestamp\":1}")));
		Sandbox sandbox = template(Duration.ofSeconds(5), false).create(SandboxSpec.ofImage("python:3.12"));
		sandbox.metrics();
		sandbox.kill();
		sandbox.metrics();
		this.server.verify(2, getRequestedFor(urlEqualTo(SANDBOX_PATH + "/endpoints/44772")));
	}

	@Test
	void closingASandboxKillsIt() {
		stubStates("Running");
		try (Sandbox sandbox = template(Duration.ofSeconds(5), false).create(SandboxSpec.ofImage("python:3.12"))) {
			assertThat(sandbox.id()).isEqualTo(ID);
		}
		this.server.verify(1, deleteRequestedFor(urlEqualTo(SANDBOX_PATH)));
	}

	@Test
	void missingImageFailsBeforeAnyRequest() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> template(Duration.ofSeconds(5), false).create(SandboxSpec.builder().build()));
		assertThat(this.server.findAll(anyRequestedFor(anyUrl()))).isEmpty();
	}

	/**
	 * The sandbox reports the given states one after another, then stays in the last.
	 */
	private void stubStates(String... states) {
		String current = Scenario.STARTED;
		for (int i = 0; i < states.length; i++) {
			String next = (i < states.length - 1) ? "state-" + (i + 1) : current;
			this.server.stubFor(get(urlEqualTo(SANDBOX_PATH)).inScenario("states")
				.whenScenarioStateIs(current)
				.willReturn(json(200, sandbox(states[i])))
				.willSetStateTo(next));
			current = next;
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
