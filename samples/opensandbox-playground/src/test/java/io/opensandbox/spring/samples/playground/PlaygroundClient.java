package io.opensandbox.spring.samples.playground;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.ResponseCookie;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.netty.http.client.HttpClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One browser session against the playground's HTTP API: it keeps the session cookie the
 * first call returns, so every later call uses the same sandbox.
 *
 * @author OpenSandbox Spring Boot
 */
final class PlaygroundClient {

	static final String SESSION_COOKIE = "SESSION";

	private static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> EVENT = new ParameterizedTypeReference<>() {
	};

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	private static final ParameterizedTypeReference<List<Map<String, Object>>> JSON_LIST = new ParameterizedTypeReference<>() {
	};

	private final WebTestClient client;

	private final String session;

	private PlaygroundClient(WebTestClient client, String session) {
		this.client = client;
		this.session = session;
	}

	/**
	 * Open a new browser session.
	 */
	static PlaygroundClient connect(int port) {
		// A connection per request: Reactor Netty's HTTP/1.1 server (1.3.6) can leave a
		// kept-alive connection unread after an answer that completed on another thread,
		// and the next request on it is never answered (seen in CI; fixed upstream in
		// September 2026). The playground itself keeps connections alive: closing them
		// would turn its early 413 for an oversized upload into a reset.
		WebTestClient client = WebTestClient.bindToServer(new ReactorClientHttpConnector(HttpClient.newConnection()))
			.baseUrl("http://127.0.0.1:" + port)
			.responseTimeout(Duration.ofSeconds(60))
			.build();
		EntityExchangeResult<Map<String, Object>> result = client.get()
			.uri("/api/info")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JSON_OBJECT)
			.returnResult();
		ResponseCookie cookie = result.getResponseCookies().getFirst(SESSION_COOKIE);
		assertThat(cookie).as("session cookie").isNotNull();
		return new PlaygroundClient(client, Objects.requireNonNull(cookie).getValue());
	}

	/**
	 * The session cookie, as a {@code Cookie} header's value.
	 */
	String cookie() {
		return SESSION_COOKIE + "=" + this.session;
	}

	/**
	 * The underlying client, with the session cookie on every request.
	 */
	WebTestClient client() {
		return this.client.mutate().defaultCookie(SESSION_COOKIE, this.session).build();
	}

	Map<String, Object> info() {
		return Objects.requireNonNull(client().get()
			.uri("/api/info")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JSON_OBJECT)
			.returnResult()
			.getResponseBody());
	}

	/**
	 * Run a shell command with the default time limit and collect its events.
	 */
	Run shell(String command) {
		return run(Map.of("language", "shell", "code", command));
	}

	/**
	 * Run a request and collect every event of the stream, each with when it arrived.
	 */
	Run run(Map<String, ?> request) {
		long start = System.nanoTime();
		List<Event> events = client().post()
			.uri("/api/runs")
			.bodyValue(request)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith("text/event-stream")
			.returnResult(EVENT)
			.getResponseBody()
			.filter((event) -> event.event() != null)
			.map((event) -> new Event(Objects.requireNonNull(event.event()),
					(event.data() != null) ? event.data() : Map.of(), Duration.ofNanos(System.nanoTime() - start)))
			.collectList()
			.block(Duration.ofSeconds(90));
		return new Run(Objects.requireNonNull(events));
	}

	/**
	 * Post a run request that is expected to be refused, and return the problem.
	 */
	Map<String, Object> refusedRun(Map<String, ?> request, int status) {
		return problem(client().post().uri("/api/runs").bodyValue(request).exchange(), status);
	}

	List<Map<String, Object>> sandboxes() {
		return Objects.requireNonNull(client().get()
			.uri("/api/sandboxes")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JSON_LIST)
			.returnResult()
			.getResponseBody());
	}

	static Map<String, Object> problem(WebTestClient.ResponseSpec response, int status) {
		return Objects.requireNonNull(response.expectStatus()
			.isEqualTo(status)
			.expectHeader()
			.contentTypeCompatibleWith("application/problem+json")
			.expectBody(JSON_OBJECT)
			.returnResult()
			.getResponseBody());
	}

	static ParameterizedTypeReference<Map<String, Object>> jsonObject() {
		return JSON_OBJECT;
	}

	/**
	 * One server-sent event as the test received it.
	 */
	record Event(String name, Map<String, Object> data, Duration receivedAfter) {

		@Nullable Object get(String key) {
			return this.data.get(key);
		}

	}

	/**
	 * The events of one run.
	 */
	record Run(List<Event> events) {

		List<String> names() {
			return this.events.stream().map(Event::name).toList();
		}

		List<String> lines(String stream) {
			return this.events.stream()
				.filter((event) -> event.name().equals(stream))
				.map((event) -> String.valueOf(event.get("text")))
				.toList();
		}

		Event first(String name) {
			return this.events.stream()
				.filter((event) -> event.name().equals(name))
				.findFirst()
				.orElseThrow(() -> new AssertionError("No '" + name + "' event in " + this.events));
		}

		Event last() {
			assertThat(this.events).isNotEmpty();
			return this.events.get(this.events.size() - 1);
		}

		String sandboxId() {
			return String.valueOf(first("started").get("sandboxId"));
		}

		@Nullable Object exitCode() {
			Event last = last();
			assertThat(last.name()).as("last event of %s", this.events).isEqualTo("exit");
			return last.get("exitCode");
		}

		Map<String, Object> summary() {
			Map<String, Object> summary = new LinkedHashMap<>();
			summary.put("events", names());
			summary.put("stdout", lines("stdout"));
			summary.put("stderr", lines("stderr"));
			return summary;
		}

	}

}
