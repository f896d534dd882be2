package io.opensandbox.spring.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The standalone server: its arguments, the line it prints once it listens, and a clean
 * stop on SIGTERM that kills every sandbox process and removes what sandboxes wrote.
 *
 * @author OpenSandbox Spring Boot
 */
@Timeout(60)
class EmbeddedOpenSandboxServerApplicationTests {

	private static final Pattern LISTENING = Pattern
		.compile(Pattern.quote(EmbeddedOpenSandboxServerApplication.LISTENING) + "http://127\\.0\\.0\\.1:(\\d+)");

	@Test
	void printsWhereItListensAndStopsCleanlyOnSigterm(@TempDir Path work) throws Exception {
		ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-cp", System.getProperty("java.class.path"), EmbeddedOpenSandboxServerApplication.class.getName(),
				"--port=0", "--work-directory=" + work)
			.redirectErrorStream(true);
		builder.environment().put(EmbeddedOpenSandboxServerApplication.API_KEY_VARIABLE, "standalone-key");
		Process server = builder.start();
		try {
			BufferedReader output = new BufferedReader(
					new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
			int port = awaitPort(output);
			HttpClient http = HttpClient.newHttpClient();
			String marker = "4242." + (System.nanoTime() % 1000);
			String id = createWithSleep(http, port, marker);
			assertThat(sleepers(marker)).isNotEmpty();
			assertThat(work.resolve(id)).exists();
			server.destroy();
			assertThat(server.waitFor(20, TimeUnit.SECONDS)).isTrue();
			assertThat(sleepers(marker)).isEmpty();
			assertThat(work.resolve(id)).doesNotExist();
		}
		finally {
			server.destroyForcibly();
		}
	}

	@Test
	void badArgumentsAreExplained() {
		EmbeddedOpenSandboxServer.Builder builder = EmbeddedOpenSandboxServer.builder();
		assertThatIllegalArgumentException().isThrownBy(
				() -> EmbeddedOpenSandboxServerApplication.configure(builder, new String[] { "--port=http" }, Map.of()))
			.withMessage("--port must be a number, but was 'http'");
		assertThatIllegalArgumentException().isThrownBy(
				() -> EmbeddedOpenSandboxServerApplication.configure(builder, new String[] { "--prot=1" }, Map.of()))
			.withMessage("Unknown option: --prot");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EmbeddedOpenSandboxServerApplication.configure(builder,
					new String[] { "--isolation=docker" }, Map.of()))
			.withMessageContaining("auto, bubblewrap, unshare or none");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EmbeddedOpenSandboxServerApplication.configure(builder,
					new String[] { "--api-key=on-the-command-line" }, Map.of()))
			.withMessageContaining("--api-key-file=<file> or the OPEN_SANDBOX_API_KEY environment variable")
			.withMessageNotContaining("on-the-command-line");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EmbeddedOpenSandboxServerApplication.configure(builder,
					new String[] { "--execd-access-token=t0ken" }, Map.of()))
			.withMessageContaining("OPEN_SANDBOX_EXECD_ACCESS_TOKEN")
			.withMessageNotContaining("t0ken");
		assertThat(EmbeddedOpenSandboxServerApplication.duration("ready-delay", "250ms"))
			.isEqualTo(Duration.ofMillis(250));
		assertThat(EmbeddedOpenSandboxServerApplication.duration("ready-delay", "PT2S"))
			.isEqualTo(Duration.ofSeconds(2));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EmbeddedOpenSandboxServerApplication.configure(builder,
					new String[] { "--creation-delay=-1s" }, Map.of()))
			.withMessageContaining("creationDelay must not be negative");
	}

	@Test
	void secretsComeFromFilesOrTheEnvironment(@TempDir Path work) throws Exception {
		Path keyFile = Files.writeString(work.resolve("key"), "from-file\n");
		Path tokenFile = Files.writeString(work.resolve("token"), " token-from-file \n");
		EmbeddedOpenSandboxServer.Builder fromFiles = EmbeddedOpenSandboxServer.builder().port(0);
		EmbeddedOpenSandboxServerApplication.configure(fromFiles,
				new String[] { "--api-key-file=" + keyFile, "--execd-access-token-file=" + tokenFile }, Map.of());
		try (EmbeddedOpenSandboxServer server = fromFiles.build()) {
			assertThat(server.getApiKey()).isEqualTo("from-file");
		}
		EmbeddedOpenSandboxServer.Builder fromEnvironment = EmbeddedOpenSandboxServer.builder().port(0);
		EmbeddedOpenSandboxServerApplication.configure(fromEnvironment, new String[0],
				Map.of(EmbeddedOpenSandboxServerApplication.API_KEY_VARIABLE, "from-env"));
		try (EmbeddedOpenSandboxServer server = fromEnvironment.build()) {
			assertThat(server.getApiKey()).isEqualTo("from-env");
		}
		Path empty = Files.writeString(work.resolve("empty"), "");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EmbeddedOpenSandboxServerApplication.configure(EmbeddedOpenSandboxServer.builder(),
					new String[] { "--api-key-file=" + empty }, Map.of()))
			.withMessageContaining("is empty");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EmbeddedOpenSandboxServerApplication.configure(EmbeddedOpenSandboxServer.builder(),
					new String[] { "--api-key-file=" + work.resolve("none") }, Map.of()))
			.withMessageContaining("cannot read");
	}

	private static int awaitPort(BufferedReader output) throws IOException {
		String line;
		while ((line = output.readLine()) != null) {
			Matcher matcher = LISTENING.matcher(line);
			if (matcher.matches()) {
				return Integer.parseInt(matcher.group(1));
			}
		}
		throw new AssertionError("The server ended without reporting where it listens");
	}

	private static String createWithSleep(HttpClient http, int port, String marker) throws Exception {
		String body = "{\"image\":{\"uri\":\"busybox\"},\"entrypoint\":[\"sleep\",\"" + marker + "\"],"
				+ "\"resourceLimits\":{\"cpu\":\"1\"}}";
		HttpResponse<String> created = http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/sandboxes"))
				.header("OPEN-SANDBOX-API-KEY", "standalone-key")
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(created.statusCode()).isEqualTo(202);
		Matcher id = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(created.body());
		assertThat(id.find()).isTrue();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (sleepers(marker).isEmpty() && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		return id.group(1);
	}

	/**
	 * Host processes running {@code sleep <marker>}: the sandbox's entrypoint.
	 */
	private static List<Long> sleepers(String marker) throws IOException {
		String wanted = "sleep\0" + marker;
		try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
			return processes.filter((path) -> path.getFileName().toString().matches("\\d+")).filter((path) -> {
				try {
					return new String(Files.readAllBytes(path.resolve("cmdline")), StandardCharsets.UTF_8)
						.startsWith(wanted);
				}
				catch (IOException ex) {
					return false;
				}
			}).map((path) -> Long.parseLong(path.getFileName().toString())).toList();
		}
	}

}
