package io.opensandbox.spring.observation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

import io.opensandbox.spring.client.ExecdClient;
import io.opensandbox.spring.client.ExecdFilesClient;
import io.opensandbox.spring.client.LifecycleClient;
import io.opensandbox.spring.client.SandboxEndpointClients;
import io.opensandbox.spring.client.ServerAddress;
import io.opensandbox.spring.core.OpenSandboxConnection;
import io.opensandbox.spring.core.ReactiveSandboxManager;
import io.opensandbox.spring.core.ReactiveSandboxTemplate;
import io.opensandbox.spring.core.SandboxCleanup;
import io.opensandbox.spring.core.SandboxTemplateSettings;
import io.opensandbox.spring.core.SandboxTracker;
import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.model.CommandOptions;
import io.opensandbox.spring.model.FileUpload;
import io.opensandbox.spring.model.SandboxEndpoint;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every OpenSandbox observation: name, keys, outcomes, spanning, nesting, and what is
 * never recorded.
 *
 * @author OpenSandbox Spring Boot
 */
class OpenSandboxObservationsTests {

	private static final String SANDBOX = """
			{"id":"sb-1","status":{"state":"Running"},"entrypoint":["tail"],"createdAt":"2026-01-01T00:00:00Z"}""";

	private final TestObservationRegistry registry = TestObservationRegistry.create();

	private final OpenSandboxObservations observations = new OpenSandboxObservations(this.registry, List.of());

	private final List<io.micrometer.observation.Observation.Context> stopped = new java.util.concurrent.CopyOnWriteArrayList<>();

	private WireMockServer server;

	@BeforeEach
	void startServer() {
		this.registry.observationConfig().observationHandler(new io.micrometer.observation.ObservationHandler<>() {

			@Override
			public boolean supportsContext(io.micrometer.observation.Observation.Context context) {
				return true;
			}

			@Override
			public void onStop(io.micrometer.observation.Observation.Context context) {
				OpenSandboxObservationsTests.this.stopped.add(context);
			}

		});
		this.server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
		this.server.start();
	}

	@AfterEach
	void stopServer() {
		this.server.stop();
	}

	private LifecycleClient lifecycle() {
		return new LifecycleClient(WebClient.builder().observationRegistry(this.registry),
				ServerAddress.of("127.0.0.1:" + this.server.port(), "http"), null, Map.of(), this.observations);
	}

	private SandboxEndpointClients endpoints() {
		return new SandboxEndpointClients(WebClient.builder().observationRegistry(this.registry), "http", Map.of(),
				null, Duration.ofSeconds(5), this.observations);
	}

	private SandboxEndpoint endpoint() {
		return new SandboxEndpoint("127.0.0.1:" + this.server.port(), Map.of());
	}

	@Test
	void lifecycleCallsAreObservedWithOperationOutcomeAndSandboxId() {
		this.server.stubFor(get(urlEqualTo("/v1/sandboxes/sb-1")).willReturn(json(200, SANDBOX)));
		lifecycle().get("sb-1").block();
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasObservationWithNameEqualTo("opensandbox.sandbox.operation")
			.that()
			.hasLowCardinalityKeyValue("opensandbox.operation", "get")
			.hasLowCardinalityKeyValue("outcome", "success")
			.hasHighCardinalityKeyValue("opensandbox.sandbox.id", "sb-1")
			.hasBeenStarted()
			.hasBeenStopped();
	}

	@Test
	void failedLifecycleCallsHaveTheErrorOutcome() {
		this.server.stubFor(get(urlEqualTo("/v1/sandboxes/gone"))
			.willReturn(json(404, "{\"code\":\"DOCKER::SANDBOX_NOT_FOUND\",\"message\":\"gone\"}")));
		assertThatExceptionOfType(OpenSandboxApiException.NotFound.class)
			.isThrownBy(() -> lifecycle().get("gone").block());
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasObservationWithNameEqualTo("opensandbox.sandbox.operation")
			.that()
			.hasLowCardinalityKeyValue("outcome", "error")
			.hasError();
	}

