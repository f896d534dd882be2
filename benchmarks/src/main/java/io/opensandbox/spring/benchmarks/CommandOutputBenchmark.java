package io.opensandbox.spring.benchmarks;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import com.alibaba.opensandbox.sandbox.Sandbox;
import com.alibaba.opensandbox.sandbox.domain.models.execd.executions.ExecutionHandlers;
import com.alibaba.opensandbox.sandbox.domain.models.execd.executions.RunCommandRequest;

import io.opensandbox.spring.client.ExecdClient;
import io.opensandbox.spring.model.CommandOptions;
import io.opensandbox.spring.model.ExecutionEvent;

/**
 * Command output: a loopback execd answers {@code POST /command} with N bare-JSON stdout
 * events (pre-built chunks) then {@code execution_complete}. Events decoded per second by
 * {@link ExecdClient#runCommand} (counted, not collected) and by the official SDK's
 * command run with a streaming stdout handler, alternating in the same run; curl reading
 * the same bytes to /dev/null is the transfer limit.
 *
 * @author OpenSandbox Spring Boot
 */
final class CommandOutputBenchmark {

	private CommandOutputBenchmark() {
	}

	static List<Row> run(int events, int warmups, int rounds) throws Exception {
		try (FakeOpenSandbox server = new FakeOpenSandbox(0, events); Clients clients = new Clients(server)) {
			ExecdClient execd = clients.execd(server.address());
			Sandbox official = null;
			String sdkError = null;
			try {
				official = Sandbox.connector()
					.sandboxId(UUID.fromString(server.runningSandbox()))
					.connectionConfig(Clients.sdkConfig(server))
					.connect();
			}
			catch (RuntimeException ex) {
				ex.printStackTrace();
				sdkError = ex.getClass().getSimpleName() + ": " + ex.getMessage();
			}
			List<Double> ours = new ArrayList<>();
			List<Double> sdk = new ArrayList<>();
			List<Double> curl = new ArrayList<>();
			List<Double> ratios = new ArrayList<>();
			List<Double> ofCurl = new ArrayList<>();
			String curlError = null;
			for (int round = 0; round < warmups + rounds; round++) {
				boolean measured = round >= warmups;
				System.gc();
				long started = System.nanoTime();
				Long count = execd.runCommand("generate", CommandOptions.defaults())
					.filter((event) -> event.type() == ExecutionEvent.Type.STDOUT)
					.count()
					.block(Duration.ofMinutes(5));
				double ourRate = events / ((System.nanoTime() - started) / 1e9);
				check(count, events, "ours");
				if (measured) {
					ours.add(ourRate);
				}
				if (sdkError == null) {
					try {
						System.gc();
						LongAdder stdout = new LongAdder();
						started = System.nanoTime();
						official.commands()
							.run(RunCommandRequest.builder()
								.command("generate")
								.handlers(ExecutionHandlers.builder().onStdout((message) -> stdout.increment()).build())
								.build());
						double sdkRate = events / ((System.nanoTime() - started) / 1e9);
						check(stdout.sum(), events, "SDK");
						if (measured) {
							sdk.add(sdkRate);
							ratios.add(ourRate / sdkRate);
						}
					}
					catch (RuntimeException ex) {
						ex.printStackTrace();
						sdkError = ex.getClass().getSimpleName() + ": " + ex.getMessage();
					}
				}
				if (curlError == null) {
					try {
						started = System.nanoTime();
						Process process = new ProcessBuilder("curl", "-s", "-N", "-X", "POST", "-H",
								"Content-Type: application/json", "-d", "{\"command\":\"generate\"}", "-o", "/dev/null",
								"http://" + server.address() + "/command")
							.redirectErrorStream(true)
							.redirectOutput(new File("/dev/null"))
							.start();
						if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
							process.destroyForcibly();
							throw new IllegalStateException("curl failed");
						}
						double curlRate = events / ((System.nanoTime() - started) / 1e9);
						if (measured) {
							curl.add(curlRate);
							ofCurl.add(ourRate / curlRate);
						}
					}
					catch (Exception ex) {
						curlError = ex.getMessage();
					}
				}
			}
			if (official != null) {
				official.close();
			}
			Stats our = new Stats(ours);
			String scenario = "Command output: " + String.format(Locale.ROOT, "%,d", events) + " stdout events ("
					+ String.format(Locale.ROOT, "%.1f", server.commandBytes() / 1048576.0) + " MiB)";
			List<Row> rows = new ArrayList<>();
			String ourSpread = rate(our.min()) + "-" + rate(our.max()) + " events/s over " + our.size() + " rounds ("
					+ warmups + " warm-up, alternating with the SDK and curl)";
			String name = scenario + ": ours (auto-configured ExecdClient.runCommand, counted)";
			if (sdkError != null) {
				rows.add(new Row("command", name, ">= 2x the SDK", rate(our.median()) + " events/s",
						ourSpread + "; SDK comparison unavailable", "n/a")
					.with("eventsPerSecond", our));
				rows.add(new Row("command", scenario + ": official SDK 1.0.0", "reference", "failed", sdkError, "n/a"));
			}
			else {
				Stats theirs = new Stats(sdk);
				Stats ratio = new Stats(ratios);
				boolean met = ratio.median() >= 2;
				rows.add(new Row("command", name, ">= 2x the SDK",
						rate(our.median()) + " events/s; ours/SDK per pair: median " + times(ratio.median()),
						ourSpread + "; ours/SDK " + times(ratio.min()) + "-" + times(ratio.max())
								+ (met ? "" : "; target missed: " + times(ratio.median()) + " instead of 2x"),
						Row.met(met))
					.with("eventsPerSecond", our)
					.with("oursOverSdk", ratio));
				rows.add(
						new Row("command", scenario + ": official SDK 1.0.0 (commands().run, onStdout handler)",
								"reference", rate(theirs.median()) + " events/s", rate(theirs.min()) + "-"
										+ rate(theirs.max()) + " events/s over " + theirs.size() + " rounds",
								"n/a")
							.with("eventsPerSecond", theirs));
			}
			if (curlError == null) {
				Stats limit = new Stats(curl);
				Stats share = new Stats(ofCurl);
				rows.add(new Row("command",
						scenario + ": curl to /dev/null (same bytes, no decoding: the transfer limit)", "reference",
						rate(limit.median()) + " events/s; ours = "
								+ String.format(Locale.ROOT, "%.0f%%", 100 * share.median()) + " of curl per pair",
						rate(limit.min()) + "-" + rate(limit.max()) + " events/s over " + limit.size()
								+ " rounds (a process start included); ours/curl "
								+ String.format(Locale.ROOT, "%.0f%%-%.0f%%", 100 * share.min(), 100 * share.max()),
						"n/a")
					.with("eventsPerSecond", limit)
					.with("oursOverCurl", share));
			}
			else {
				rows.add(new Row("command", scenario + ": curl", "reference", "failed", curlError, "n/a"));
			}
			return rows;
		}
	}

	private static void check(Long count, int expected, String who) {
		if (count == null || count != expected) {
			throw new IllegalStateException(who + " decoded " + count + " stdout events instead of " + expected);
		}
	}

	private static String rate(double value) {
		return String.format(Locale.ROOT, "%,.0f", value);
	}

	private static String times(double value) {
		return String.format(Locale.ROOT, "%.2fx", value);
	}

}
