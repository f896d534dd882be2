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
import io.opensandbox.spring.model.SandboxEndpoint;

/**
 * Command output: a loopback execd answers {@code POST /command} with N bare-JSON stdout
 * events (pre-built chunks) then {@code execution_complete}. Events decoded per second
 * by {@link ExecdClient#runCommand} (counted, not collected) and by the official SDK's
 * command run with a streaming stdout handler, alternating in the same run; curl
 * reading the same bytes to /dev/null is the transfer limit.
 *
 * @author OpenSandbox Spring Boot
 */
final class CommandOutputBenchmark {

	private CommandOutputBenchmark() {
	}

	static List<String> run(int events, int warmups, int rounds) throws Exception {
		try (FakeOpenSandbox server = new FakeOpenSandbox(0, events); Clients clients = new Clients(server)) {
			ExecdClient execd = new ExecdClient(clients.builder, new SandboxEndpoint(server.address(), java.util.Map.of()),
					"http", null, java.util.Map.of(), Duration.ofSeconds(60));
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
			String curlError = null;
			for (int round = 0; round < warmups + rounds; round++) {
				long started = System.nanoTime();
				Long count = execd.runCommand("generate", CommandOptions.defaults())
					.filter((event) -> event.type() == ExecutionEvent.Type.STDOUT)
					.count()
					.block(Duration.ofMinutes(5));
				double seconds = (System.nanoTime() - started) / 1e9;
				check(count, events, "ours");
				if (round >= warmups) {
					ours.add(events / seconds);
				}
				if (sdkError == null) {
					try {
						LongAdder stdout = new LongAdder();
						started = System.nanoTime();
						official.commands()
							.run(RunCommandRequest.builder()
								.command("generate")
								.handlers(ExecutionHandlers.builder().onStdout((message) -> stdout.increment()).build())
								.build());
						seconds = (System.nanoTime() - started) / 1e9;
						check(stdout.sum(), events, "SDK");
						if (round >= warmups) {
							sdk.add(events / seconds);
						}
					}
					catch (RuntimeException ex) {
						ex.printStackTrace();
						sdkError = ex.getClass().getSimpleName() + ": " + ex.getMessage();
					}
					System.gc();
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
						seconds = (System.nanoTime() - started) / 1e9;
						if (round >= warmups) {
							curl.add(events / seconds);
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
			List<String> rows = new ArrayList<>();
			String ourSpread = rate(our.min()) + "-" + rate(our.max()) + " events/s over " + our.size() + " rounds ("
					+ warmups + " warm-up, alternating with the SDK and curl)";
			if (sdkError != null) {
				rows.add("| " + scenario + ": ours (ExecdClient.runCommand, counted) | >= 2x the SDK | "
						+ rate(our.median()) + " events/s | " + ourSpread + "; SDK comparison unavailable | n/a |");
				rows.add("| " + scenario + ": official SDK 1.0.0 | reference | failed | " + sdkError.replace('|', '/')
						+ " | n/a |");
			}
			else {
				Stats theirs = new Stats(sdk);
				double ratio = our.median() / theirs.median();
				boolean met = ratio >= 2;
				rows.add("| " + scenario + ": ours (ExecdClient.runCommand, counted) | >= 2x the SDK | "
						+ rate(our.median()) + " events/s = " + String.format(Locale.ROOT, "%.2fx", ratio) + " the SDK | "
						+ ourSpread + (met ? "" : "; target missed: " + String.format(Locale.ROOT, "%.2fx", ratio)
								+ " instead of 2x") + " | " + (met ? "yes" : "no") + " |");
				rows.add("| " + scenario + ": official SDK 1.0.0 (commands().run, onStdout handler) | reference | "
						+ rate(theirs.median()) + " events/s | " + rate(theirs.min()) + "-" + rate(theirs.max())
						+ " events/s over " + theirs.size() + " rounds | n/a |");
			}
			if (curlError == null) {
				Stats limit = new Stats(curl);
				rows.add("| " + scenario + ": curl to /dev/null (transfer limit, no decoding) | reference | "
						+ rate(limit.median()) + " events/s | " + rate(limit.min()) + "-" + rate(limit.max())
						+ " events/s over " + limit.size() + " rounds; ours = "
						+ String.format(Locale.ROOT, "%.0f%%", 100 * our.median() / limit.median()) + " of curl | n/a |");
			}
			else {
				rows.add("| " + scenario + ": curl | reference | failed | " + curlError + " | n/a |");
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

}
