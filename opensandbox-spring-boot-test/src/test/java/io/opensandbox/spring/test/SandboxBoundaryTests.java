package io.opensandbox.spring.test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static io.opensandbox.spring.test.WireClient.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The sandbox boundary under attack: code inside a sandbox races the files API with links
 * to host files, points it at {@code /proc}, and looks for host privileges. Nothing it
 * does may read, write, delete or change a host file, or reveal the server's secrets.
 *
 * @author OpenSandbox Spring Boot
 */
@Timeout(300)
class SandboxBoundaryTests {

	private static final String KEY = "boundary-secret-key-4f1e";

	private static final String SECRET = "HOST-SECRET-CONTENT";

	private static final int ROUNDS = 30;

	@TempDir
	static Path host;

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
	void fileRoutesNeverReachHostFilesWhileTheSandboxSwapsLinksUnderThem() throws Exception {
		// Decoys anyone on the host could read and write, so that only the sandbox's own
		// namespaces and root protect them.
		Files.setPosixFilePermissions(host, PosixFilePermissions.fromString("rwxrwxrwx"));
		Path decoy = Files.writeString(host.resolve("decoy.txt"), SECRET);
		Files.setPosixFilePermissions(decoy, PosixFilePermissions.fromString("rw-rw-rw-"));
		Path decoyDirectory = Files.createDirectories(host.resolve("decoy-dir"));
		Files.setPosixFilePermissions(decoyDirectory, PosixFilePermissions.fromString("rwxrwxrwx"));
		Files.writeString(decoyDirectory.resolve("secret.txt"), SECRET);
		Files.createDirectories(decoyDirectory.resolve("sub"));
		// Never named in a request: seen only if a listing reads the host directory.
		Files.writeString(decoyDirectory.resolve("host-only-marker.txt"), SECRET);
		String id = client.createRunning();
		try {
			// Paths swapped atomically (rename) as fast as the sandbox can: /tmp/flip
			// between
			// a file of its own and a link to the host decoy, /tmp/flipdir between a
			// directory of its own and the host directory, /tmp/flipproc to /proc.
			String swapper = """
					import os, time
					os.makedirs('/tmp/own-dir/sub', exist_ok=True)
					open('/tmp/own-dir/inner.txt', 'w').write('inner')
					end = time.time() + 120
					while time.time() < end:
					    for link, target in (('/tmp/flip', '%s'), ('/tmp/flipdir', '%s'), ('/tmp/flipproc', '/proc/1/environ')):
					        os.symlink(target, link + '.new'); os.rename(link + '.new', link)
					    open('/tmp/flip.new', 'w').write('inside'); os.rename('/tmp/flip.new', '/tmp/flip')
					    os.symlink('/tmp/own-dir', '/tmp/flipdir.new'); os.rename('/tmp/flipdir.new', '/tmp/flipdir')
					    os.symlink('/proc/self/cmdline', '/tmp/flipproc.new'); os.rename('/tmp/flipproc.new', '/tmp/flipproc')
					"""
				.formatted(decoy, decoyDirectory);
			client.upload(id, "/tmp/swapper.py", swapper);
			HttpResponse<String> background = client.execd(id, "POST", "/command",
					"{\"command\":\"python3 /tmp/swapper.py\",\"background\":true}");
			assertThat(background.statusCode()).isEqualTo(200);
			Thread.sleep(300);
			for (int round = 0; round < ROUNDS; round++) {
				attack(id, round);
			}
			assertThat(Files.readString(decoy)).isEqualTo(SECRET);
			assertThat(Files.getPosixFilePermissions(decoy)).isEqualTo(PosixFilePermissions.fromString("rw-rw-rw-"));
			assertThat(Files.readString(decoyDirectory.resolve("secret.txt"))).isEqualTo(SECRET);
			assertThat(decoyDirectory.resolve("sub")).isDirectory();
			try (Stream<Path> entries = Files.list(decoyDirectory)) {
				assertThat(entries.map((path) -> path.getFileName().toString())).containsExactlyInAnyOrder("secret.txt",
						"sub", "host-only-marker.txt");
			}
			try (Stream<Path> entries = Files.list(host)) {
				assertThat(entries.map((path) -> path.getFileName().toString())).containsExactlyInAnyOrder("decoy.txt",
						"decoy-dir");
			}
		}
		finally {
			client.kill(id);
		}
	}

