package io.opensandbox.spring.test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.opensandbox.spring.test.WireClient.createBody;
import static io.opensandbox.spring.test.WireClient.read;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input gets a 4xx with a body that says what is wrong, and leaves the server
 * healthy: after each case the server still answers and still runs commands.
 *
 * @author OpenSandbox Spring Boot
 */
@Timeout(120)
class EmbeddedBadInputTests {

	private static final String KEY = "bad-input-key";

	private static EmbeddedOpenSandboxServer server;

	private static WireClient client;

	private static String id;

	@BeforeAll
	static void start() throws Exception {
		server = EmbeddedOpenSandboxServer.builder().apiKey(KEY).build().start();
		client = new WireClient(server, KEY);
		id = client.createRunning();
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@AfterEach
	void serverIsStillHealthy() throws Exception {
		assertThat(client.lifecycle("GET", "/health", null).statusCode()).isEqualTo(200);
		assertThat(client.run(id, "echo still-here").stdout()).isEqualTo("still-here\n");
	}

	@Test
	void hugeSandboxTimeoutsAre400() throws Exception {
		for (String timeout : List.of("1e300", "9223372036854775807", "2592001")) {
			HttpResponse<String> response = client.lifecycle("POST", "/v1/sandboxes",
					createBody("{}").replace("\"timeout\":600", "\"timeout\":" + timeout));
			assertThat(response.statusCode()).as(timeout).isEqualTo(400);
			assertThat(read(response)).containsEntry("code", "SANDBOX::INVALID_PARAMETER").containsKey("message");
		}
	}

	@Test
	void fractionalSandboxTimeoutIs422() throws Exception {
		HttpResponse<String> response = client.lifecycle("POST", "/v1/sandboxes",
				createBody("{}").replace("\"timeout\":600", "\"timeout\":600.5"));
		assertThat(response.statusCode()).isEqualTo(422);
		assertThat(read(response)).containsKey("detail");
	}

	@Test
	void fractionalOrHugeCommandTimeoutsAre400() throws Exception {
		for (String timeout : List.of("0.5", "1e300", "-1")) {
			HttpResponse<String> response = client.execd(id, "POST", "/command",
					"{\"command\":\"true\",\"timeout\":" + timeout + "}");
			assertThat(response.statusCode()).as(timeout).isEqualTo(400);
			assertThat(read(response)).containsEntry("code", "INVALID_REQUEST_BODY");
		}
	}

	@Test
	void uploadPathsMustBeAbsoluteAndStayInTheSandbox() throws Exception {
		for (String path : List.of("../up2", "relative.txt", "/../../etc/x")) {
			HttpResponse<String> response = client.upload(id, path, "x");
			assertThat(response.statusCode()).as(path).isEqualTo(400);
			assertThat(read(response)).containsEntry("code", "INVALID_FILE_METADATA");
		}
	}

	@Test
	void environmentVariablesWithNulOrEqualsInTheNameAre4xx() throws Exception {
		HttpResponse<String> create = client.lifecycle("POST", "/v1/sandboxes",
				createBody("{\"env\":{\"A=B\":\"x\"}}"));
		assertThat(create.statusCode()).isEqualTo(422);
		assertThat(read(create)).containsKey("detail");
		HttpResponse<String> nul = client.lifecycle("POST", "/v1/sandboxes",
				createBody("{\"env\":{\"A\\u0000\":\"x\"}}"));
		assertThat(nul.statusCode()).isEqualTo(422);
		HttpResponse<String> command = client.execd(id, "POST", "/command",
				"{\"command\":\"true\",\"envs\":{\"A=B\":\"x\"}}");
		assertThat(command.statusCode()).isEqualTo(400);
		assertThat(read(command)).containsEntry("code", "INVALID_REQUEST_BODY");
	}

	@Test
	void relativeWorkingDirectoriesAre400() throws Exception {
		HttpResponse<String> session = client.execd(id, "POST", "/session", "{\"cwd\":\"relative/dir\"}");
		assertThat(session.statusCode()).isEqualTo(400);
		assertThat(read(session)).containsEntry("code", "INVALID_REQUEST_BODY");
		HttpResponse<String> command = client.execd(id, "POST", "/command", "{\"command\":\"true\",\"cwd\":\"tmp\"}");
		assertThat(command.statusCode()).isEqualTo(400);
	}

	@Test
	void invalidSearchPatternIs400() throws Exception {
		HttpResponse<String> response = client.execd(id, "GET", "/files/search?path=/tmp&pattern=%5B", null);
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(read(response)).containsEntry("code", "INVALID_REQUEST_BODY");
	}

	@Test
	void portsThatAreNoPortNumbersAreRefused() throws Exception {
		HttpResponse<String> proxied = WireClient.send("GET",
				server.getUrl() + "/sandboxes/" + id + "/proxy/99999999999/ping", null, Map.of());
		assertThat(proxied.statusCode()).isEqualTo(422);
		assertThat(read(proxied)).containsKey("detail");
		HttpResponse<String> direct = WireClient.send("GET", server.getUrl() + "/" + id + "/99999999999/ping", null,
				Map.of());
		assertThat(direct.statusCode()).isEqualTo(404);
		assertThat(direct.body()).contains("no such port");
	}

	@Test
	void networkPolicyWithAnUnknownDefaultActionIs422() throws Exception {
		for (String action : List.of("5", "\"maybe\"")) {
			HttpResponse<String> response = client.lifecycle("POST", "/v1/sandboxes",
					createBody("{\"networkPolicy\":{\"defaultAction\":" + action + "}}"));
			assertThat(response.statusCode()).as(action).isEqualTo(422);
			assertThat(read(response)).containsKey("detail");
		}
	}

	@Test
	void oversizedBodiesAre413AndOversizedMetadataIs422() throws Exception {
		String big = "x".repeat(2 * 1024 * 1024);
		HttpResponse<String> body = client.lifecycle("POST", "/v1/sandboxes",
				createBody("{\"metadata\":{\"big\":\"" + big + "\"}}"));
		assertThat(body.statusCode()).isEqualTo(413);
		assertThat(read(body)).containsEntry("code", "REQUEST_TOO_LARGE");
		HttpResponse<String> command = client.execd(id, "POST", "/command", "{\"command\":\"echo " + big + "\"}");
		assertThat(command.statusCode()).isEqualTo(413);
		String value = "v".repeat(50_000);
		HttpResponse<String> metadata = client.lifecycle("POST", "/v1/sandboxes",
				createBody("{\"metadata\":{\"big\":\"" + value + "\"}}"));
		assertThat(metadata.statusCode()).isEqualTo(422);
		HttpResponse<String> patch = client.lifecycle("PATCH", "/v1/sandboxes/" + id + "/metadata",
				"{\"big\":\"" + value + "\"}");
		assertThat(patch.statusCode()).isEqualTo(422);
		assertThat(read(client.lifecycle("GET", "/v1/sandboxes/" + id, null)).get("metadata").toString())
			.doesNotContain(value);
	}

	@Test
	void anUploadAnnouncedLargerThanTheLimitIsRefusedBeforeItIsRead() throws Exception {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getPort())) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(("POST /" + id + "/44772/files/upload HTTP/1.1\r\nHost: 127.0.0.1\r\n"
					+ "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 4294967296\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			String answer = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
			assertThat(answer).isEqualTo("HTTP/1.1 413");
		}
	}

}
