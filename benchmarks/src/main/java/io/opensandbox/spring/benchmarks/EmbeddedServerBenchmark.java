package io.opensandbox.spring.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.opensandbox.spring.test.EmbeddedOpenSandboxServerApplication;

/**
 * The embedded server under load, run as the standalone server in a JVM of its own
 * ({@code -Xmx128m}) so that its memory is its own: its resident memory while a client
 * reads 300 MB of command output slowly, the memory each idle sandbox costs (in the
 * server and in the sandbox's own processes: the namespace holders and the user-mode
 * network stack), and how long a new sandbox takes from the create request to a command's
 * first output.
 *
 * @author OpenSandbox Spring Boot
 */
final class EmbeddedServerBenchmark {

	private static final String KEY = "benchmark-key";

	/**
	 * The server's heap: small, to show that streaming holds little (a large heap would
	 * grow with the garbage of 300 MB of events before it collects, which says nothing
	 * about what is held).
	 */
	private static final int HEAP_MIB = 128;

	private static final Pattern LISTENING = Pattern
		.compile(Pattern.quote(EmbeddedOpenSandboxServerApplication.LISTENING) + "http://127\\.0\\.0\\.1:(\\d+)");

	private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private EmbeddedServerBenchmark() {
	}

	static List<Row> run(long outputBytes, int idleSandboxes, int createRounds) throws Exception {
		// Searchable by the sandboxes' own users, who pass through it to their
		// directories.
		Path work = Files.createTempDirectory("opensandbox-benchmark-",
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + HEAP_MIB + "m",
						"-cp", Fork.classPath(), EmbeddedOpenSandboxServerApplication.class.getName(), "--port=0",
						"--work-directory=" + work.resolve("server")));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().put(EmbeddedOpenSandboxServerApplication.API_KEY_VARIABLE, KEY);
		Process server = builder.start();
		try {
			BufferedReader output = new BufferedReader(
					new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
			String isolation = "";
			int port = -1;
			String line;
			while (port < 0 && (line = output.readLine()) != null) {
				System.out.println(line);
				if (line.contains("isolation")) {
					isolation = line;
				}
				Matcher matcher = LISTENING.matcher(line);
				if (matcher.matches()) {
					port = Integer.parseInt(matcher.group(1));
				}
			}
			if (isolation.contains("commands refused")) {
				throw new IllegalStateException("The embedded server runs no commands here: " + isolation);
			}
			daemon(() -> output.lines().forEach((ignored) -> {
			}));
			String base = "http://127.0.0.1:" + port;
			List<Row> rows = new ArrayList<>();
			rows.add(slowReader(base, port, server.pid(), outputBytes).with("isolation", isolation));
			rows.addAll(idle(base, server.pid(), idleSandboxes));
			rows.add(createToFirstOutput(base, createRounds));
			return rows;
		}
		finally {
			server.destroy();
			if (!server.waitFor(60, TimeUnit.SECONDS)) {
				server.destroyForcibly();
			}
		}
	}

