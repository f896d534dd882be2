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
import io.opensandbox.spring.core.SandboxTemplateSettings;

/**
 * Create-to-ready: a loopback server that answers create at once ({@code Pending}),
 * reports the sandbox {@code Running} and answers {@code /ping} only a fixed delay after
 * creation. The client overhead is the create-to-ready time minus that delay. Our
 * auto-configured {@link ReactiveSandboxTemplate} (default settings) and the official
 * SDK's create-and-wait (its default 200 ms health-check interval) alternate in the same
 * run. The delay is drawn per round from {@code [base, base + 100 ms)} (the same for both
 * clients of a round), so that no poll schedule meets it at a lucky phase every time.
 *
 * @author OpenSandbox Spring Boot
 */
final class CreateToReadyBenchmark {

	private CreateToReadyBenchmark() {
	}

	static List<Row> run(long baseDelayMillis, int warmups, int rounds) {
		Random random = new Random(42);
		try (FakeOpenSandbox server = new FakeOpenSandbox(baseDelayMillis, 0); Clients clients = new Clients(server)) {
			ReactiveSandboxTemplate template = clients.template;
			SandboxTemplateSettings settings = template.getSettings();
			List<Double> ours = new ArrayList<>();
			List<Double> sdk = new ArrayList<>();
			List<Double> ratios = new ArrayList<>();
			String sdkError = null;
			for (int round = 0; round < warmups + rounds; round++) {
				long delay = baseDelayMillis + random.nextInt(100);
				server.readyDelay(delay);
				long started = System.nanoTime();
				ReactiveSandbox sandbox = template.create(Clients.spec()).block(Duration.ofSeconds(30));
				double overhead = (System.nanoTime() - started) / 1e6 - delay;
				sandbox.kill().block(Duration.ofSeconds(10));
				double ourOverhead = overhead;
				if (round >= warmups) {
					ours.add(overhead);
				}
				if (sdkError == null) {
					try {
						started = System.nanoTime();
						Sandbox official = Sandbox.builder()
							.image("python:3.11")
							.entrypoint("tail", "-f", "/dev/null")
							.resource(Map.of("cpu", "1", "memory", "2Gi"))
							.timeout(Duration.ofMinutes(10))
							.readyTimeout(Duration.ofSeconds(30))
							.connectionConfig(Clients.sdkConfig(server))
							.build();
						overhead = (System.nanoTime() - started) / 1e6 - delay;
						official.kill();
						official.close();
						if (round >= warmups) {
							sdk.add(overhead);
							ratios.add(overhead / Math.max(ourOverhead, 0.1));
						}
					}
					catch (RuntimeException ex) {
						ex.printStackTrace();
						sdkError = ex.getClass().getSimpleName() + ": " + ex.getMessage();
					}
				}
			}
			Stats our = new Stats(ours);
			boolean met = our.median() <= 15;
			String scenario = "Create-to-ready overhead (server ready " + baseDelayMillis + "-" + (baseDelayMillis + 99)
					+ " ms after create)";
			List<Row> rows = new ArrayList<>();
			rows.add(new Row("ready",
					scenario + ": ours (auto-configured ReactiveSandboxTemplate, default settings: polls from "
							+ "5 ms, doubling up to " + settings.readyPollInterval().toMillis() + " ms)",
					"<= 15 ms median", Stats.format(our.median()) + " ms",
					Stats.format(our.min()) + "-" + Stats.format(our.max()) + " ms over " + our.size() + " rounds ("
							+ warmups + " warm-up rounds, alternating with the SDK)"
							+ (met ? "" : "; target missed by " + Stats.format(our.median() - 15) + " ms"),
					Row.met(met))
				.with("ms", our)
				.with("pollIntervalMs", settings.readyPollInterval().toMillis()));
			if (sdkError != null) {
				rows.add(new Row("ready", scenario + ": official SDK 1.0.0", "reference", "failed", sdkError, "n/a"));
			}
			else {
				Stats theirs = new Stats(sdk);
				Stats ratio = new Stats(ratios);
				rows.add(new Row("ready", scenario + ": official SDK 1.0.0 (create-and-wait, 200 ms poll)", "reference",
						Stats.format(theirs.median()) + " ms",
						Stats.format(theirs.min()) + "-" + Stats.format(theirs.max()) + " ms over " + theirs.size()
								+ " rounds; SDK/ours per pair: median " + String.format(Locale.ROOT,
										"%.1fx (%.1fx-%.1fx)", ratio.median(), ratio.min(), ratio.max()),
						"n/a")
					.with("ms", theirs)
					.with("sdkOverOurs", ratio));
			}
			return rows;
		}
	}

}
