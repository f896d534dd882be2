package io.opensandbox.spring.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.opensandbox.spring.core.ReactiveSandboxManager;
import io.opensandbox.spring.core.SandboxTemplate;

/**
 * Startup: how long a minimal application (whatever the benchmark class path
 * auto-configures: the WebClient starter, Jackson...) takes to start, with our
 * auto-configuration and with it excluded, in fresh contexts, alternating: many times in
 * one warm JVM, and once each in fresh JVMs. The domain points at a loopback server that
 * counts the connections it accepts: there must be none. (The official SDK has no Spring
 * integration to compare with.)
 *
 * @author OpenSandbox Spring Boot
 */
final class StartupBenchmark {

	static final String OUR_AUTO_CONFIGURATIONS = String.join(",",
			"io.opensandbox.spring.autoconfigure.OpenSandboxAutoConfiguration",
			"io.opensandbox.spring.autoconfigure.OpenSandboxSanitizingAutoConfiguration",
			"io.opensandbox.spring.autoconfigure.health.OpenSandboxHealthContributorAutoConfiguration",
			"io.opensandbox.spring.autoconfigure.actuate.SandboxesEndpointAutoConfiguration");

	private StartupBenchmark() {
	}

	static List<Row> run(int warmups, int pairs, int coldPairs) throws Exception {
		List<Row> rows = new ArrayList<>(Fork.run(StartupBenchmark.class, List.of(),
				List.of("warm", Integer.toString(warmups), Integer.toString(pairs)), Duration.ofMinutes(5)));
		// Cold: one start per fresh JVM, alternating which variant goes first
		List<Double> with = new ArrayList<>();
		List<Double> without = new ArrayList<>();
		List<Double> added = new ArrayList<>();
		long connections = 0;
		for (int i = 0; i < coldPairs; i++) {
			double withMs = 0;
			double withoutMs = 0;
			for (String variant : (i % 2 == 0) ? List.of("with", "without") : List.of("without", "with")) {
				Row cold = Fork.run(StartupBenchmark.class, List.of(), List.of("cold", variant), Duration.ofMinutes(2))
					.get(0);
				double ms = ((Number) cold.values().get("ms")).doubleValue();
				connections += ((Number) cold.values().get("connections")).longValue();
				if ("with".equals(variant)) {
					withMs = ms;
				}
				else {
					withoutMs = ms;
				}
			}
			with.add(withMs);
			without.add(withoutMs);
			added.add(withMs - withoutMs);
		}
		Stats withStats = new Stats(with);
		Stats withoutStats = new Stats(without);
		Stats addedStats = new Stats(added);
		rows.add(new Row("startup",
				"Startup, cold: first start of the same minimal application in a fresh JVM, with vs without our "
						+ "auto-configuration (class loading and JIT included)",
				"informational (the target is measured warm, above)",
				Stats.format(addedStats.median()) + " ms added per pair (with " + Stats.format(withStats.median())
						+ " ms, without " + Stats.format(withoutStats.median()) + " ms); " + connections
						+ " connections",
				coldPairs + " pairs of fresh JVMs, alternating which goes first; added "
						+ Stats.format(addedStats.min()) + " to " + Stats.format(addedStats.max()) + " ms; with "
						+ Stats.format(withStats.min()) + "-" + Stats.format(withStats.max()) + " ms, without "
						+ Stats.format(withoutStats.min()) + "-" + Stats.format(withoutStats.max())
						+ " ms; the application alone never builds a WebClient, "
						+ "ours builds its clients (WebClient, Reactor Netty connector) at startup",
				(connections == 0) ? "n/a" : "no")
			.with("addedMs", addedStats)
			.with("withMs", withStats)
			.with("withoutMs", withoutStats)
			.with("connections", connections));
		return rows;
	}