	/**
	 * Reads a command's output at about 30 MB/s (64 KiB, then a pause) while the server's
	 * resident memory is sampled every 50 ms.
	 */
	private static Row slowReader(String base, int port, long serverPid, long outputBytes) throws Exception {
		String id = createRunning(base);
		run(base, id, "echo warm");
		System.gc();
		Thread.sleep(2000);
		long idle = residentKiB(serverPid);
		AtomicLong peak = new AtomicLong(idle);
		Thread sampler = daemon(() -> {
			while (!Thread.currentThread().isInterrupted()) {
				peak.accumulateAndGet(residentKiB(serverPid), Math::max);
				try {
					Thread.sleep(50);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		});
		long read = 0;
		long started = System.nanoTime();
		String body = "{\"command\":\"head -c " + outputBytes + " /dev/zero | tr '\\\\0' x | fold -w 1000\"}";
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setReceiveBufferSize(64 * 1024);
			socket.setSoTimeout(60_000);
			OutputStream out = socket.getOutputStream();
			out.write(
					("POST /" + id + "/44772/command HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
							+ "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length
							+ "\r\nConnection: close\r\n\r\n" + body)
						.getBytes(StandardCharsets.UTF_8));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[64 * 1024];
			int n;
			while ((n = in.read(buffer)) >= 0) {
				read += n;
				Thread.sleep(2);
			}
		}
		finally {
			sampler.interrupt();
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		kill(base, id);
		double aboveIdleMiB = (peak.get() - idle) / 1024.0;
		boolean whole = read > outputBytes;
		return new Row("embedded",
				"Embedded server: RSS while " + (outputBytes / 1_000_000) + " MB of output is read slowly",
				"<= 64 MiB above idle",
				String.format(Locale.ROOT, "+%.0f MiB (idle %.0f MiB, peak %.0f MiB)", aboveIdleMiB, idle / 1024.0,
						peak.get() / 1024.0),
				String.format(Locale.ROOT,
						"%.0f MB read in %.0f s by a client pausing 2 ms per 64 KiB; server -Xmx%dm;" + " one run",
						read / 1e6, seconds, HEAP_MIB),
				Row.met(aboveIdleMiB <= 64 && whole))
			.with("aboveIdleMiB", aboveIdleMiB)
			.with("bytesRead", read)
			.with("seconds", seconds);
	}

	/**
	 * Creates many sandboxes, waits until all run, and compares memory before and after:
	 * the server JVM's, and that of every process it started (namespace holders, network
	 * stacks).
	 */
	private static List<Row> idle(String base, long serverPid, int count) throws Exception {
		System.gc();
		Thread.sleep(1000);
		long serverBefore = residentKiB(serverPid);
		long childrenBefore = descendantsKiB(serverPid);
		List<String> ids = new ArrayList<>();
		long started = System.nanoTime();
		for (int i = 0; i < count; i++) {
			ids.add(create(base));
		}
		for (String id : ids) {
			awaitRunning(base, id);
		}
		double createSeconds = (System.nanoTime() - started) / 1e9;
		Thread.sleep(3000);
		long serverAfter = residentKiB(serverPid);
		long childrenAfter = descendantsKiB(serverPid);
		long processes = ProcessHandle.of(serverPid).map((handle) -> handle.descendants().count()).orElse(0L);
		for (String id : ids) {
			kill(base, id);
		}
		double serverPer = (serverAfter - serverBefore) / (double) count;
		double childrenPer = (childrenAfter - childrenBefore) / (double) count;
		return List
			.of(new Row("embedded", "Embedded server: memory per idle sandbox, " + count + " sandboxes", "reference",
					String.format(Locale.ROOT, "%.0f KiB in the server + %.0f KiB in its processes", serverPer,
							childrenPer),
					String.format(Locale.ROOT, "%d host processes for %d sandboxes; all created and running in %.1f s",
							processes, count, createSeconds),
					"n/a")
				.with("serverKiBPerSandbox", serverPer)
				.with("processesKiBPerSandbox", childrenPer)
				.with("hostProcesses", processes)
				.with("createSeconds", createSeconds));
	}

	/**
	 * From the create request to the first stdout event of {@code echo}: creation, the
	 * sandbox's start, polling until it runs, the command.
	 */
	private static Row createToFirstOutput(String base, int rounds) throws Exception {
		List<Double> millis = new ArrayList<>();
		for (int round = 0; round < rounds + 2; round++) {
			long started = System.nanoTime();
			String id = createRunning(base);
			HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/" + id + "/44772/command"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"command\":\"echo first\"}"))
				.build();
			HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
			try (BufferedReader events = new BufferedReader(
					new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
				String event;
				while ((event = events.readLine()) != null && !event.contains("\"stdout\"")) {
					// until the first output
				}
			}
			double elapsed = (System.nanoTime() - started) / 1e6;
			kill(base, id);
			if (round >= 2) {
				millis.add(elapsed);
			}
		}
		Stats stats = new Stats(millis);
		return new Row("embedded", "Embedded server: create-to-first-output of a new sandbox", "reference",
				String.format(Locale.ROOT, "%s ms", Stats.format(stats.median())),
				String.format(Locale.ROOT, "%s-%s ms over %d rounds after 2 warm-up", Stats.format(stats.min()),
						Stats.format(stats.max()), rounds),
				"n/a")
			.with("millis", stats);
	}

	private static String createRunning(String base) throws Exception {
		String id = create(base);
		awaitRunning(base, id);
		return id;
	}

	private static String create(String base) throws Exception {
		HttpResponse<String> created = lifecycle(base, "POST", "/v1/sandboxes",
				"{\"image\":{\"uri\":\"python:3.12\"},\"entrypoint\":[\"tail\",\"-f\",\"/dev/null\"],"
						+ "\"resourceLimits\":{\"cpu\":\"1\",\"memory\":\"512Mi\"},\"timeout\":600}");
		Map<?, ?> json = Fork.JSON.readValue(created.body(), Map.class);
		return (String) json.get("id");
	}

	private static void awaitRunning(String base, String id) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (System.nanoTime() < deadline) {
			Map<?, ?> json = Fork.JSON.readValue(lifecycle(base, "GET", "/v1/sandboxes/" + id, null).body(), Map.class);
			Map<?, ?> status = (Map<?, ?>) json.get("status");
			if ("Running".equals(status.get("state"))) {
				return;
			}
			if ("Failed".equals(status.get("state"))) {
				throw new IllegalStateException("Sandbox failed: " + status);
			}
			Thread.sleep(2);
		}
		throw new IllegalStateException("Sandbox " + id + " did not start");
	}

	private static void run(String base, String id, String command) throws Exception {
		http.send(HttpRequest.newBuilder(URI.create(base + "/" + id + "/44772/command"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"command\":\"" + command + "\"}"))
			.build(), HttpResponse.BodyHandlers.discarding());
	}

	private static void kill(String base, String id) throws Exception {
		lifecycle(base, "DELETE", "/v1/sandboxes/" + id, null);
	}

	private static HttpResponse<String> lifecycle(String base, String method, String path, String body)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
			.header("OPEN-SANDBOX-API-KEY", KEY)
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static Thread daemon(Runnable task) {
		Thread thread = new Thread(task, "embedded-benchmark");
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	private static long descendantsKiB(long pid) {
		return ProcessHandle.of(pid)
			.map((handle) -> handle.descendants().mapToLong((child) -> residentKiB(child.pid())).sum())
			.orElse(0L);
	}

	static long residentKiB(long pid) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("\\D", ""));
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// gone
		}
		return 0;
	}

}
