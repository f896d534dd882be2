package io.opensandbox.spring.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import com.alibaba.opensandbox.sandbox.Sandbox;

import io.opensandbox.spring.core.ReactiveSandbox;
import io.opensandbox.spring.core.ReactiveSandboxTemplate;
import io.opensandbox.spring.core.Readiness;

/**
 * Create-to-ready: a loopback server that answers create at once ({@code Pending}),
 * reports the sandbox {@code Running} a fixed delay after creation, and answers
 * {@code /ping} only an execd delay after that (a real container's daemon starts a moment
 * after the container). The client overhead is the create-to-ready time minus the moment
 * execd really answers. Our auto-configured {@link ReactiveSandboxTemplate} (default
 * settings, endpoints reached directly) and the official SDK's create-and-wait (its
 * default 200 ms health-check interval) alternate in the same run. The delay is drawn per
 * round from {@code [base, base + 100 ms)} (the same for both clients of a round), so
 * that no schedule meets it at a lucky phase every time. Also counted per create: the
 * lifecycle requests (create, state, endpoint) and the execd probes.
 *
 * @author OpenSandbox Spring Boot
 */
final class CreateToReadyBenchmark {

	private CreateToReadyBenchmark() {
	}

	static List<Row> run(long baseDelayMillis, long execdDelayMillis, int warmups, int rounds) {
		Random random = new Random(42);
		try (FakeOpenSandbox server = new FakeOpenSandbox(baseDelayMillis, 0); Clients clients = new Clients(server)) {
			server.execdDelay(execdDelayMillis);
			ReactiveSandboxTemplate template = clients.template;
			Readiness readiness = template.getSettings().readiness();
			Side ours = new Side();
			Side sdk = new Side();
			List<Double> ratios = new ArrayList<>();
			String sdkError = null;
			for (int round = 0; round < warmups + rounds; round++) {
				long delay = baseDelayMillis + random.nextInt(100);
				long answersAfter = delay + execdDelayMillis;
				server.readyDelay(delay);
				server.lifecycleRequests.set(0);
				server.pings.set(0);
				long started = System.nanoTime();
				ReactiveSandbox sandbox = template.create(Clients.spec()).block(Duration.ofSeconds(60));
				double ourOverhead = (System.nanoTime() - started) / 1e6 - answersAfter;
				int ourRequests = server.lifecycleRequests.get();
				int ourProbes = server.pings.get();
				sandbox.kill().block(Duration.ofSeconds(10));
				if (round >= warmups) {
					ours.add(ourOverhead, ourRequests, ourProbes, answersAfter);
				}
				if (sdkError == null) {
					try {
						server.lifecycleRequests.set(0);
						server.pings.set(0);
						started = System.nanoTime();
						Sandbox official = Sandbox.builder()
							.image("python:3.11")
							.entrypoint("tail", "-f", "/dev/null")
							.resource(Map.of("cpu", "1", "memory", "2Gi"))
							.timeout(Duration.ofMinutes(10))
							.readyTimeout(Duration.ofSeconds(60))
							.connectionConfig(Clients.sdkConfig(server))
							.build();
						double overhead = (System.nanoTime() - started) / 1e6 - answersAfter;
						int requests = server.lifecycleRequests.get();
						int probes = server.pings.get();
						official.kill();
						official.close();
						if (round >= warmups) {
							sdk.add(overhead, requests, probes, answersAfter);
							ratios.add(overhead / Math.max(ourOverhead, 0.1));
						}
					}
					catch (RuntimeException ex) {
						ex.printStackTrace();
						sdkError = ex.getClass().getSimpleName() + ": " + ex.getMessage();
					}
				}
			}
			Stats our = new Stats(ours.overheads);
			boolean fast = our.median() <= 15;
			boolean polite = ours.lifecycleRate() <= 5;
			String scenario = "Create-to-ready (Running " + baseDelayMillis + "-" + (baseDelayMillis + 99)
					+ " ms after create, execd answering " + execdDelayMillis + " ms after Running)";
			List<Row> rows = new ArrayList<>();
			rows.add(new Row("ready",
					scenario + ": ours (auto-configured ReactiveSandboxTemplate, default readiness: state every "
							+ "250 ms, then every " + readiness.pollInterval().toMillis() + " ms, execd probed every "
							+ readiness.probeInterval().toMillis() + " ms)",
					"<= 15 ms median overhead; <= 5 lifecycle requests/s while waiting",
					Stats.format(our.median()) + " ms; " + ours.describe(),
					Stats.format(our.min()) + "-" + Stats.format(our.max()) + " ms over " + our.size() + " rounds ("
							+ warmups + " warm-up rounds, alternating with the SDK)",
					Row.met(fast && polite))
				.with("ms", our)
				.with("lifecycleRequestsPerCreate", ours.medianRequests())
				.with("execdProbesPerCreate", ours.medianProbes())
				.with("lifecycleRequestsPerSecond", ours.lifecycleRate()));
			if (sdkError != null) {
				rows.add(new Row("ready", scenario + ": official SDK 1.0.0", "reference", "failed", sdkError, "n/a"));
			}
			else {
				Stats theirs = new Stats(sdk.overheads);
				Stats ratio = new Stats(ratios);
				rows.add(new Row("ready", scenario + ": official SDK 1.0.0 (create-and-wait, 200 ms ping)", "reference",
						Stats.format(theirs.median()) + " ms; " + sdk.describe(),
						Stats.format(theirs.min()) + "-" + Stats.format(theirs.max()) + " ms over " + theirs.size()
								+ " rounds; SDK/ours per pair: median "
								+ String.format(Locale.ROOT, "%.1fx (%.1fx-%.1fx)", ratio.median(), ratio.min(),
										ratio.max()),
						"n/a")
					.with("ms", theirs)
					.with("lifecycleRequestsPerCreate", sdk.medianRequests())
					.with("execdProbesPerCreate", sdk.medianProbes())
					.with("lifecycleRequestsPerSecond", sdk.lifecycleRate())
					.with("sdkOverOurs", ratio));
			}
			return rows;
		}
	}

	/**
	 * What one client did over the measured rounds.
	 */
	private static final class Side {

		final List<Double> overheads = new ArrayList<>();

		final List<Double> requests = new ArrayList<>();

		final List<Double> probes = new ArrayList<>();

		private long totalRequests;

		private long totalWaitMillis;

		void add(double overhead, int requests, int probes, long waitMillis) {
			this.overheads.add(overhead);
			this.requests.add((double) requests);
			this.probes.add((double) probes);
			this.totalRequests += requests;
			this.totalWaitMillis += waitMillis;
		}

		double medianRequests() {
			return new Stats(this.requests).median();
		}

		double medianProbes() {
			return new Stats(this.probes).median();
		}

		/**
		 * Lifecycle requests per second of waiting: state and endpoint requests, not the
		 * create request that starts the wait.
		 */
		double lifecycleRate() {
			long waiting = this.totalRequests - this.requests.size();
			return (this.totalWaitMillis > 0) ? waiting * 1000.0 / this.totalWaitMillis : 0;
		}

		String describe() {
			return String.format(Locale.ROOT,
					"%.0f lifecycle requests (create included; %.1f/s while waiting), %.0f execd probes per create",
					medianRequests(), lifecycleRate(), medianProbes());
		}

	}

}
