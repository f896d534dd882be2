package io.opensandbox.spring.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every benchmark scenario and writes {@code benchmarks/results/latest.md}. Run with
 * {@code mvn -q -pl benchmarks -am install -DskipTests && mvn -q -pl benchmarks exec:java}.
 *
 * @author OpenSandbox Spring Boot
 */
public final class Benchmarks {

	private Benchmarks() {
	}

	public static void main(String[] args) throws Exception {
		List<String> rows = new ArrayList<>();
		rows.add(ShutdownBenchmark.run(1000, 50, 5));
		rows.addAll(CreateToReadyBenchmark.run(500, 3, 15));
		rows.addAll(CommandOutputBenchmark.run(1_000_000, 1, 5));
		rows.addAll(LifecycleGetBenchmark.run(1, 2_000, 1, 5));
		rows.addAll(LifecycleGetBenchmark.run(64, 20_000, 1, 5));
		write(rows);
	}

	private static void write(List<String> rows) throws IOException {
		StringBuilder report = new StringBuilder();
		report.append("# Benchmark results\n\n");
		report.append("Date: ").append(LocalDate.now()).append("; JDK: ").append(System.getProperty("java.version"))
			.append("; cores: ").append(Runtime.getRuntime().availableProcessors()).append("; OS: ")
			.append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch")).append("\n\n");
		report.append("| Scenario | Target | Result (median of rounds) | Spread | Met |\n|---|---|---|---|---|\n");
		rows.forEach((row) -> report.append(row).append('\n'));
		Path results = Path.of(System.getProperty("benchmarks.results", "results"));
		Files.createDirectories(results);
		Files.writeString(results.resolve("latest.md"), report);
		System.out.println(report);
	}

}
