package io.opensandbox.spring.test;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.opensandbox.spring.test.WireClient.createBody;
import static io.opensandbox.spring.test.WireClient.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A create request's resource limits hold: memory beyond the limit is not granted, forks
 * beyond the process limit fail, and CPU beyond the quota is throttled.
 *
 * @author OpenSandbox Spring Boot
 */
@Timeout(120)
class EmbeddedResourceLimitsTests {

	private static final String KEY = "limits-key";

	private static EmbeddedOpenSandboxServer server;

	private static WireClient client;

	private static String id;

	@BeforeAll
	static void start() throws Exception {
		server = EmbeddedOpenSandboxServer.builder().apiKey(KEY).build().start();
		client = new WireClient(server, KEY);
		assumeThat(server.getIsolation()).as("control groups are available").contains("cgroup");
		id = client.createRunning(
				createBody("{}").replace("\"cpu\":\"1\",\"memory\":\"1Gi\"", "\"cpu\":\"100m\",\"memory\":\"64Mi\""));
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void memoryBeyondTheLimitIsNotGranted() throws Exception {
		WireClient.Run run = client.run(id,
				"python3 -c 'a = bytearray(256 * 1024 * 1024); a[::4096] = b\"x\" * len(a[::4096]); print(\"granted\")'"
						+ "; echo exit=$?");
		assertThat(run.stdout()).doesNotContain("granted").containsPattern("exit=(137|1)\\b");
		assertThat(client.run(id, "echo alive").stdout()).isEqualTo("alive\n");
	}

	@Test
	void forksBeyondTheProcessLimitFail() throws Exception {
		String forker = client.createRunning();
		try {
			WireClient.Run run = client.run(forker, "python3 -c '"
					+ "import os, time\nchildren = []\ntry:\n    while len(children) < 1500:\n"
					+ "        pid = os.fork()\n        if pid == 0:\n            time.sleep(30)\n            os._exit(0)\n"
					+ "        children.append(pid)\nexcept OSError as ex:\n    print(\"refused\", ex.errno)\n"
					+ "print(\"started\", len(children))\nfor pid in children:\n    os.kill(pid, 9)\n'");
			assertThat(run.stdout()).contains("refused 11");
			int started = Integer.parseInt(run.stdout().replaceAll("(?s).*started (\\d+).*", "$1"));
			assertThat(started).isLessThan(1024).isGreaterThan(500);
		}
		finally {
			client.kill(forker);
		}
	}

	@Test
	void cpuBeyondTheQuotaIsThrottled() throws Exception {
		WireClient.Run run = client.run(id,
				"python3 -c '" + "import os, time\nstart = time.time()\nwhile time.time() - start < 2: pass\n"
						+ "t = os.times()\nprint(round(t.user + t.system, 2))'");
		double cpuSeconds = Double.parseDouble(run.stdout().strip());
		// A tenth of a core for two seconds; unthrottled it would be close to two.
		assertThat(cpuSeconds).isLessThan(0.8);
	}

	@Test
	void filesBeyondTheDiskLimitDoNotFit() throws Exception {
		String small = client.createRunning(
				createBody("{}").replace("\"memory\":\"1Gi\"", "\"memory\":\"1Gi\",\"ephemeral-storage\":\"16Mi\""));
		try {
			WireClient.Run run = client.run(small, "head -c 32M /dev/zero > /tmp/big; echo exit=$?; ls -s /tmp/big");
			assertThat(run.stderr()).contains("No space left on device");
			assertThat(run.stdout()).contains("exit=1");
			HttpResponse<String> upload = client.upload(small, "/workspace/big.txt", "x".repeat(20 * 1024 * 1024));
			assertThat(upload.statusCode()).isEqualTo(500);
			assertThat(upload.body()).contains("No space left on device");
			client.run(small, "rm -f /tmp/big");
			assertThat(client.upload(small, "/workspace/fits.txt", "fits").statusCode()).isEqualTo(200);
		}
		finally {
			client.kill(small);
		}
	}

	@Test
	void quantitiesThatAreNoQuantitiesAre422() throws Exception {
		HttpResponse<String> response = client.lifecycle("POST", "/v1/sandboxes",
				createBody("{}").replace("\"memory\":\"1Gi\"", "\"memory\":\"lots\""));
		assertThat(response.statusCode()).isEqualTo(422);
		assertThat(read(response).toString()).contains("512Mi");
	}

}
