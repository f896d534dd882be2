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
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded server on the wire, spoken to with a plain HTTP client: status codes,
 * bodies and headers as the real lifecycle server, execd and egress sidecar send them.
 *
 * @author OpenSandbox Spring Boot
 */
@Timeout(60)
class EmbeddedOpenSandboxServerWireTests {

	private static final String KEY = "wire-test-key";

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private static EmbeddedOpenSandboxServer server;

	@BeforeAll
	static void start() {
		server = EmbeddedOpenSandboxServer.builder().apiKey(KEY).build().start();
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void healthNeedsNoKeyAndAnswersHealthy() throws Exception {
		HttpResponse<String> response = send("GET", "/health", null, Map.of());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(read(response)).isEqualTo(Map.of("status", "healthy"));
	}

	@Test
	void missingAndWrongKeysAnswer401WithTheirCodes() throws Exception {
		HttpResponse<String> missing = send("GET", "/v1/sandboxes", null, Map.of());
		assertThat(missing.statusCode()).isEqualTo(401);
		assertThat(read(missing)).containsEntry("code", "MISSING_API_KEY");
		HttpResponse<String> wrong = send("GET", "/v1/sandboxes", null, Map.of("OPEN-SANDBOX-API-KEY", "nope"));
		assertThat(wrong.statusCode()).isEqualTo(401);
		assertThat(read(wrong)).containsEntry("code", "INVALID_API_KEY");
	}

	@Test
	void everyLifecycleResponseCarriesARequestId() throws Exception {
		HttpResponse<String> echoed = lifecycle("GET", "/v1/sandboxes", null, Map.of("X-Request-ID", "abc-123"));
		assertThat(echoed.headers().firstValue("X-Request-ID")).hasValue("abc-123");
		HttpResponse<String> generated = lifecycle("GET", "/sandboxes", null, Map.of());
		assertThat(generated.headers().firstValue("X-Request-ID"))
			.hasValueSatisfying((id) -> assertThat(id).matches("[0-9a-f]{32}"));
	}

	@Test
	void validationFailuresAre422WithDetail() throws Exception {
		HttpResponse<String> noLimits = lifecycle("POST", "/v1/sandboxes",
				"{\"image\":{\"uri\":\"python\"},\"entrypoint\":[\"tail\",\"-f\",\"/dev/null\"]}", Map.of());
		assertThat(noLimits.statusCode()).isEqualTo(422);
		assertThat(detail(noLimits)).containsEntry("loc", List.of("body"))
			.containsEntry("type", "value_error")
			.containsEntry("msg", "Value error, resourceLimits is required when poolRef is not provided.");
		HttpResponse<String> shortTimeout = lifecycle("POST", "/v1/sandboxes", createBody(59), Map.of());
		assertThat(shortTimeout.statusCode()).isEqualTo(422);
		assertThat(detail(shortTimeout)).containsEntry("loc", List.of("body", "timeout"))
			.containsEntry("ctx", Map.of("ge", 60));
		HttpResponse<String> bigPage = lifecycle("GET", "/v1/sandboxes?pageSize=201", null, Map.of());
		assertThat(bigPage.statusCode()).isEqualTo(422);
		assertThat(detail(bigPage)).containsEntry("loc", List.of("query", "pageSize"));
	}

	@Test
	void unknownSandboxIsA404WithANamespacedCode() throws Exception {
		HttpResponse<String> response = lifecycle("GET", "/v1/sandboxes/00000000-0000-4000-8000-000000000000", null,
				Map.of());
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(read(response)).containsEntry("code", "DOCKER::SANDBOX_NOT_FOUND").containsKey("message");
	}

	@Test
	void lifecycleStatusCodesFollowTheRealServer() throws Exception {
		HttpResponse<String> created = lifecycle("POST", "/v1/sandboxes", createBody(120), Map.of());
		assertThat(created.statusCode()).isEqualTo(202);
		Map<String, Object> sandbox = read(created);
		String id = (String) sandbox.get("id");
		assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
		assertThat(sandbox).doesNotContainKey("image").containsKeys("status", "createdAt", "entrypoint", "expiresAt");
		awaitRunning(id);
		assertThat(read(lifecycle("GET", "/sandboxes/" + id, null, Map.of()))).containsEntry("image",
				Map.of("uri", "python:3.12"));
		HttpResponse<String> pause = lifecycle("POST", "/v1/sandboxes/" + id + "/pause", null, Map.of());
		assertThat(pause.statusCode()).isEqualTo(202);
		assertThat(pause.body()).isEmpty();
		assertThat(pause.headers().firstValue("Content-Length")).hasValue("0");
		HttpResponse<String> pausedAgain = lifecycle("POST", "/v1/sandboxes/" + id + "/pause", null, Map.of());
		assertThat(pausedAgain.statusCode()).isEqualTo(409);
		assertThat(read(pausedAgain)).containsEntry("code", "DOCKER::SANDBOX_NOT_RUNNING");
		assertThat(lifecycle("POST", "/v1/sandboxes/" + id + "/resume", null, Map.of()).statusCode()).isEqualTo(202);
		Instant expires = Instant.parse((String) sandbox.get("expiresAt"));
		HttpResponse<String> past = lifecycle("POST", "/v1/sandboxes/" + id + "/renew-expiration",
				"{\"expiresAt\":\"" + Instant.now().minusSeconds(10) + "\"}", Map.of());
		assertThat(past.statusCode()).isEqualTo(400);
		assertThat(read(past)).containsEntry("code", "DOCKER::INVALID_EXPIRATION");
		HttpResponse<String> renewed = lifecycle("POST", "/v1/sandboxes/" + id + "/renew-expiration",
				"{\"expiresAt\":\"" + expires.plusSeconds(600) + "\"}", Map.of());
		assertThat(renewed.statusCode()).isEqualTo(200);
		assertThat(Instant.parse((String) read(renewed).get("expiresAt"))).isEqualTo(expires.plusSeconds(600));
		HttpResponse<String> patched = lifecycle("PATCH", "/v1/sandboxes/" + id + "/metadata",
				"{\"team\":\"ml\",\"owner\":null}", Map.of());
		assertThat(patched.statusCode()).isEqualTo(200);
		assertThat(read(patched)).extractingByKey("metadata").isEqualTo(Map.of("project", "wire", "team", "ml"));
		assertThat(lifecycle("PATCH", "/v1/sandboxes/" + id + "/metadata", "{\"opensandbox.io/x\":\"y\"}", Map.of())
			.statusCode()).isEqualTo(400);
		assertThat(
				read(lifecycle("PATCH", "/v1/sandboxes/" + id + "/metadata", "{\"opensandbox.io/x\":\"y\"}", Map.of())))
			.containsEntry("code", "INVALID_METADATA_LABEL");
		assertThat(lifecycle("DELETE", "/v1/sandboxes/" + id, null, Map.of()).statusCode()).isEqualTo(204);
		assertThat(lifecycle("GET", "/v1/sandboxes/" + id, null, Map.of()).statusCode()).isEqualTo(404);
	}

	@Test
	void listFiltersByStateAndMetadataAndPages() throws Exception {
		String first = createRunning("{\"project\":\"list\",\"n\":\"1\"}");
		String second = createRunning("{\"project\":\"list\",\"n\":\"2\"}");
		try {
			String filter = URLEncoder.encode("project=list&n=2", StandardCharsets.UTF_8);
			Map<String, Object> page = read(
					lifecycle("GET", "/v1/sandboxes?state=Running&state=Paused&metadata=" + filter, null, Map.of()));
			assertThat(page.get("items")).asList()
				.singleElement()
				.satisfies((item) -> assertThat(((Map<?, ?>) item).get("id")).isEqualTo(second));
			Map<String, Object> paged = read(lifecycle("GET", "/v1/sandboxes?pageSize=1&page=2&metadata="
					+ URLEncoder.encode("project=list", StandardCharsets.UTF_8), null, Map.of()));
			assertThat(paged.get("pagination"))
				.isEqualTo(Map.of("page", 2, "pageSize", 1, "totalItems", 2, "totalPages", 2, "hasNextPage", false));
			assertThat(
					read(lifecycle("GET",
							"/v1/sandboxes?state=Paused&metadata="
									+ URLEncoder.encode("project=list", StandardCharsets.UTF_8),
							null, Map.of()))
						.get("items"))
				.asList()
				.isEmpty();
		}
		finally {
			lifecycle("DELETE", "/v1/sandboxes/" + first, null, Map.of());
			lifecycle("DELETE", "/v1/sandboxes/" + second, null, Map.of());
		}
	}

	@Test
	void endpointsHaveNoSchemeAndExecdStreamsBareJson() throws Exception {
		String id = createRunning("{}");
		try {
			Map<String, Object> direct = read(
					lifecycle("GET", "/v1/sandboxes/" + id + "/endpoints/44772", null, Map.of()));
			String endpoint = (String) direct.get("endpoint");
			assertThat(endpoint).doesNotContain("://").startsWith("127.0.0.1:" + server.getPort() + "/");
			Map<String, Object> proxied = read(
					lifecycle("GET", "/v1/sandboxes/" + id + "/endpoints/44772?use_server_proxy=true", null, Map.of()));
			assertThat(proxied.get("endpoint"))
				.isEqualTo("127.0.0.1:" + server.getPort() + "/sandboxes/" + id + "/proxy/44772");
			for (String base : List.of(endpoint, (String) proxied.get("endpoint"))) {
				assertThat(raw("GET", "http://" + base + "/ping", null, Map.of()).statusCode()).isEqualTo(200);
			}
			HttpResponse<String> stream = raw("POST", "http://" + endpoint + "/command",
					"{\"command\":\"echo hi; echo; exit 4\"}", Map.of());
			assertThat(stream.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("text/event-stream"));
			assertThat(stream.body()).doesNotContain("data:").endsWith("}\n\n");
			List<Map<String, Object>> events = stream.body()
				.lines()
				.filter((line) -> !line.isBlank())
				.map(EmbeddedOpenSandboxServerWireTests::parse)
				.toList();
			assertThat(events).extracting((event) -> event.get("type"))
				.containsExactly("init", "ping", "stdout", "stdout", "error");
			assertThat(events.get(1)).containsEntry("text", "pong");
			assertThat(events.get(2)).containsEntry("text", "hi");
			assertThat(events.get(3)).containsEntry("text", "\n");
			assertThat(events.get(4).get("error"))
				.isEqualTo(Map.of("ename", "CommandExecError", "evalue", "4", "traceback", List.of("exit status 4")));
			HttpResponse<String> badBody = raw("POST", "http://" + endpoint + "/command", "{\"cwd\":\"/tmp\"}",
					Map.of());
			assertThat(badBody.statusCode()).isEqualTo(400);
			assertThat(read(badBody)).containsEntry("code", "INVALID_REQUEST_BODY");
		}
		finally {
			lifecycle("DELETE", "/v1/sandboxes/" + id, null, Map.of());
		}
	}

	@Test
	void backgroundLogsCarryTheTailCursor() throws Exception {
		String id = createRunning("{}");
		try {
			String execd = "http://"
					+ read(lifecycle("GET", "/v1/sandboxes/" + id + "/endpoints/44772", null, Map.of()))
						.get("endpoint");
			String started = raw("POST", execd + "/command", "{\"command\":\"echo a; echo b\",\"background\":true}",
					Map.of())
				.body();
			String commandId = (String) parse(started.lines().findFirst().orElseThrow()).get("text");
			Instant deadline = Instant.now().plusSeconds(10);
			while (Boolean.TRUE
				.equals(read(raw("GET", execd + "/command/status/" + commandId, null, Map.of())).get("running"))
					&& Instant.now().isBefore(deadline)) {
				Thread.sleep(20);
			}
			HttpResponse<String> all = raw("GET", execd + "/command/" + commandId + "/logs", null, Map.of());
			assertThat(all.body()).isEqualTo("a\nb\n");
			assertThat(all.headers().firstValue("EXECD-COMMANDS-TAIL-CURSOR")).hasValue("4");
			HttpResponse<String> tail = raw("GET", execd + "/command/" + commandId + "/logs?cursor=2", null, Map.of());
			assertThat(tail.body()).isEqualTo("b\n");
			HttpResponse<String> past = raw("GET", execd + "/command/" + commandId + "/logs?cursor=4", null, Map.of());
			assertThat(past.body()).isEmpty();
			assertThat(past.headers().firstValue("EXECD-COMMANDS-TAIL-CURSOR")).hasValue("4");
			assertThat(read(raw("GET", execd + "/command/status/" + commandId, null, Map.of())))
				.containsEntry("exit_code", 0)
				.containsEntry("running", false)
				.doesNotContainKey("error")
				.containsKeys("started_at", "finished_at");
			assertThat(raw("GET", execd + "/command/unknown/logs", null, Map.of()).statusCode()).isEqualTo(400);
		}
		finally {
			lifecycle("DELETE", "/v1/sandboxes/" + id, null, Map.of());
		}
	}

	@Test
	void signedEndpointsWorkWithoutTheAccessHeaderUntilTheyExpireAndCannotBeForged() throws Exception {
		String body = "{\"image\":{\"uri\":\"python:3.12\"},\"entrypoint\":[\"tail\",\"-f\",\"/dev/null\"],"
				+ "\"resourceLimits\":{\"cpu\":\"1\"},\"secureAccess\":true}";
		String id = (String) read(lifecycle("POST", "/v1/sandboxes", body, Map.of())).get("id");
		String other = createRunning("{}");
		try {
			awaitRunning(id);
			String endpoints = "/v1/sandboxes/" + id + "/endpoints/44772";
			String direct = (String) read(lifecycle("GET", endpoints, null, Map.of())).get("endpoint");
			assertThat(raw("GET", "http://" + direct + "/ping", null, Map.of()).statusCode()).isEqualTo(401);
			long inTwoSeconds = Instant.now().getEpochSecond() + 2;
			String signed = (String) read(lifecycle("GET", endpoints + "?expires=" + inTwoSeconds, null, Map.of()))
				.get("endpoint");
			assertThat(signed).contains("/signed/").endsWith("/" + id + "/44772");
			assertThat(raw("GET", "http://" + signed + "/ping", null, Map.of()).statusCode()).isEqualTo(200);
			// Another sandbox, another port or another expiry under the same signature
			assertThat(raw("GET", "http://" + signed.replace(id, other) + "/ping", null, Map.of()).statusCode())
				.isEqualTo(403);
			assertThat(
					raw("GET", "http://" + signed.replace("/44772", "/18080") + "/ping", null, Map.of()).statusCode())
				.isEqualTo(403);
			String[] parts = signed.split("/");
			String later = signed.replace("/signed/" + parts[2] + "/",
					"/signed/" + Long.toString(inTwoSeconds + 3600, 36) + "/");
			assertThat(raw("GET", "http://" + later + "/ping", null, Map.of()).statusCode()).isEqualTo(403);
			for (String bad : new String[] { "?expires=0", "?expires=01", "?expires=-5", "?expires=abc",
					"?expires=" + inTwoSeconds + "&use_server_proxy=true", "?expires=123456789012345678901" }) {
				assertThat(lifecycle("GET", endpoints + bad, null, Map.of()).statusCode()).as(bad).isEqualTo(400);
			}
			Thread.sleep(Math.max(0, inTwoSeconds * 1000 - System.currentTimeMillis()) + 100);
			HttpResponse<String> expired = raw("GET", "http://" + signed + "/ping", null, Map.of());
			assertThat(expired.statusCode()).isEqualTo(403);
			assertThat(expired.body()).contains("expired");
		}
		finally {
			lifecycle("DELETE", "/v1/sandboxes/" + id, null, Map.of());
			lifecycle("DELETE", "/v1/sandboxes/" + other, null, Map.of());
		}
	}

	@Test
	void diagnosticsHoldTheLifecycleEventsAndTheEntryProcessOutput() throws Exception {
		String body = "{\"image\":{\"uri\":\"python:3.12\"},\"entrypoint\":[\"sh\",\"-c\","
				+ "\"echo entry-started; echo entry-warning >&2; exec tail -f /dev/null\"],"
				+ "\"resourceLimits\":{\"cpu\":\"1\"}}";
		String id = (String) read(lifecycle("POST", "/v1/sandboxes", body, Map.of())).get("id");
		try {
			awaitRunning(id);
			String diagnostics = "/v1/sandboxes/" + id + "/diagnostics/";
			Map<String, Object> events = read(lifecycle("GET", diagnostics + "events?scope=lifecycle", null, Map.of()));
			assertThat(events).containsEntry("sandboxId", id)
				.containsEntry("kind", "events")
				.containsEntry("scope", "lifecycle")
				.containsEntry("delivery", "inline")
				.containsEntry("truncated", false);
			assertThat((String) events.get("content")).contains("lifecycle Pending", "lifecycle Running");
			Instant deadline = Instant.now().plusSeconds(5);
			String logs = "";
			while (!logs.contains("entry-warning") && Instant.now().isBefore(deadline)) {
				logs = (String) read(lifecycle("GET", diagnostics + "logs?scope=container", null, Map.of()))
					.get("content");
				Thread.sleep(20);
			}
			assertThat(logs).contains("entry-started", "entry-warning").doesNotContain("lifecycle Running");
			assertThat((String) read(lifecycle("GET", diagnostics + "logs?scope=all", null, Map.of())).get("content"))
				.contains("entry-started", "lifecycle Running");
			assertThat(lifecycle("GET", diagnostics + "events", null, Map.of()).statusCode()).isEqualTo(400);
			assertThat(lifecycle("GET", diagnostics + "events?scope=container", null, Map.of()).statusCode())
				.isEqualTo(400);
			assertThat(lifecycle("GET", diagnostics + "logs?scope=kernel", null, Map.of()).statusCode()).isEqualTo(400);
			assertThat(lifecycle("GET", "/v1/sandboxes/none/diagnostics/events?scope=all", null, Map.of()).statusCode())
				.isEqualTo(404);
			assertThat(send("GET", diagnostics + "events?scope=all", null, Map.of()).statusCode()).isEqualTo(401);
		}
		finally {
			lifecycle("DELETE", "/v1/sandboxes/" + id, null, Map.of());
		}
	}

	@Test
	void anEntryProcessThatWritesALotNeitherBlocksNorGrowsTheServer() throws Exception {
		String body = "{\"image\":{\"uri\":\"python:3.12\"},\"entrypoint\":[\"sh\",\"-c\","
				+ "\"yes x | head -c 3000000; echo; echo entry-done; exec tail -f /dev/null\"],"
				+ "\"resourceLimits\":{\"cpu\":\"1\"}}";
		String id = (String) read(lifecycle("POST", "/v1/sandboxes", body, Map.of())).get("id");
		try {
			awaitRunning(id);
			Instant deadline = Instant.now().plusSeconds(10);
			Map<String, Object> logs = Map.of();
			while (Instant.now().isBefore(deadline)) {
				logs = read(
						lifecycle("GET", "/v1/sandboxes/" + id + "/diagnostics/logs?scope=container", null, Map.of()));
				if (((String) logs.get("content")).contains("entry-done")) {
					break;
				}
				Thread.sleep(50);
			}
			assertThat((String) logs.get("content")).endsWith("entry-done\n").hasSizeLessThanOrEqualTo(64 * 1024);
			assertThat(logs).containsEntry("truncated", true);
		}
		finally {
			lifecycle("DELETE", "/v1/sandboxes/" + id, null, Map.of());
		}
	}

	@Test
	void lineBasedReadsAnswerTheLinesAsTextAndRefuseARangeWithThem() throws Exception {
		String id = createRunning("{}");
		try {
			String execd = "http://"
					+ read(lifecycle("GET", "/v1/sandboxes/" + id + "/endpoints/44772", null, Map.of()))
						.get("endpoint");
			String boundary = "b0undary";
			String upload = "--" + boundary
					+ "\r\nContent-Disposition: form-data; name=\"metadata\"; filename=\"metadata\"\r\n\r\n"
					+ "{\"path\":\"/tmp/lines.txt\"}\r\n--" + boundary
					+ "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"lines.txt\"\r\n\r\n"
					+ "one\ntwo\r\nthree\n\nfive\r\n--" + boundary + "--\r\n";
			assertThat(raw("POST", execd + "/files/upload", upload,
					Map.of("Content-Type", "multipart/form-data; boundary=" + boundary))
				.statusCode()).isEqualTo(200);
			String lines = execd + "/files/download?path=/tmp/lines.txt";
			HttpResponse<String> middle = raw("GET", lines + "&offset=2&limit=3", null, Map.of());
			assertThat(middle.statusCode()).isEqualTo(200);
			assertThat(middle.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("text/plain"));
			assertThat(middle.body()).isEqualTo("two\r\nthree\n\n");
			assertThat(raw("GET", lines + "&offset=5&limit=10", null, Map.of()).body()).isEqualTo("five");
			assertThat(raw("GET", lines + "&limit=1", null, Map.of()).body()).isEqualTo("one\n");
			assertThat(raw("GET", lines + "&offset=4", null, Map.of()).body()).isEqualTo("\nfive");
			assertThat(raw("GET", lines + "&offset=9&limit=1", null, Map.of()).body()).isEmpty();
			for (String bad : new String[] { "&offset=0&limit=1", "&offset=1&limit=0", "&offset=x", "&limit=-2",
					"&offset=99999999999999999999" }) {
				HttpResponse<String> refused = raw("GET", lines + bad, null, Map.of());
				assertThat(refused.statusCode()).as(bad).isEqualTo(400);
			}
			assertThat(raw("GET", lines + "&offset=1&limit=1", null, Map.of("Range", "bytes=0-1")).statusCode())
				.isEqualTo(400);
			assertThat(
					raw("GET", execd + "/files/download?path=/tmp/none&offset=1&limit=1", null, Map.of()).statusCode())
				.isEqualTo(404);
		}
		finally {
			lifecycle("DELETE", "/v1/sandboxes/" + id, null, Map.of());
		}
	}

	@Test
	void uploadNeedsMetadataAsAFilePartAndDownloadHonoursRanges() throws Exception {
		String id = createRunning("{}");
		try {
			String execd = "http://"
					+ read(lifecycle("GET", "/v1/sandboxes/" + id + "/endpoints/44772", null, Map.of()))
						.get("endpoint");
			String boundary = "b0undary";
			String formField = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n"
					+ "{\"path\":\"/tmp/a.txt\"}\r\n--" + boundary
					+ "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\n0123456789\r\n--"
					+ boundary + "--\r\n";
			HttpResponse<String> rejected = raw("POST", execd + "/files/upload", formField,
					Map.of("Content-Type", "multipart/form-data; boundary=" + boundary));
			assertThat(rejected.statusCode()).isEqualTo(400);
			assertThat(read(rejected)).containsEntry("code", "INVALID_FILE_METADATA");
			String filePart = formField.replace("name=\"metadata\"", "name=\"metadata\"; filename=\"metadata\"");
			assertThat(raw("POST", execd + "/files/upload", filePart,
					Map.of("Content-Type", "multipart/form-data; boundary=" + boundary))
				.statusCode()).isEqualTo(200);
			HttpResponse<String> ranged = raw("GET", execd + "/files/download?path=/tmp/a.txt", null,
					Map.of("Range", "bytes=2-4"));
			assertThat(ranged.statusCode()).isEqualTo(206);
			assertThat(ranged.body()).isEqualTo("234");
			assertThat(raw("GET", execd + "/files/download?path=/tmp/a.txt", null, Map.of("Range", "bytes=50-"))
				.statusCode()).isEqualTo(416);
			HttpResponse<String> missing = raw("GET", execd + "/files/download?path=/tmp/none", null, Map.of());
			assertThat(missing.statusCode()).isEqualTo(404);
			assertThat(read(missing)).containsEntry("code", "FILE_NOT_FOUND");
			String truncated = filePart.substring(0, filePart.length() - 20);
			HttpResponse<String> cut = raw("POST", execd + "/files/upload",
					truncated.replace("/tmp/a.txt", "/tmp/b.txt"),
					Map.of("Content-Type", "multipart/form-data; boundary=" + boundary));
			assertThat(cut.statusCode()).isEqualTo(400);
			assertThat(read(cut)).containsEntry("code", "INVALID_FILE");
			assertThat(raw("GET", execd + "/files/info?path=/tmp/b.txt", null, Map.of()).statusCode()).isEqualTo(404);
		}
		finally {
			lifecycle("DELETE", "/v1/sandboxes/" + id, null, Map.of());
		}
	}

	@Test
	void credentialVaultKeepsValuesToItselfAndChangesAllOrNothing() throws Exception {
		HttpResponse<String> created = lifecycle("POST", "/v1/sandboxes",
				createBody(120).replace("\"timeout\"",
						"\"networkPolicy\":{\"egress\":[{\"action\":\"allow\",\"target\":\"pypi.org\"}]},\"timeout\""),
				Map.of());
		String id = (String) read(created).get("id");
		awaitRunning(id);
		try {
			Map<String, Object> endpoint = read(
					lifecycle("GET", "/v1/sandboxes/" + id + "/endpoints/18080", null, Map.of()));
			@SuppressWarnings("unchecked")
			Map<String, String> headers = (Map<String, String>) endpoint.get("headers");
			String vault = "http://" + endpoint.get("endpoint") + "/credential-vault";
			assertThat(raw("GET", vault, null, headers).statusCode()).isEqualTo(404);
			assertThat(raw("GET", vault, null, Map.of()).statusCode()).isEqualTo(401);
			String body = """
					{"credentials":[{"name":"gh","source":{"type":"inline","value":"ghp_s3cr3t"}}],
					 "bindings":[{"name":"github","match":{"hosts":["api.github.com"]},
					  "auth":{"type":"apiKey","name":"X-Api-Key","credential":"gh"}}]}""";
			HttpResponse<String> first = raw("POST", vault, body, headers);
			assertThat(first.statusCode()).isEqualTo(201);
			assertThat(first.body()).doesNotContain("ghp_s3cr3t");
			assertThat(read(first)).containsEntry("revision", 1);
			assertThat(raw("POST", vault, body, headers).statusCode()).isEqualTo(409);
			Map<String, Object> state = read(raw("GET", vault, null, headers));
			assertThat(state.toString()).doesNotContain("ghp_s3cr3t").contains("X-Api-Key", "api.github.com", "443");
			// A stale revision, a binding to a credential that is not there, a credential
			// still in use: refused whole, the vault unchanged
			assertThat(raw("PATCH", vault, "{\"expectedRevision\":7,\"credentials\":{\"delete\":[\"gh\"]}}", headers)
				.statusCode()).isEqualTo(409);
			HttpResponse<String> dangling = raw("PATCH", vault, """
					{"credentials":{"add":[{"name":"npm","source":{"type":"inline","value":"npm_s3cr3t"}}]},
					 "bindings":{"add":[{"name":"pypi","match":{"hosts":["pypi.org"]},
					  "auth":{"type":"bearer","credential":"missing"}}]}}""", headers);
			assertThat(dangling.statusCode()).isEqualTo(409);
			assertThat(dangling.body()).contains("missing").doesNotContain("npm_s3cr3t");
			assertThat(raw("PATCH", vault, "{\"credentials\":{\"delete\":[\"gh\"]}}", headers).statusCode())
				.isEqualTo(409);
			assertThat(read(raw("GET", vault + "/credentials", null, headers)).toString()).doesNotContain("npm");
			HttpResponse<String> changed = raw("PATCH", vault, """
					{"expectedRevision":1,
					 "credentials":{"replace":[{"name":"gh","source":{"type":"inline","value":"ghp_n3w"}}],
					  "add":[{"name":"npm","source":{"type":"inline","value":"npm_s3cr3t"}}]},
					 "bindings":{"add":[{"name":"npmjs","match":{"hosts":["registry.npmjs.org"],"ports":[443]},
					  "auth":{"type":"customHeaders","headers":[{"name":"X-Npm","credential":"npm"}]}}]}}""", headers);
			assertThat(changed.statusCode()).isEqualTo(200);
			assertThat(changed.body()).doesNotContain("ghp_n3w", "npm_s3cr3t");
			assertThat(read(changed)).containsEntry("revision", 2);
			assertThat(read(raw("GET", vault + "/credentials/gh", null, headers))).containsEntry("revision", 2);
			assertThat(read(raw("GET", vault + "/bindings/github", null, headers))).containsEntry("revision", 1);
			assertThat(raw("GET", vault + "/bindings/none", null, headers).statusCode()).isEqualTo(404);
			for (String bad : new String[] { "{", "[]", "{\"credentials\":{}}", "{\"other\":1}",
					"{\"credentials\":{\"add\":[{\"name\":\"x\",\"source\":{\"type\":\"file\",\"value\":\"v\"}}]}}",
					"{\"bindings\":{\"add\":[{\"name\":\"b\",\"match\":{\"hosts\":[]},"
							+ "\"auth\":{\"type\":\"bearer\",\"credential\":\"gh\"}}]}}",
					"{\"bindings\":{\"add\":[{\"name\":\"b\",\"match\":{\"hosts\":[\"h\"]},"
							+ "\"auth\":{\"type\":\"apiKey\",\"name\":\"bad header\",\"credential\":\"gh\"}}]}}" }) {
				HttpResponse<String> refused = raw("PATCH", vault, bad, headers);
				assertThat(refused.statusCode()).as(bad).isEqualTo(400);
				assertThat(refused.body()).doesNotContain("ghp_", "npm_s3cr3t");
			}
			assertThat(raw("DELETE", vault, null, headers).statusCode()).isEqualTo(204);
			assertThat(raw("GET", vault + "/bindings", null, headers).statusCode()).isEqualTo(404);
		}
		finally {
			lifecycle("DELETE", "/v1/sandboxes/" + id, null, Map.of());
		}
	}

	@Test
	void egressSidecarNeedsItsHeaderAndAnswersTextErrors() throws Exception {
		HttpResponse<String> created = lifecycle("POST", "/v1/sandboxes",
				createBody(120).replace("\"timeout\"",
						"\"networkPolicy\":{\"egress\":[{\"action\":\"allow\",\"target\":\"pypi.org\"}]},\"timeout\""),
				Map.of());
		String id = (String) read(created).get("id");
		awaitRunning(id);
		try {
			Map<String, Object> endpoint = read(
					lifecycle("GET", "/v1/sandboxes/" + id + "/endpoints/18080", null, Map.of()));
			@SuppressWarnings("unchecked")
			Map<String, String> headers = (Map<String, String>) endpoint.get("headers");
			assertThat(headers).containsKey("OPENSANDBOX-EGRESS-AUTH");
			String egress = "http://" + endpoint.get("endpoint");
			HttpResponse<String> unauthorized = raw("GET", egress + "/policy", null, Map.of());
			assertThat(unauthorized.statusCode()).isEqualTo(401);
			assertThat(unauthorized.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("text/plain"));
			Map<String, Object> policy = read(raw("GET", egress + "/policy", null, headers));
			assertThat(policy).containsEntry("mode", "enforcing")
				.extractingByKey("policy")
				.isEqualTo(Map.of("defaultAction", "deny", "egress",
						List.of(Map.of("action", "allow", "target", "pypi.org"))));
			Map<String, Object> patched = read(raw("PATCH", egress + "/policy",
					"[{\"action\":\"DENY\",\"target\":\" PyPI.org \"},{\"action\":\"allow\",\"target\":\"example.com\"}]",
					headers));
			assertThat(patched).containsEntry("status", "ok").doesNotContainKey("policy");
			assertThat(read(raw("GET", egress + "/policy", null, headers)).get("policy")).isEqualTo(
					Map.of("defaultAction", "deny", "egress", List.of(Map.of("action", "deny", "target", "PyPI.org"),
							Map.of("action", "allow", "target", "example.com"))));
			HttpResponse<String> noMatch = raw("DELETE", egress + "/policy", "[\"unknown.org\"]", headers);
			assertThat(read(noMatch)).containsEntry("reason", "no matching targets found");
			HttpResponse<String> bad = raw("PATCH", egress + "/policy", "{\"not\":\"an array\"}", headers);
			assertThat(bad.statusCode()).isEqualTo(400);
			assertThat(bad.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("text/plain"));
			assertThat(
					raw("GET",
							"http://" + read(lifecycle("GET",
									"/v1/sandboxes/" + id + "/endpoints/18080?use_server_proxy=true", null, Map.of()))
								.get("endpoint") + "/policy",
							null, headers)
						.statusCode())
				.isEqualTo(200);
		}
		finally {
			lifecycle("DELETE", "/v1/sandboxes/" + id, null, Map.of());
		}
	}

	@Test
	void sandboxIsKilledAtItsExpiry() throws Exception {
		assertKilledAfterRenewalTo(Instant.now().plusMillis(600));
	}

	@Test
	void sandboxIsKilledAtAnExpiryLateInItsMillisecond() throws Exception {
		// a kill timed to the millisecond fires up to a millisecond before such an expiry
		assertKilledAfterRenewalTo(Instant.now().truncatedTo(ChronoUnit.MILLIS).plusMillis(600).plusNanos(999_000));
	}

	@Test
	void renewalToTheLastDayOfYear9999KeepsTheSandbox() throws Exception {
		String id = (String) read(lifecycle("POST", "/v1/sandboxes", createBody(60), Map.of())).get("id");
		try {
			awaitRunning(id);
			HttpResponse<String> renewed = lifecycle("POST", "/v1/sandboxes/" + id + "/renew-expiration",
					"{\"expiresAt\":\"9999-12-31T23:59:59.999999Z\"}", Map.of());
			assertThat(renewed.statusCode()).isEqualTo(200);
			assertThat(read(renewed)).containsEntry("expiresAt", "9999-12-31T23:59:59.999999Z");
			assertThat(read(lifecycle("GET", "/v1/sandboxes/" + id, null, Map.of()))).containsEntry("expiresAt",
					"9999-12-31T23:59:59.999999Z");
		}
		finally {
			lifecycle("DELETE", "/v1/sandboxes/" + id, null, Map.of());
		}
	}

	@Test
	void renewalBeyondYear9999IsNotADatetime() throws Exception {
		String id = (String) read(lifecycle("POST", "/v1/sandboxes", createBody(60), Map.of())).get("id");
		try {
			for (String expiry : List.of("+10000-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z")) {
				HttpResponse<String> renewed = lifecycle("POST", "/v1/sandboxes/" + id + "/renew-expiration",
						"{\"expiresAt\":\"" + expiry + "\"}", Map.of());
				assertThat(renewed.statusCode()).as(expiry).isEqualTo(422);
				assertThat(renewed.body()).contains("datetime_from_date_parsing");
			}
			assertThat(lifecycle("GET", "/v1/sandboxes/" + id, null, Map.of()).statusCode()).isEqualTo(200);
		}
		finally {
			lifecycle("DELETE", "/v1/sandboxes/" + id, null, Map.of());
		}
	}

	private static void assertKilledAfterRenewalTo(Instant expiry) throws Exception {
		String id = (String) read(lifecycle("POST", "/v1/sandboxes", createBody(60), Map.of())).get("id");
		awaitRunning(id);
		HttpResponse<String> renewed = lifecycle("POST", "/v1/sandboxes/" + id + "/renew-expiration",
				"{\"expiresAt\":\"" + expiry + "\"}", Map.of());
		assertThat(renewed.statusCode()).isEqualTo(200);
		java.nio.file.Path directory = server.getSandboxes()
			.stream()
			.filter((sandbox) -> sandbox.id().equals(id))
			.findFirst()
			.orElseThrow()
			.directory();
		Instant deadline = Instant.now().plusSeconds(10);
		while ((lifecycle("GET", "/v1/sandboxes/" + id, null, Map.of()).statusCode() != 404
				|| java.nio.file.Files.exists(directory)) && Instant.now().isBefore(deadline)) {
			Thread.sleep(50);
		}
		assertThat(lifecycle("GET", "/v1/sandboxes/" + id, null, Map.of()).statusCode()).isEqualTo(404);
		assertThat(directory).doesNotExist();
	}

	private static String createBody(int timeout) {
		return "{\"image\":{\"uri\":\"python:3.12\"},\"entrypoint\":[\"tail\",\"-f\",\"/dev/null\"],"
				+ "\"resourceLimits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"},\"metadata\":{\"project\":\"wire\","
				+ "\"owner\":\"me\"},\"timeout\":" + timeout + "}";
	}

