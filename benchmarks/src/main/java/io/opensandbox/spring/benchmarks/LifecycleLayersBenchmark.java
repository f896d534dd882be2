package io.opensandbox.spring.benchmarks;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import com.alibaba.opensandbox.sandbox.Sandbox;
import com.sun.management.OperatingSystemMXBean;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import io.opensandbox.spring.client.LifecycleClient;
import io.opensandbox.spring.client.LifecycleGetLayers;

/**
 * Where a lifecycle GET's time goes at concurrency 1: the same call, one after the other
 * on one connection, made by Reactor Netty alone, by a WebClient without filters, by our
 * auto-configured {@code ReactiveSandboxManager.get} and by the official SDK, in
 * alternating rounds of the same run. Reports, per call, the median over rounds of the
 * wall time, the CPU time of the whole process (the loopback server's share is the same
 * for all) and the bytes allocated.
 *
 * @author OpenSandbox Spring Boot
 */
final class LifecycleLayersBenchmark {

	private LifecycleLayersBenchmark() {
	}

	static List<Row> run(int callsPerRound, int warmupRounds, int rounds) throws Exception {
		ConnectionProvider connections = ConnectionProvider.create("layers", 1);
		try (FakeOpenSandbox server = new FakeOpenSandbox(0, 0); Clients clients = new Clients(server)) {
			String id = server.runningSandbox();
			String url = "http://" + server.address() + "/v1/sandboxes/" + id;
			HttpClient reactorNetty = HttpClient.create(connections)
				.headers((headers) -> headers.set(LifecycleClient.API_KEY_HEADER, "benchmark"));
			WebClient webClient = LifecycleGetLayers
				.webClient(WebClient.builder().clientConnector(new ReactorClientHttpConnector(reactorNetty)));
			Sandbox official = Sandbox.connector()
				.sandboxId(UUID.fromString(id))
				.connectionConfig(Clients.sdkConfig(server))
				.connect();
			try {
				Map<String, Supplier<Mono<?>>> layers = new LinkedHashMap<>();
				layers.put("Reactor Netty alone", () -> LifecycleGetLayers.reactorNetty(reactorNetty, url));
				layers.put("WebClient without filters", () -> LifecycleGetLayers.webClient(webClient, URI.create(url)));
				layers.put("ours (auto-configured ReactiveSandboxManager.get)", () -> clients.manager.get(id));
				layers.put("official SDK 1.0.0 (Sandbox.getInfo)", () -> Mono.fromRunnable(official::getInfo));
				Map<String, List<double[]>> measured = new LinkedHashMap<>();
				for (int round = 0; round < warmupRounds + rounds; round++) {
					for (Map.Entry<String, Supplier<Mono<?>>> layer : layers.entrySet()) {
						double[] perCall = round(layer.getValue(), callsPerRound);
						if (round >= warmupRounds) {
							measured.computeIfAbsent(layer.getKey(), (key) -> new ArrayList<>()).add(perCall);
						}
					}
				}
				return rows(measured, callsPerRound, warmupRounds);
			}
			finally {
				official.close();
			}
		}
		finally {
			connections.dispose();
		}
	}

	/*
	 * Calls one after the other, each subscribed when the one before ends (for the SDK,
	 * on this thread, as a blocking caller makes them).
	 */
	private static double[] round(Supplier<Mono<?>> call, int calls) {
		long allocated = LifecycleGetBenchmark.allocatedBytes();
		long cpu = processCpuNanos();
		long started = System.nanoTime();
		Flux.range(0, calls).concatMap((i) -> call.get()).then().block();
		long wall = System.nanoTime() - started;
		return new double[] { wall / 1e3 / calls, (processCpuNanos() - cpu) / 1e3 / calls,
				(LifecycleGetBenchmark.allocatedBytes() - allocated) / 1024.0 / calls };
	}

	private static List<Row> rows(Map<String, List<double[]>> measured, int calls, int warmupRounds) {
		List<Row> rows = new ArrayList<>();
		List<double[]> sdk = measured.get("official SDK 1.0.0 (Sandbox.getInfo)");
		for (Map.Entry<String, List<double[]>> layer : measured.entrySet()) {
			Stats wall = stats(layer.getValue(), 0);
			Stats cpu = stats(layer.getValue(), 1);
			Stats allocated = stats(layer.getValue(), 2);
			List<Double> overSdk = new ArrayList<>();
			for (int i = 0; i < layer.getValue().size(); i++) {
				overSdk.add(sdk.get(i)[0] / layer.getValue().get(i)[0]);
			}
			Stats speedUp = new Stats(overSdk);
			rows.add(new Row("lifecycle-layers", "Lifecycle GET sandbox, one call after another, " + String
				.format(Locale.ROOT, "%,d", calls) + " calls per round: " + layer.getKey(), "reference", String.format(
						Locale.ROOT,
						"%.1f us per call (throughput %.2fx the SDK's, median per round); CPU %.1f us, %.1f KiB allocated per call",
						wall.median(), speedUp.median(), cpu.median(), allocated.median()),
					String.format(Locale.ROOT, "%.1f-%.1f us over %d rounds after %d of warm-up; %.2fx-%.2fx the SDK's",
							wall.min(), wall.max(), wall.size(), warmupRounds, speedUp.min(), speedUp.max()),
					"n/a")
				.with("wallMicrosPerCall", wall)
				.with("cpuMicrosPerCall", cpu)
				.with("allocatedKiBPerCall", allocated)
				.with("throughputOverSdk", speedUp));
		}
		return rows;
	}

	private static Stats stats(List<double[]> rounds, int column) {
		List<Double> values = new ArrayList<>();
		for (double[] round : rounds) {
			values.add(round[column]);
		}
		return new Stats(values);
	}

	private static long processCpuNanos() {
		return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
	}

}
