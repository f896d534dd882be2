package io.opensandbox.spring.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.alibaba.opensandbox.sandbox.Sandbox;

import io.opensandbox.spring.core.ReactiveSandbox;
import io.opensandbox.spring.core.ReactiveSandboxTemplate;
import io.opensandbox.spring.core.SandboxTemplateSettings;

/**
 * Create-to-ready: a loopback server that answers create at once ({@code Pending}),
 * reports the sandbox {@code Running} and answers {@code /ping} only a fixed delay after
 * creation. The client overhead is the create-to-ready time minus that delay. Our
 * {@link ReactiveSandboxTemplate} (default settings: polled at most every 50 ms) and the
 * official SDK's create-and-wait (its default 200 ms health-check interval) alternate in
 * the same run.
 *
 * @author OpenSandbox Spring Boot
 */
final class CreateToReadyBenchmark {

	private CreateToReadyBenchmark() {
	}

	static List<String> run(long readyDelayMillis, int warmups, int rounds) {
		try (FakeOpenSandbox server = new FakeOpenSandbox(readyDelayMillis, 0); Clients clients = new Clients(server)) {
			ReactiveSandboxTemplate template = new ReactiveSandboxTemplate(clients.lifecycle, clients.endpoints,
					SandboxTemplateSettings.of(Clients.spec()));
			List<Double> ours = new ArrayList<>();
			List<Double> sdk = new ArrayList<>();
			String sdkError = null;
			for (int round = 0; round < warmups + rounds; round++) {
				long started = System.nanoTime();
				ReactiveSandbox sandbox = template.create(Clients.spec()).block(Duration.ofSeconds(30));
				double overhead = (System.nanoTime() - started) / 1e6 - readyDelayMillis;
				sandbox.kill().block(Duration.ofSeconds(10));
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
						overhead = (System.nanoTime() - started) / 1e6 - readyDelayMillis;
						official.kill();
						official.close();
						if (round >= warmups) {
							sdk.add(overhead);
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
			String scenario = "Create-to-ready overhead (server ready " + readyDelayMillis + " ms after create)";
			List<String> rows = new ArrayList<>();
			rows.add("| " + scenario + ": ours (ReactiveSandboxTemplate, 50 ms max poll) | <= 15 ms median | "
					+ Stats.format(our.median()) + " ms | " + Stats.format(our.min()) + "-" + Stats.format(our.max())
					+ " ms over " + our.size() + " rounds (" + warmups + " warm-up rounds, alternating with the SDK)"
					+ (met ? "" : "; target missed by " + Stats.format(our.median() - 15) + " ms") + " | "
					+ (met ? "yes" : "no") + " |");
			if (sdkError != null) {
				rows.add("| " + scenario + ": official SDK 1.0.0 | reference | failed | " + sdkError.replace('|', '/')
						+ " | n/a |");
			}
			else {
				Stats theirs = new Stats(sdk);
				rows.add("| " + scenario + ": official SDK 1.0.0 (create-and-wait, 200 ms poll) | reference | "
						+ Stats.format(theirs.median()) + " ms | " + Stats.format(theirs.min()) + "-"
						+ Stats.format(theirs.max()) + " ms over " + theirs.size() + " rounds; SDK/ours median = "
						+ String.format(java.util.Locale.ROOT, "%.1fx", theirs.median() / Math.max(our.median(), 0.001))
						+ " | n/a |");
			}
			return rows;
		}
	}

}
