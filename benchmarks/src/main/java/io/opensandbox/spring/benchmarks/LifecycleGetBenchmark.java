package io.opensandbox.spring.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.alibaba.opensandbox.sandbox.Sandbox;
import com.alibaba.opensandbox.sandbox.config.ConnectionConfig;
import com.sun.management.ThreadMXBean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Lifecycle GET round trips against a loopback server, at concurrency 1 and 64: our
 * {@code ReactiveSandboxManager.get} (reactive, flatMap with that concurrency) and the
 * official SDK's {@code Sandbox.getInfo()} (blocking, that many threads, an OkHttp pool
 * of that many connections), alternating in the same run. Throughput is the median of
 * rounds; latency percentiles pool every measured call.
 *
 * @author OpenSandbox Spring Boot
 */
final class LifecycleGetBenchmark {

	private LifecycleGetBenchmark() {
	}

	static List<Row> run(int concurrency, int callsPerRound, int warmupSeconds, int rounds) throws Exception {
		try (FakeOpenSandbox server = new FakeOpenSandbox(0, 0); Clients clients = new Clients(server)) {
			String id = server.runningSandbox();
			List<Double> ourRates = new ArrayList<>();
			List<Double> ourLatencies = new ArrayList<>();
			List<Double> sdkRates = new ArrayList<>();
			List<Double> sdkLatencies = new ArrayList<>();
			List<Double> ratios = new ArrayList<>();
			List<Double> p99Ratios = new ArrayList<>();
			double ourP99 = 0;
			double ourRate = 0;
			int ourConnections = 0;
			int sdkConnections = 0;
			long ourAllocated = 0;
			long sdkAllocated = 0;
			String sdkError = null;
			Sandbox official = null;
			ExecutorService threads = Executors.newFixedThreadPool(concurrency);
			try {
				try {
					ConnectionConfig.Builder builder = ConnectionConfig.builder()
						.domain(server.address())
						.protocol("http")
						.apiKey("benchmark");
					// okhttp3 is a runtime-only dependency of the SDK: give it a pool
					// that keeps
					// as many idle connections as there are threads (its default keeps 5)
					Class<?> poolType = Class.forName("okhttp3.ConnectionPool");
					Object pool = poolType.getConstructor(int.class, long.class, TimeUnit.class)
						.newInstance(concurrency, 5L, TimeUnit.MINUTES);
					ConnectionConfig.Builder.class.getMethod("connectionPool", poolType).invoke(builder, pool);
					ConnectionConfig config = builder.build();
					official = Sandbox.connector().sandboxId(UUID.fromString(id)).connectionConfig(config).connect();
				}
				catch (ReflectiveOperationException | RuntimeException ex) {
					sdkError = ex.getClass().getSimpleName() + ": " + ex.getMessage();
				}
				// Warm up both clients (alternating rounds) for a while: the per-call
				// chains
				// are deep, and a few thousand calls leave them half compiled
				long warmupEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
				int warmups = -1;
				for (int round = 0; warmups < 0 || round < warmups + rounds; round++) {
					if (warmups < 0 && System.nanoTime() - warmupEnd >= 0) {
						warmups = round;
					}
					boolean measured = warmups >= 0 && round >= warmups;
					double[] latencies = new double[callsPerRound];
					int connectionsBefore = server.connections.get();
					long allocatedBefore = allocatedBytes();
					long started = System.nanoTime();
					Flux.range(0, callsPerRound).flatMap((i) -> Mono.defer(() -> {
						long callStarted = System.nanoTime();
						return clients.manager.get(id)
							.doOnNext((info) -> latencies[i] = (System.nanoTime() - callStarted) / 1e6);
					}), concurrency).then().block(Duration.ofMinutes(5));
					double seconds = (System.nanoTime() - started) / 1e9;
					ourRate = callsPerRound / seconds;
					ourP99 = percentile99(latencies);
					if (measured) {
						ourConnections += server.connections.get() - connectionsBefore;
						ourAllocated += allocatedBytes() - allocatedBefore;
						ourRates.add(callsPerRound / seconds);
						for (double latency : latencies) {
							ourLatencies.add(latency);
						}
					}
					if (sdkError == null) {
						Sandbox sandbox = official;
						double[] sdkLatency = new double[callsPerRound];
						List<Future<?>> futures = new ArrayList<>();
						connectionsBefore = server.connections.get();
						allocatedBefore = allocatedBytes();
						started = System.nanoTime();
						for (int t = 0; t < concurrency; t++) {
							int first = t;
							futures.add(threads.submit(() -> {
								for (int i = first; i < callsPerRound; i += concurrency) {
									long callStarted = System.nanoTime();
									sandbox.getInfo();
									sdkLatency[i] = (System.nanoTime() - callStarted) / 1e6;
								}
							}));
						}
						try {
							for (Future<?> future : futures) {
								future.get(5, TimeUnit.MINUTES);
							}
						}
						catch (Exception ex) {
							sdkError = ex.getClass().getSimpleName() + ": " + ex.getMessage();
							continue;
						}
						seconds = (System.nanoTime() - started) / 1e9;
						if (measured) {
							sdkConnections += server.connections.get() - connectionsBefore;
							sdkAllocated += allocatedBytes() - allocatedBefore;
							sdkRates.add(callsPerRound / seconds);
							ratios.add(ourRate / (callsPerRound / seconds));
							p99Ratios.add(ourP99 / percentile99(sdkLatency));
							for (double latency : sdkLatency) {
								sdkLatencies.add(latency);
							}
						}
					}
				}
			}
			finally {
				threads.shutdownNow();
				if (official != null) {
					official.close();
				}
			}
			String scenario = "Lifecycle GET sandbox, concurrency " + concurrency + ", "
					+ String.format(Locale.ROOT, "%,d", callsPerRound) + " calls per round";
			Stats ours = new Stats(ourRates);
			Stats ourLatency = new Stats(ourLatencies);
			List<Row> rows = new ArrayList<>();
			String ratio = "";
			String ratioSpread = "";
			if (sdkError == null) {
				Stats pairs = new Stats(ratios);
				ratio = "; ours/SDK per pair: median " + String.format(Locale.ROOT, "%.2fx", pairs.median())
						+ ", p99 ours/SDK per pair: median "
						+ String.format(Locale.ROOT, "%.2fx", new Stats(p99Ratios).median());
				ratioSpread = "; ours/SDK " + String.format(Locale.ROOT, "%.2fx-%.2fx", pairs.min(), pairs.max());
			}
			Row our = new Row("lifecycle", scenario + ": ours (auto-configured ReactiveSandboxManager.get)",
					"comparison",
					rate(ours.median()) + " calls/s" + ratio + "; p50 " + ms(ourLatency.percentile(50)) + ", p99 "
							+ ms(ourLatency.percentile(99)),
					rate(ours.min()) + "-" + rate(ours.max()) + " calls/s over " + ours.size() + " rounds ("
							+ warmupSeconds + " s of warm-up, alternating with the SDK)" + ratioSpread + "; "
							+ ourConnections + " connections opened while measured; "
							+ perCall(ourAllocated, ours.size() * (long) callsPerRound) + " allocated per call",
					"n/a")
				.with("callsPerSecond", ours)
				.with("p50Ms", ourLatency.percentile(50))
				.with("p99Ms", ourLatency.percentile(99))
				.with("concurrency", concurrency)
				.with("connectionsOpened", ourConnections)
				.with("allocatedBytesPerCall", ourAllocated / Math.max(1, ours.size() * (long) callsPerRound));
			if (sdkError == null) {
				our.with("oursOverSdk", new Stats(ratios));
				our.with("p99OursOverSdk", new Stats(p99Ratios));
			}
			rows.add(our);
			if (sdkError != null) {
				rows.add(new Row("lifecycle", scenario + ": official SDK 1.0.0", "reference", "failed", sdkError,
						"n/a"));
			}
			else {
				Stats theirs = new Stats(sdkRates);
				Stats theirLatency = new Stats(sdkLatencies);
				rows.add(new Row("lifecycle",
						scenario + ": official SDK 1.0.0 (Sandbox.getInfo, " + concurrency + " threads)", "reference",
						rate(theirs.median()) + " calls/s; p50 " + ms(theirLatency.percentile(50)) + ", p99 "
								+ ms(theirLatency.percentile(99)),
						rate(theirs.min()) + "-" + rate(theirs.max()) + " calls/s over " + theirs.size() + " rounds; "
								+ sdkConnections + " connections opened while measured; "
								+ perCall(sdkAllocated, theirs.size() * (long) callsPerRound) + " allocated per call",
						"n/a")
					.with("callsPerSecond", theirs)
					.with("p50Ms", theirLatency.percentile(50))
					.with("p99Ms", theirLatency.percentile(99))
					.with("concurrency", concurrency)
					.with("connectionsOpened", sdkConnections)
					.with("allocatedBytesPerCall", sdkAllocated / Math.max(1, theirs.size() * (long) callsPerRound)));
			}
			return rows;
		}
	}

	/*
	 * Bytes allocated so far by every live thread: the loopback server's share is the
	 * same for both clients, so the difference between them is the clients'.
	 */
	static long allocatedBytes() {
		ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
		long total = 0;
		for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
			total += Math.max(bytes, 0);
		}
		return total;
	}

	private static double percentile99(double[] latencies) {
		List<Double> values = new ArrayList<>(latencies.length);
		for (double latency : latencies) {
			values.add(latency);
		}
		return new Stats(values).percentile(99);
	}

	private static String perCall(long bytes, long calls) {
		return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0 / Math.max(calls, 1));
	}

	private static String rate(double value) {
		return String.format(Locale.ROOT, "%,.0f", value);
	}

	private static String ms(double value) {
		return String.format(Locale.ROOT, "%.2f ms", value);
	}

}
