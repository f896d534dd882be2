package io.opensandbox.spring.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sandbox lives until it is killed or expires, however long it idles: fifty sandboxes
 * created at once, left alone for ninety seconds (longer than any thread pool keeps an
 * idle thread), all still run commands and still say {@code Running}.
 *
 * @author OpenSandbox Spring Boot
 */
@Timeout(300)
class SandboxLifetimeTests {

	private static final String KEY = "lifetime-key";

	private static final int SANDBOXES = 50;

	private static EmbeddedOpenSandboxServer server;

	private static WireClient client;

	@BeforeAll
	static void start() {
		server = EmbeddedOpenSandboxServer.builder().apiKey(KEY).build().start();
		client = new WireClient(server, KEY);
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void idleSandboxesStayAlive() throws Exception {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < SANDBOXES; i++) {
			ids.add((String) WireClient.read(client.lifecycle("POST", "/v1/sandboxes", WireClient.createBody("{}")))
				.get("id"));
		}
		for (String id : ids) {
			client.awaitState(id, "Running", Duration.ofSeconds(60));
		}
		Thread.sleep(Duration.ofSeconds(90).toMillis());
		for (String id : ids) {
			assertThat(client.status(id)).containsEntry("state", "Running");
			WireClient.Run run = client.run(id, "echo alive");
			assertThat(run.stdout()).as(id).isEqualTo("alive\n");
		}
	}

}