	/**
	 * A child JVM: {@code warm warmups pairs output} or {@code cold with|without output}.
	 */
	public static void main(String[] args) throws Exception {
		try (CountingServer server = new CountingServer()) {
			List<Row> rows = new ArrayList<>();
			if ("cold".equals(args[0])) {
				boolean with = "with".equals(args[1]);
				double ms = start(with, server.port());
				Thread.sleep(500);
				rows.add(new Row("startup", args[1], "", "", "", "").with("ms", ms)
					.with("connections", server.accepted.get()));
			}
			else {
				int warmups = Integer.parseInt(args[1]);
				int pairs = Integer.parseInt(args[2]);
				List<Double> with = new ArrayList<>();
				List<Double> without = new ArrayList<>();
				List<Double> added = new ArrayList<>();
				for (int i = 0; i < warmups + pairs; i++) {
					boolean withFirst = i % 2 == 0;
					double first = start(withFirst, server.port());
					double second = start(!withFirst, server.port());
					double withMs = withFirst ? first : second;
					double withoutMs = withFirst ? second : first;
					if (i >= warmups) {
						with.add(withMs);
						without.add(withoutMs);
						added.add(withMs - withoutMs);
					}
				}
				Thread.sleep(1000);
				int connections = server.accepted.get();
				Stats withStats = new Stats(with);
				Stats withoutStats = new Stats(without);
				Stats addedStats = new Stats(added);
				double difference = withStats.median() - withoutStats.median();
				boolean met = difference <= 50;
				rows.add(new Row("startup",
						"Startup, warm JVM: the same minimal application started in a fresh context, with vs without "
								+ "our auto-configuration (WebClient starter and Jackson on the class path)",
						"<= 50 ms added",
						Stats.format(difference) + " ms added (median with " + Stats.format(withStats.median())
								+ " ms - median without " + Stats.format(withoutStats.median()) + " ms)",
						pairs + " pairs after " + warmups + " warm-up pairs, alternating which goes first; per pair "
								+ Stats.format(addedStats.median()) + " ms added (" + Stats.format(addedStats.min())
								+ " to " + Stats.format(addedStats.max()) + "); with " + Stats.format(withStats.min())
								+ "-" + Stats.format(withStats.max()) + " ms, without "
								+ Stats.format(withoutStats.min()) + "-" + Stats.format(withoutStats.max()) + " ms"
								+ (met ? "" : "; target missed by " + Stats.format(difference - 50) + " ms"),
						Row.met(met))
					.with("addedMs", difference)
					.with("addedPerPairMs", addedStats)
					.with("withMs", withStats)
					.with("withoutMs", withoutStats));
				rows.add(new Row("startup",
						"Startup: network calls while starting (domain pointed at a loopback server that counts the "
								+ "connections it accepts)",
						"none", connections + " connections",
						(2 * (warmups + pairs))
								+ " starts, half of them with our auto-configuration; counted 1 s after " + "the last",
						Row.met(connections == 0))
					.with("connections", connections)
					.with("starts", 2 * (warmups + pairs)));
			}
			Fork.write(rows, args[args.length - 1]);
		}
	}

	/** Start the application, check which beans it has, stop it; the start time in ms. */
	private static double start(boolean with, int port) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("opensandbox.domain", "127.0.0.1:" + port);
		properties.put("opensandbox.api-key", "startup");
		properties.put("logging.level.root", "warn");
		if (!with) {
			properties.put("spring.autoconfigure.exclude", OUR_AUTO_CONFIGURATIONS);
		}
		long started = System.nanoTime();
		ConfigurableApplicationContext context = new SpringApplicationBuilder(Clients.App.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(properties)
			.run();
		double ms = (System.nanoTime() - started) / 1e6;
		try {
			boolean ours = context.getBeanNamesForType(ReactiveSandboxManager.class).length == 1
					&& context.getBeanNamesForType(SandboxTemplate.class).length == 1;
			if (ours != with) {
				throw new IllegalStateException("Our beans are " + (ours ? "present" : "missing") + " in the "
						+ (with ? "with" : "without") + " variant");
			}
		}
		finally {
			context.close();
		}
		return ms;
	}

	/**
	 * A loopback server that accepts connections, counts them and closes them.
	 */
	private static final class CountingServer implements AutoCloseable {

		final AtomicInteger accepted = new AtomicInteger();

		private final ServerSocket socket;

		CountingServer() throws IOException {
			this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			Thread thread = new Thread(() -> {
				while (!this.socket.isClosed()) {
					try (Socket connection = this.socket.accept()) {
						this.accepted.incrementAndGet();
					}
					catch (IOException ex) {
						// closed
					}
				}
			}, "counting-server");
			thread.setDaemon(true);
			thread.start();
		}

		int port() {
			return this.socket.getLocalPort();
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

}
