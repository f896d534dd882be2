package io.opensandbox.spring.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Runs the benchmark scenarios and writes the results as a Markdown table and as JSON.
 * Run everything with
 * {@code mvn -q -pl benchmarks -am install -DskipTests && cd benchmarks && mvn -q exec:java}:
 * that writes {@code benchmarks/results/latest.md} and {@code latest.json}. Select
 * scenarios with {@code -Dbenchmarks.scenarios=command,files} (ids: {@value #ALL}, and
 * {@value #EXTRA}, which only a selection runs); a selection writes
 * {@code target/benchmark-results/partial.md} and {@code partial.json} instead, so that
 * the published results always come from one full run. Other knobs, for investigating:
 * {@code -Dbenchmarks.files.mib=256} (file size),
 * {@code -Dbenchmarks.load.streams=200 -Dbenchmarks.load.seconds=9},
 * {@code -Dbenchmarks.startup.cold=3} (fresh-JVM pairs),
 * {@code -Dbenchmarks.fork.args=-XX:StartFlightRecording=filename=/tmp/child.jfr}
 * (options for the client JVMs of the files, load and startup scenarios).
 *
 * @author OpenSandbox Spring Boot
 */
public final class Benchmarks {

	static final String ALL = "shutdown,ready,pool,command,parser,lifecycle,files,load,startup,embedded";

	/** Scenarios that explain a result of another, run only when named. */
	static final String EXTRA = "lifecycle-layers";

	static final String COMMAND = "mvn -q -pl benchmarks -am install -DskipTests && cd benchmarks && mvn -q exec:java";

	private Benchmarks() {
	}

	public static void main(String[] args) throws Exception {
		String selection = System.getProperty("benchmarks.scenarios", "all").strip();
		Set<String> scenarios = new LinkedHashSet<>(List.of(("all".equals(selection) ? ALL : selection).split(",")));
		scenarios.removeIf(String::isBlank);
		Set<String> unknown = new LinkedHashSet<>(scenarios);
		unknown.removeAll(List.of(ALL.split(",")));
		unknown.removeAll(List.of(EXTRA.split(",")));
		if (!unknown.isEmpty()) {
			throw new IllegalArgumentException("Unknown scenarios " + unknown + "; known: " + ALL + "," + EXTRA);
		}
		long started = System.nanoTime();
		List<Row> rows = new ArrayList<>();
		for (String scenario : scenarios) {
			long scenarioStarted = System.nanoTime();
			System.out.println("== " + scenario);
			rows.addAll(run(scenario));
			System.out.printf(Locale.ROOT, "== %s took %.0f s%n", scenario,
					(System.nanoTime() - scenarioStarted) / 1e9);
		}
		boolean full = scenarios.equals(new LinkedHashSet<>(List.of(ALL.split(","))));
		Path results = full ? Path.of(System.getProperty("benchmarks.results", "results"))
				: Path.of("target", "benchmark-results");
		write(rows, results, full ? "latest" : "partial", (System.nanoTime() - started) / 1e9);
	}

	private static List<Row> run(String scenario) throws Exception {
		return switch (scenario) {
			case "shutdown" -> ShutdownBenchmark.run(1000, 50, 5);
			case "ready" -> {
				List<Row> rows = new ArrayList<>();
				for (long execdDelay : new long[] { 0, 200 }) {
					rows.addAll(CreateToReadyBenchmark.run(500, execdDelay, 3, 15));
					rows.addAll(CreateToReadyBenchmark.run(3000, execdDelay, 1, 5));
					rows.addAll(CreateToReadyBenchmark.run(15000, execdDelay, 0, 3));
				}
				yield rows;
			}
			case "pool" -> PoolBenchmark.run(Integer.getInteger("benchmarks.pool.rounds", 10));
			case "command" -> CommandOutputBenchmark.run(1_000_000, 2, 5);
			case "parser" -> ParserBenchmark.run(1_000_000, 2, 7);
			case "lifecycle" -> {
				List<Row> rows = new ArrayList<>(LifecycleGetBenchmark.run(1, 4_000, 20, 15));
				rows.addAll(LifecycleGetBenchmark.run(64, 20_000, 10, 5));
				yield rows;
			}
			case "lifecycle-layers" -> LifecycleLayersBenchmark.run(4_000, 10, 30);
			case "files" -> FilesBenchmark.run(Long.getLong("benchmarks.files.mib", 1024) * FilesBenchmark.MIB, 3, 5);
			case "load" -> LoadBenchmark.run(Integer.getInteger("benchmarks.load.streams", 1000),
					Integer.getInteger("benchmarks.load.seconds", 60));
			case "startup" -> StartupBenchmark.run(10, 40, Integer.getInteger("benchmarks.startup.cold", 10));
			case "embedded" -> EmbeddedServerBenchmark.run(300_000_000L, 200, 20);
			default -> throw new IllegalArgumentException(scenario);
		};
	}

	private static void write(List<Row> rows, Path directory, String name, double seconds) throws IOException {
		Map<String, Object> environment = environment();
		StringBuilder report = new StringBuilder();
		report.append("# Benchmark results\n\n");
		report.append("Date: ")
			.append(environment.get("date"))
			.append("; machine: ")
			.append(environment.get("cpu"))
			.append(", ")
			.append(environment.get("cores"))
			.append(" cores, ")
			.append(environment.get("memoryGiB"))
			.append(" GiB RAM; JDK: ")
			.append(environment.get("jdk"))
			.append("; OS: ")
			.append(environment.get("os"))
			.append("; run took ")
			.append(String.format(Locale.ROOT, "%.0f s", seconds))
			.append("\n\n");
		report.append("Command: `").append(COMMAND).append("`\n\n");
		report.append("| Scenario | Target | Result (median of rounds) | Spread | Met |\n|---|---|---|---|---|\n");
		rows.forEach((row) -> report.append(row.markdown()).append('\n'));
		Files.createDirectories(directory);
		Files.writeString(directory.resolve(name + ".md"), report);
		Map<String, Object> json = new LinkedHashMap<>(environment);
		json.put("command", COMMAND);
		json.put("seconds", Math.round(seconds));
		json.put("rows", rows);
		Fork.JSON.writeValue(directory.resolve(name + ".json").toFile(), json);
		System.out.println(report);
		System.out.println("Written to " + directory.toAbsolutePath().resolve(name + ".md") + " and .json");
	}

	private static Map<String, Object> environment() {
		Map<String, Object> environment = new LinkedHashMap<>();
		environment.put("date", LocalDate.now().toString());
		environment.put("jdk",
				System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.vendor") + ")");
		environment.put("cores", Runtime.getRuntime().availableProcessors());
		environment.put("cpu", cpu());
		environment.put("memoryGiB", memoryGiB());
		environment.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
				+ System.getProperty("os.arch"));
		return environment;
	}

	private static String cpu() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
				if (line.startsWith("model name")) {
					return line.substring(line.indexOf(':') + 1).strip();
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// not Linux
		}
		return System.getProperty("os.arch");
	}

	private static long memoryGiB() {
		if (java.lang.management.ManagementFactory
			.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
			return Math.round(os.getTotalMemorySize() / (1024.0 * 1024 * 1024));
		}
		return -1;
	}

}