	private static String createRunning(String metadata) throws Exception {
		String body = "{\"image\":{\"uri\":\"python:3.12\"},\"entrypoint\":[\"tail\",\"-f\",\"/dev/null\"],"
				+ "\"resourceLimits\":{\"cpu\":\"1\"},\"metadata\":" + metadata + "}";
		String id = (String) read(lifecycle("POST", "/v1/sandboxes", body, Map.of())).get("id");
		awaitRunning(id);
		return id;
	}

	private static void awaitRunning(String id) throws Exception {
		Instant deadline = Instant.now().plusSeconds(10);
		while (Instant.now().isBefore(deadline)) {
			Map<?, ?> status = (Map<?, ?>) read(lifecycle("GET", "/v1/sandboxes/" + id, null, Map.of())).get("status");
			if ("Running".equals(status.get("state"))) {
				return;
			}
			Thread.sleep(10);
		}
		throw new AssertionError("Sandbox " + id + " did not start");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> detail(HttpResponse<String> response) {
		List<Object> detail = (List<Object>) read(response).get("detail");
		assertThat(detail).isNotEmpty();
		return (Map<String, Object>) detail.get(0);
	}

	private static HttpResponse<String> lifecycle(String method, String path, String body, Map<String, String> headers)
			throws IOException, InterruptedException {
		Map<String, String> all = new java.util.HashMap<>(headers);
		all.put("OPEN-SANDBOX-API-KEY", KEY);
		return send(method, path, body, all);
	}

	private static HttpResponse<String> send(String method, String path, String body, Map<String, String> headers)
			throws IOException, InterruptedException {
		return raw(method, server.getUrl() + path, body, headers);
	}

	private static HttpResponse<String> raw(String method, String url, String body, Map<String, String> headers)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.timeout(Duration.ofSeconds(30))
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (body != null && !headers.containsKey("Content-Type")) {
			request.header("Content-Type", "application/json");
		}
		headers.forEach(request::header);
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static Map<String, Object> read(HttpResponse<String> response) {
		return parse(response.body());
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> parse(String body) {
		return json.readValue(body, Map.class);
	}

}