	private void attack(String id, int round) throws Exception {
		HttpResponse<String> download = client.execd(id, "GET", "/files/download?path=/tmp/flip", null);
		assertThat(download.body()).doesNotContain(SECRET);
		assertThat(client.execd(id, "GET", "/files/download?path=/tmp/flip&offset=1&limit=5", null).body())
			.doesNotContain(SECRET);
		assertThat(client.execd(id, "GET", "/files/download?path=/tmp/flipproc&offset=1&limit=5", null).body())
			.doesNotContain(KEY);
		assertThat(client.execd(id, "GET", "/files/download?path=" + query("/tmp/flipdir/secret.txt"), null).body())
			.doesNotContain(SECRET);
		assertThat(client.execd(id, "GET", "/files/download?path=/tmp/flipproc", null).body()).doesNotContain(KEY);
		assertThat(client.execd(id, "GET", "/files/download?path=" + query("/tmp/flipdir/host-only-marker.txt"), null)
			.body()).doesNotContain(SECRET);
		assertThat(client.execd(id, "GET", "/files/info?path=" + query("/tmp/flipdir/host-only-marker.txt"), null)
			.statusCode()).isEqualTo(404);
		client.upload(id, "/tmp/flip", "overwritten");
		client.upload(id, "/tmp/flipdir/secret.txt", "overwritten");
		client.execd(id, "POST", "/files/permissions", "{\"/tmp/flip\":{\"mode\":777}}");
		client.execd(id, "POST", "/files/replace", "{\"/tmp/flip\":{\"old\":\"HOST\",\"new\":\"GUEST\"}}");
		client.execd(id, "POST", "/files/mv",
				"[{\"src\":\"/tmp/flipdir/secret.txt\",\"dest\":\"/tmp/stolen-" + round + ".txt\"}]");
		client.execd(id, "DELETE", "/files?path=/tmp/flip", null);
		client.execd(id, "DELETE", "/directories?path=" + query("/tmp/flipdir/sub"), null);
		client.execd(id, "POST", "/directories", "{\"/tmp/flipdir/made-" + round + "\":{\"mode\":755}}");
		assertThat(
				client.execd(id, "GET", "/directories/list?path=" + query("/tmp/flipdir/") + "&depth=2", null).body())
			.doesNotContain("host-only-marker");
		assertThat(client.execd(id, "GET", "/files/search?path=/tmp/flipdir&pattern=host-only*", null).body())
			.doesNotContain("host-only-marker");
		client.execd(id, "POST", "/session", "{\"cwd\":\"/tmp/flipdir/session-" + round + "\"}");
		WireClient.Run listing = client.run(id, Map.of("command", "ls", "cwd", "/tmp/flipdir"));
		assertThat(listing.stdout()).doesNotContain("host-only-marker");
	}

	@Test
	void procShowsTheSandboxNeverTheServer() throws Exception {
		String id = client.createRunning();
		try {
			for (String path : List.of("/proc/self/cmdline", "/proc/self/environ", "/proc/1/cmdline", "/proc/1/environ",
					"/proc/2/environ")) {
				HttpResponse<String> download = client.execd(id, "GET", "/files/download?path=" + query(path), null);
				assertThat(download.statusCode()).as(path).isIn(200, 403, 404);
				assertThat(download.body()).as(path).doesNotContain(KEY).doesNotContain("java");
			}
			WireClient.Run processes = client.run(id, "cat /proc/[0-9]*/cmdline /proc/[0-9]*/environ | tr '\\0' ' '");
			// Something was read (the command's own line), and none of it is the
			// server's.
			assertThat(processes.stdout()).contains("/proc/[0-9]").doesNotContain(KEY).doesNotContain("java");
		}
		finally {
			client.kill(id);
		}
	}

