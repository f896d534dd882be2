package io.opensandbox.spring.test;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the embedded server's execd runs a foreground command: the run ends when the shell
 * exits (children left in the background keep running, and keep writing), output is
 * back-pressured by the client, and no line is held whole in memory.
 *
 * @author OpenSandbox Spring Boot
 */
@Timeout(120)
class EmbeddedCommandOutputTests {

	private static final String KEY = "output-test-key";

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

	@Test
	void runEndsWhenTheShellExitsAndTheBackgroundChildKeepsRunning() throws Exception {
		long started = System.nanoTime();
		WireClient.Run run = client.run(id, "sleep 1000 & echo bg");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
		assertThat(run.succeeded()).isTrue();
		assertThat(run.stdout()).isEqualTo("bg\n");
		assertThat(client.run(id, "pgrep -x sleep >/dev/null && echo alive").stdout()).isEqualTo("alive\n");
	}

	@Test
	void aBackgroundChildMayWriteAfterTheRunEndedWithoutBeingKilled() throws Exception {
		WireClient.Run run = client.run(id,
				"(sleep 0.5; echo late; echo late >&2; sleep 0.5; touch /tmp/survived) & echo started");
		assertThat(run.stdout()).isEqualTo("started\n");
		Thread.sleep(2500);
		assertThat(client.run(id, "test -f /tmp/survived && echo yes").stdout()).isEqualTo("yes\n");
	}

	@Test
	void outputOfTheShellBeforeItExitsIsNeverCut() throws Exception {
		WireClient.Run run = client.run(id, "sleep 100 & seq 1 20000");
		assertThat(run.stdout().lines()).hasSize(20000).endsWith("20000");
	}

	@Test
	void aSlowClientSlowsTheCommandDown() throws Exception {
		client.run(id, "rm -f /tmp/finished");
		HttpClient http = HttpClient.newHttpClient();
		HttpRequest request = HttpRequest.newBuilder(URI.create(client.execdUrl(id) + "/command"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(
					"{\"command\":\"head -c 300000000 /dev/zero | tr '\\\\0' 'x' | fold -w 100; touch /tmp/finished\"}"))
			.build();
		HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
		try (InputStream body = response.body()) {
			assertThat(body.readNBytes(64 * 1024)).hasSize(64 * 1024);
			// 300 MB cannot fit in the buffers between the command and this client.
			Thread.sleep(3000);
			assertThat(client.run(id, "test -f /tmp/finished && echo finished || echo waiting").stdout())
				.isEqualTo("waiting\n");
		}
	}

	@Test
	void aVeryLongLineArrivesWholeInPieces() throws Exception {
		WireClient.Run run = client.run(id, "head -c 200000 /dev/zero | tr '\\0' 'a'; echo; echo next");
		long pieces = run.events().stream().filter((event) -> "stdout".equals(event.get("type"))).count();
		assertThat(pieces).isGreaterThan(3);
		assertThat(run.stdout().replace("\n", "")).hasSize(200000 + 4);
		assertThat(run.stdout()).endsWith("next\n");
	}

	@Test
	void timeoutKillsTheCommandAndReportsIt() throws Exception {
		WireClient.Run run = client.run(id, Map.of("command", "sleep 30", "timeout", 500));
		assertThat(run.succeeded()).isFalse();
		assertThat(run.events()).anySatisfy((event) -> assertThat(event).containsEntry("type", "error"));
	}

	@Test
	void aSessionRunThatTimesOutIsKilledAndReportedAndTheSessionGoesOn() throws Exception {
		String session = (String) WireClient.read(client.execd(id, "POST", "/session", "{}")).get("session_id");
		long started = System.nanoTime();
		HttpResponse<String> timedOut = client.execd(id, "POST", "/session/" + session + "/run",
				"{\"command\":\"sleep 30\",\"timeout\":500}");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
		assertThat(timedOut.body()).contains("error running in session. timeout after 500ms");
		HttpResponse<String> next = client.execd(id, "POST", "/session/" + session + "/run",
				"{\"command\":\"echo still here\"}");
		assertThat(next.body()).contains("still here").contains("execution_complete");
	}

}