	@Test
	void httpClientObservationsNestInsideAndUseUriTemplates() {
		this.server.stubFor(get(urlEqualTo("/v1/sandboxes/sb-1")).willReturn(json(200, SANDBOX)));
		lifecycle().get("sb-1").block();
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasObservationWithNameEqualTo("http.client.requests")
			.that()
			.hasLowCardinalityKeyValue("uri", "/v1/sandboxes/{sandboxId}")
			.hasParentObservationContextMatching((parent) -> "opensandbox.sandbox.operation".equals(parent.getName()));
	}

	@Test
	void commandStreamsAreObservedUntilTheirLastEvent() {
		this.server.stubFor(post(urlEqualTo("/command"))
			.willReturn(aResponse().withHeader("Content-Type", "text/event-stream").withBody("""
					{"type":"init","text":"cmd-9"}

					{"type":"stdout","text":"secret-command-output"}

					{"type":"error","error":{"ename":"CommandExecError","evalue":"3","traceback":[]}}

					""")));
		ExecdClient execd = endpoints().execd(endpoint());
		List<Boolean> stoppedBeforeLastEvent = new java.util.ArrayList<>();
		execd.runCommand("cat /etc/secret-file", CommandOptions.defaults())
			.doOnNext((event) -> stoppedBeforeLastEvent.add(commandObservationStopped()))
			.blockLast();
		assertThat(stoppedBeforeLastEvent).containsOnly(false);
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasObservationWithNameEqualTo("opensandbox.command.execution")
			.that()
			.hasLowCardinalityKeyValue("opensandbox.command.kind", "command")
			.hasLowCardinalityKeyValue("opensandbox.command.exit.status", "non-zero")
			.hasLowCardinalityKeyValue("outcome", "success")
			.hasHighCardinalityKeyValue("opensandbox.command.id", "cmd-9")
			.doesNotHaveHighCardinalityKeyValueWithKey("command")
			.hasBeenStopped();
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasObservationWithNameEqualTo("http.client.requests")
			.that()
			.hasLowCardinalityKeyValue("client.name", "opensandbox-sandbox");
	}

	private boolean commandObservationStopped() {
		return this.stopped.stream().anyMatch((context) -> "opensandbox.command.execution".equals(context.getName()));
	}