	@Test
	void sessionWorkingDirectoriesAreCreatedInsideTheSandboxOnly() throws Exception {
		String id = client.createRunning();
		try {
			Path onHost = Path.of("/opt/opensandbox-boundary-" + System.nanoTime());
			HttpResponse<String> session = client.execd(id, "POST", "/session", "{\"cwd\":\"" + onHost + "/a/b\"}");
			assertThat(session.statusCode()).isEqualTo(500);
			assertThat(session.body()).contains("Read-only file system");
			assertThat(onHost).doesNotExist();
			HttpResponse<String> inside = client.execd(id, "POST", "/session", "{\"cwd\":\"/workspace/a/b\"}");
			assertThat(inside.statusCode()).isEqualTo(200);
			assertThat(client.run(id, Map.of("command", "pwd", "cwd", "/workspace/a/b")).stdout())
				.isEqualTo("/workspace/a/b\n");
		}
		finally {
			client.kill(id);
		}
	}

	@Test
	void rootInsideIsAnUnprivilegedUserOnTheHost() throws Exception {
		assumeServerIsRoot();
		String id = client.createRunning();
		try {
			WireClient.Run run = client.run(id, "id -u; touch /tmp/mine; cat /etc/shadow; echo shadow=$?");
			assertThat(run.stdout()).startsWith("0\n").contains("shadow=1");
			Path mine = server.getFile(id, "/tmp/mine");
			assertThat((Integer) Files.getAttribute(mine, "unix:uid")).isGreaterThan(65535);
			assertThat(Files.getAttribute(directory(id), "unix:uid")).isEqualTo(Files.getAttribute(mine, "unix:uid"));
		}
		finally {
			client.kill(id);
		}
	}

	@Test
	void aSandboxWhoseProcessesDieIsReportedFailedNotRunning() throws Exception {
		assumeServerIsRoot();
		String id = client.createRunning();
		try {
			int uid = (Integer) Files.getAttribute(directory(id), "unix:uid");
			// Everything the sandbox's own host user runs, its init included.
			Process kill = new ProcessBuilder("pkill", "-KILL", "-U", Integer.toString(uid)).start();
			assertThat(kill.waitFor()).isZero();
			client.awaitState(id, "Failed", Duration.ofSeconds(10));
			assertThat(client.status(id)).containsEntry("reason", "sandbox_exited");
			assertThat(client.run(id, "true").response().statusCode()).isEqualTo(503);
		}
		finally {
			client.kill(id);
		}
	}

	@Test
	void processesASandboxLeavesRunningDoNotSlowDownAnotherSandboxsCommands() throws Exception {
		String attacker = client.createRunning();
		String victim = client.createRunning();
		try {
			// Every command that leaves a process behind is watched until that process
			// ends; watching 200 of them once made every command of every sandbox take
			// seconds.
			for (int i = 0; i < 200; i++) {
				assertThat(client.run(attacker, "sleep 100000 &").succeeded()).isTrue();
			}
			long slowest = 0;
			for (int i = 0; i < 5; i++) {
				long started = System.nanoTime();
				assertThat(client.run(victim, "echo unharmed").stdout()).isEqualTo("unharmed\n");
				slowest = Math.max(slowest, System.nanoTime() - started);
			}
			assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofSeconds(1));
		}
		finally {
			client.kill(attacker);
			client.kill(victim);
		}
	}

	private static void assumeServerIsRoot() throws Exception {
		assumeThat(Files.readString(Path.of("/proc/self/status"))).as("the server runs as root")
			.containsPattern("(?m)^Uid:\\s+0\\s");
	}

	private static Path directory(String id) {
		return server.getSandboxes()
			.stream()
			.filter((candidate) -> candidate.id().equals(id))
			.findFirst()
			.orElseThrow()
			.directory();
	}

}
