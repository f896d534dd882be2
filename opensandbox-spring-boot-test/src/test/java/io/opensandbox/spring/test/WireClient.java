package io.opensandbox.spring.test;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * A plain HTTP client for an embedded server, as an untrusted caller would speak to it:
 * lifecycle calls with the API key, execd calls on a sandbox's endpoint path.
 *
 * @author OpenSandbox Spring Boot
 */
final class WireClient {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final EmbeddedOpenSandboxServer server;

	private final String key;

	WireClient(EmbeddedOpenSandboxServer server, String key) {
		this.server = server;
		this.key = key;
	}

	HttpResponse<String> lifecycle(String method, String path, String body) throws IOException, InterruptedException {
		return send(method, this.server.getUrl() + path, body, Map.of("OPEN-SANDBOX-API-KEY", this.key));
	}

	HttpResponse<String> execd(String id, String method, String path, String body)
			throws IOException, InterruptedException {
		return send(method, execdUrl(id) + path, body, Map.of());
	}

	String execdUrl(String id) {
		return this.server.getUrl() + "/" + id + "/44772";
	}

	/**
	 * Creates a sandbox from a create body and waits until it runs.
	 */
	String createRunning(String body) throws Exception {
		HttpResponse<String> created = lifecycle("POST", "/v1/sandboxes", body);
		if (created.statusCode() != 202) {
			throw new AssertionError("create answered " + created.statusCode() + ": " + created.body());
		}
		String id = (String) read(created).get("id");
		awaitState(id, "Running", Duration.ofSeconds(30));
		return id;
	}

	String createRunning() throws Exception {
		return createRunning(createBody("{}"));
	}

	static String createBody(String extra) {
		return "{\"image\":{\"uri\":\"python:3.12\"},\"entrypoint\":[\"tail\",\"-f\",\"/dev/null\"],"
				+ "\"resourceLimits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"},\"timeout\":600"
				+ ("{}".equals(extra) ? "" : "," + extra.substring(1, extra.length() - 1)) + "}";
	}

	Map<String, Object> status(String id) throws Exception {
		return (Map<String, Object>) read(lifecycle("GET", "/v1/sandboxes/" + id, null)).get("status");
	}

	void awaitState(String id, String state, Duration timeout) throws Exception {
		Instant deadline = Instant.now().plus(timeout);
		Map<String, Object> status = Map.of();
		while (Instant.now().isBefore(deadline)) {
			status = status(id);
			if (state.equals(status.get("state"))) {
				return;
			}
			Thread.sleep(20);
		}
		throw new AssertionError("Sandbox " + id + " did not reach " + state + ": " + status);
	}

	void kill(String id) throws Exception {
		lifecycle("DELETE", "/v1/sandboxes/" + id, null);
	}

	/**
	 * Runs a foreground command and collects its events.
	 */
	Run run(String id, String command) throws Exception {
		return run(id, Map.of("command", command));
	}

	Run run(String id, Map<String, Object> request) throws Exception {
		HttpResponse<String> response = execd(id, "POST", "/command", json.writeValueAsString(request));
		List<Map<String, Object>> events = new ArrayList<>();
		if (response.statusCode() == 200) {
			for (String line : response.body().split("\n")) {
				if (!line.isBlank()) {
					events.add(parse(line));
				}
			}
		}
		return new Run(response, events);
	}

	HttpResponse<String> upload(String id, String path, String content) throws Exception {
		String boundary = "b0undary" + System.nanoTime();
		String body = "--" + boundary
				+ "\r\nContent-Disposition: form-data; name=\"metadata\"; filename=\"metadata\"\r\n\r\n"
				+ json.writeValueAsString(Map.of("path", path)) + "\r\n--" + boundary
				+ "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n\r\n" + content + "\r\n--"
				+ boundary + "--\r\n";
		return send("POST", execdUrl(id) + "/files/upload", body,
				Map.of("Content-Type", "multipart/form-data; boundary=" + boundary));
	}

	static String query(String path) {
		return URLEncoder.encode(path, StandardCharsets.UTF_8);
	}

	static HttpResponse<String> send(String method, String url, String body, Map<String, String> headers)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.timeout(Duration.ofSeconds(60))
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		Map<String, String> all = new HashMap<>(headers);
		if (body != null) {
			all.putIfAbsent("Content-Type", "application/json");
		}
		all.forEach(request::header);
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	static Map<String, Object> read(HttpResponse<String> response) {
		return parse(response.body());
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> parse(String body) {
		return json.readValue(body, Map.class);
	}

	/**
	 * A finished foreground command.
	 */
	record Run(HttpResponse<String> response, List<Map<String, Object>> events) {

		String stdout() {
			return text("stdout");
		}

		String stderr() {
			return text("stderr");
		}

		private String text(String type) {
			StringBuilder text = new StringBuilder();
			for (Map<String, Object> event : this.events) {
				if (type.equals(event.get("type"))) {
					text.append(event.get("text")).append('\n');
				}
			}
			return text.toString();
		}

		boolean succeeded() {
			return this.events.stream().anyMatch((event) -> "execution_complete".equals(event.get("type")));
		}

	}

}