	@Test
	void uploadsAndDownloadsAreObservedWithTheirBytesButNotTheirPaths() {
		this.server.stubFor(post(urlEqualTo("/files/upload")).willReturn(aResponse().withStatus(200)));
		this.server.stubFor(get(urlPathEqualTo("/files/download"))
			.willReturn(aResponse().withHeader("Content-Type", "application/octet-stream").withBody(new byte[1234])));
		ExecdFilesClient files = endpoints().files(endpoint());
		files.write(FileUpload.of("/secret/path.txt", new byte[321])).block();
		java.nio.file.Path target = null;
		try {
			target = java.nio.file.Files.createTempFile("download", ".bin");
			files.download("/secret/path.txt", target).block();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
		finally {
			if (target != null) {
				target.toFile().delete();
			}
		}
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasAnObservation((observation) -> observation.hasNameEqualTo("opensandbox.file.transfer")
				.hasLowCardinalityKeyValue("opensandbox.file.direction", "upload")
				.hasHighCardinalityKeyValue("opensandbox.file.bytes", "321"))
			.hasAnObservation((observation) -> observation.hasNameEqualTo("opensandbox.file.transfer")
				.hasLowCardinalityKeyValue("opensandbox.file.direction", "download")
				.hasHighCardinalityKeyValue("opensandbox.file.bytes", "1234"));
		assertThat(this.stopped).isNotEmpty()
			.allSatisfy((context) -> assertThat(
					context.getAllKeyValues().stream().map(io.micrometer.common.KeyValue::getValue))
				.noneMatch((value) -> value.contains("/secret/path.txt")));
	}

	@Test
	void theShutdownSweepIsObserved() {
		this.server.stubFor(delete(urlEqualTo("/v1/sandboxes/sb-1")).willReturn(aResponse().withStatus(204)));
		this.server.stubFor(delete(urlEqualTo("/v1/sandboxes/sb-2"))
			.willReturn(json(500, "{\"code\":\"X\",\"message\":\"boom\"}")));
		SandboxTracker tracker = new SandboxTracker();
		tracker.track(new SandboxTracker.TrackedSandbox("sb-1", null, Instant.now(), null, null, null));
		tracker.track(new SandboxTracker.TrackedSandbox("sb-2", null, Instant.now(), null, null, null));
		new SandboxCleanup(ReactiveSandboxManager.create(
				OpenSandboxConnection.builder(WebClient.builder()).domain("127.0.0.1:" + this.server.port()).build()),
				tracker, null, new SandboxCleanup.Settings(true, Duration.ofSeconds(5), null, null, 4),
				Clock.systemUTC(), this.observations)
			.destroy();
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasObservationWithNameEqualTo("opensandbox.cleanup")
			.that()
			.hasLowCardinalityKeyValue("outcome", "error")
			.hasHighCardinalityKeyValue("opensandbox.cleanup.tracked", "2")
			.hasHighCardinalityKeyValue("opensandbox.cleanup.killed", "1")
			.hasHighCardinalityKeyValue("opensandbox.cleanup.failed", "1");
	}

	@Test
	void readinessIsObservedAsOneSpan() {
		this.observations.ready("sb-7", reactor.core.publisher.Mono.delay(Duration.ofMillis(20)).then()).block();
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasObservationWithNameEqualTo("opensandbox.sandbox.ready")
			.that()
			.hasLowCardinalityKeyValue("outcome", "success")
			.hasHighCardinalityKeyValue("opensandbox.sandbox.id", "sb-7");
	}

	@Test
	void aNormalCreateWithReadinessPollingRecordsNoCancelledOutcome() {
		String pending = SANDBOX.replace("Running", "Pending");
		this.server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/v1/sandboxes"))
			.willReturn(json(202, pending)));
		String scenario = "states";
		this.server.stubFor(get(urlEqualTo("/v1/sandboxes/sb-1")).inScenario(scenario)
			.whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
			.willReturn(json(200, pending))
			.willSetStateTo("second"));
		this.server.stubFor(get(urlEqualTo("/v1/sandboxes/sb-1")).inScenario(scenario)
			.whenScenarioStateIs("second")
			.willReturn(json(200, pending))
			.willSetStateTo("running"));
		this.server.stubFor(get(urlEqualTo("/v1/sandboxes/sb-1")).inScenario(scenario)
			.whenScenarioStateIs("running")
			.willReturn(json(200, SANDBOX)));
		this.server.stubFor(get(
				com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/v1/sandboxes/sb-1/endpoints/44772"))
			.willReturn(json(200, "{\"endpoint\":\"127.0.0.1:" + this.server.port() + "\",\"headers\":{}}")));
		this.server.stubFor(get(urlEqualTo("/ping")).willReturn(aResponse().withStatus(200)));
		OpenSandboxConnection connection = OpenSandboxConnection
			.builder(WebClient.builder().observationRegistry(this.registry))
			.domain("127.0.0.1:" + this.server.port())
			.observations(this.observations)
			.build();
		io.opensandbox.spring.model.SandboxSpec defaults = io.opensandbox.spring.model.SandboxSpec.builder()
			.entrypoint("tail", "-f", "/dev/null")
			.timeout(Duration.ofMinutes(10))
			.resource("cpu", "1")
			.build();
		new ReactiveSandboxTemplate(connection, SandboxTemplateSettings.builder().defaults(defaults).build())
			.create(io.opensandbox.spring.model.SandboxSpec.ofImage("python:3.12"))
			.block(Duration.ofSeconds(10));
		assertThat(this.stopped).filteredOn((context) -> context.getName().startsWith("opensandbox"))
			.extracting((context) -> context.getName() + " "
					+ ((context.getLowCardinalityKeyValue("opensandbox.operation") != null)
							? context.getLowCardinalityKeyValue("opensandbox.operation").getValue() : "")
					+ " " + context.getLowCardinalityKeyValue("outcome").getValue())
			.isNotEmpty()
			.allSatisfy((entry) -> assertThat(entry).endsWith(" success"));
	}

	@Test
	void aConventionForTheReadinessWaitReplacesItsDefaultOnly() {
		OpenSandboxObservations custom = new OpenSandboxObservations(this.registry,
				List.of(new DefaultOpenSandboxObservationConvention(OpenSandboxObservationDocumentation.SANDBOX_READY) {

					@Override
					public io.micrometer.common.KeyValues getLowCardinalityKeyValues(
							OpenSandboxObservationContext context) {
						return super.getLowCardinalityKeyValues(context).and("team", "a");
					}

				}));
		custom.ready("sb-7", reactor.core.publisher.Mono.just(1)).block();
		custom.operation("get", "sb-7", reactor.core.publisher.Mono.just(1)).block();
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasObservationWithNameEqualTo("opensandbox.sandbox.ready")
			.that()
			.hasLowCardinalityKeyValue("team", "a");
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasObservationWithNameEqualTo("opensandbox.sandbox.operation")
			.that()
			.doesNotHaveLowCardinalityKeyValueWithKey("team");
	}

	@Test
	void theFirstConventionThatSupportsAContextWins() {
		OpenSandboxObservationConvention everything = new OpenSandboxObservationConvention() {

			@Override
			public String getName() {
				return "team.everything";
			}

		};
		OpenSandboxObservations custom = new OpenSandboxObservations(this.registry,
				List.of(new DefaultOpenSandboxObservationConvention(OpenSandboxObservationDocumentation.SANDBOX_READY) {

					@Override
					public String getName() {
						return "team.ready";
					}

				}, everything));
		custom.ready("sb-7", reactor.core.publisher.Mono.just(1)).block();
		custom.transfer("upload", reactor.core.publisher.Mono.just(1), () -> 3).block();
		assertThat(this.stopped).extracting(io.micrometer.observation.Observation.Context::getName)
			.containsExactly("team.ready", "team.everything");
	}

	@Test
	void cancelledWorkHasTheCancelledOutcome() {
		// Work that never answers, so the caller's timeout cancels it however slow the
		// machine is
		this.observations.operation("list", null, reactor.core.publisher.Mono.<Long>never())
			.timeout(Duration.ofMillis(10), reactor.core.publisher.Mono.just(0L))
			.block();
		TestObservationRegistryAssert.assertThat(this.registry)
			.hasObservationWithNameEqualTo("opensandbox.sandbox.operation")
			.that()
			.hasLowCardinalityKeyValue("outcome", "cancelled");
	}

	@Test
	void customConventionsReplaceTheDefaults() {
		OpenSandboxObservations custom = new OpenSandboxObservations(this.registry, List
			.of(new DefaultOpenSandboxObservationConvention(OpenSandboxObservationDocumentation.SANDBOX_OPERATION) {

				@Override
				public String getName() {
					return "custom.operation";
				}

			}));
		custom.operation("get", "sb-1", reactor.core.publisher.Mono.just(1)).block();
		TestObservationRegistryAssert.assertThat(this.registry).hasObservationWithNameEqualTo("custom.operation");
	}

	@Test
	void noopRegistryRecordsNothing() {
		reactor.core.publisher.Mono<Integer> work = reactor.core.publisher.Mono.just(1);
		assertThat(OpenSandboxObservations.NOOP.operation("get", null, work)).isSameAs(work);
	}

	@Test
	void theDefaultConventionNamesWhatWasDoneAndBelongsToOneObservation() {
		DefaultOpenSandboxObservationConvention operation = new DefaultOpenSandboxObservationConvention(
				OpenSandboxObservationDocumentation.SANDBOX_OPERATION);
		OpenSandboxObservationContext get = new OpenSandboxObservationContext(
				OpenSandboxObservationDocumentation.SANDBOX_OPERATION, "get");
		assertThat(operation.getName()).isEqualTo("opensandbox.sandbox.operation");
		assertThat(operation.getContextualName(get)).isEqualTo("opensandbox get");
		assertThat(operation.supportsContext(get)).isTrue();
		assertThat(operation.supportsContext(
				new OpenSandboxObservationContext(OpenSandboxObservationDocumentation.SANDBOX_READY, "ready")))
			.isFalse();
		assertThat(operation.supportsContext(new io.micrometer.observation.Observation.Context())).isFalse();
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> new DefaultOpenSandboxObservationConvention(null));
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> new OpenSandboxObservationContext(OpenSandboxObservationDocumentation.CLEANUP, ""));
	}

	@Test
	void theRecorderRefusesWhatItCannotUse() {
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> new OpenSandboxObservations(null, List.of()));
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> new OpenSandboxObservations(this.registry, null));
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> this.observations.cleanup(
					new OpenSandboxObservationContext(OpenSandboxObservationDocumentation.SANDBOX_OPERATION, "get")));
	}

	private static ResponseDefinitionBuilder json(int status, String body) {
		return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
	}

}
