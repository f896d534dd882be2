package io.opensandbox.spring.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.ConnectionProvider;

import io.opensandbox.spring.client.ExecdClient;
import io.opensandbox.spring.core.SandboxManager;
import io.opensandbox.spring.error.OpenSandboxTimeoutException;
import io.opensandbox.spring.model.CommandOptions;
import io.opensandbox.spring.model.ExecutionEvent;
import io.opensandbox.spring.model.SandboxEndpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The HTTP read timeout ({@code opensandbox.http.read-timeout}): the longest wait for a
 * response's first byte and between two of its reads, kept per connection, and not a
 * bound on a command stream, which has its own.
 *
 * @author OpenSandbox Spring Boot
 */
class ResponseReadTimeoutTests {

	private static final String SANDBOX_JSON = """
			{"id":"%s","status":{"state":"Running"},"entrypoint":["tail"],"createdAt":"2026-01-01T00:00:00Z"}""";

	private final AtomicInteger connections = new AtomicInteger();

	private final DisposableServer server = HttpServer.create()
		.host("127.0.0.1")
		.port(0)
		.doOnChannelInit((observer, channel, address) -> this.connections.incrementAndGet())
		.handle(this::handle)
		.bindNow();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OpenSandboxAutoConfiguration.class))
		.withPropertyValues("opensandbox.domain=127.0.0.1:" + this.server.port(), "opensandbox.http.read-timeout=300ms",
				"opensandbox.cleanup.keep-alive=false");

	@AfterEach
	void stopServer() {
		this.server.disposeNow();
	}

	private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		String path = request.uri();
		if (path.equals("/pty")) {
			return response.sendWebsocket(
					(in, out) -> out.sendString(Mono.delay(Duration.ofMillis(700)).thenReturn("after a silence"))
						.then(Mono.never()));
		}
		if (path.equals("/upload")) {
			return response.sendString(request.receive().aggregate().asString().map((body) -> "received " + body))
				.then();
		}
		if (path.equals("/command")) {
			return response.header("Content-Type", "text/event-stream")
				.sendString(
						Flux.just("{\"type\":\"init\",\"text\":\"cmd-1\"}\n\n", "{\"type\":\"execution_complete\"}\n\n")
							.delayElements(Duration.ofMillis(700)))
				.then();
		}
		String id = path.substring(path.lastIndexOf('/') + 1);
		String json = SANDBOX_JSON.formatted(id);
		response.header("Content-Type", "application/json");
		return switch (id) {
			case "silent" -> Mono.delay(Duration.ofMillis(900)).then(response.sendString(Mono.just(json)).then());
			case "dribbling" -> response.sendString(
					Flux.fromIterable(List.of(json.substring(0, 10), json.substring(10, 30), json.substring(30)))
						.delayElements(Duration.ofMillis(200)))
				.then();
			default -> response.sendString(Mono.just(json)).then();
		};
	}

	@Test
	void aResponseWhoseFirstByteComesTooLateTimesOut() {
		this.contextRunner.run((context) -> {
			SandboxManager manager = context.getBean(SandboxManager.class);
			long started = System.nanoTime();
			assertThatExceptionOfType(OpenSandboxTimeoutException.class).isThrownBy(() -> manager.get("silent"))
				.withMessageContaining("no response within the read timeout");
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(850));
			assertThat(manager.get("quick").id()).as("a later request gets a connection that works").isEqualTo("quick");
		});
	}

	@Test
	void aResponseThatKeepsComingIsReadToItsEndHoweverLongItTakes() {
		this.contextRunner.run((context) -> assertThat(context.getBean(SandboxManager.class).get("dribbling").id())
			.isEqualTo("dribbling"));
	}

	@Test
	void anUploadSlowerThanTheTimeoutIsNotCutShortTheWaitStartsWhenItIsSent() {
		this.contextRunner.run((context) -> {
			WebClient client = context.getBean(OpenSandboxWebClientBuilderFactory.class)
				.builder()
				.baseUrl("http://127.0.0.1:" + this.server.port())
				.build();
			Flux<String> body = Flux.just("a", "b", "c").delayElements(Duration.ofMillis(400));
			assertThat(
					client.post().uri("/upload").body(body, String.class).retrieve().bodyToMono(String.class).block())
				.isEqualTo("received abc");
		});
	}

	@Test
	void aWebSocketSilentLongerThanTheTimeoutStaysOpen() {
		this.contextRunner.run((context) -> {
			String first = context.getBean(OpenSandboxWebClientBuilderFactory.class)
				.httpClient()
				.websocket()
				.uri("ws://127.0.0.1:" + this.server.port() + "/pty")
				.handle((in, out) -> in.receive().asString().next())
				.blockFirst(Duration.ofSeconds(5));
			assertThat(first).isEqualTo("after a silence");
		});
	}

	@Test
	void aConnectionIdleLongerThanTheTimeoutBetweenRequestsIsReusedNotFailed() throws InterruptedException {
		this.contextRunner.run((context) -> {
			SandboxManager manager = context.getBean(SandboxManager.class);
			assertThat(manager.get("first").id()).isEqualTo("first");
			Thread.sleep(700);
			assertThat(manager.get("second").id()).isEqualTo("second");
			assertThat(this.connections).as("one connection, kept alive across the pause").hasValue(1);
		});
	}

	@Test
	void aCommandStreamIsBoundedByItsIdleTimeoutNotByTheReadTimeout() {
		this.contextRunner.run((context) -> {
			ExecdClient execd = new ExecdClient(context.getBean(OpenSandboxWebClientBuilderFactory.class).builder(),
					new SandboxEndpoint("127.0.0.1:" + this.server.port(), Map.of()), "http", null, Map.of(),
					Duration.ofSeconds(5));
			assertThat(execd.runCommand("sleep 1", CommandOptions.defaults()).collectList().block())
				.extracting(ExecutionEvent::type)
				.containsExactly(ExecutionEvent.Type.INIT, ExecutionEvent.Type.EXECUTION_COMPLETE);
		});
	}

	@Test
	void noRequestPaysForAResponseTimeoutHandlerOfItsOwn() {
		OpenSandboxProperties properties = new OpenSandboxProperties();
		ConnectionProvider provider = OpenSandboxHttpConnectorFactory.connectionProvider(properties.getHttp());
		try {
			assertThat(OpenSandboxHttpConnectorFactory
				.create(properties, new PropertiesOpenSandboxConnectionDetails(properties, new MockEnvironment()), null,
						provider)
				.configuration()
				.responseTimeout()).isNull();
		}
		finally {
			provider.dispose();
		}
	}

}
