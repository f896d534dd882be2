package io.opensandbox.spring.benchmarks;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the client side of a scenario in a JVM of its own (a fixed heap, BlockHound, or a
 * clean heap to measure), with this JVM's class path; the child writes its rows as JSON
 * to a file named by its last argument.
 *
 * @author OpenSandbox Spring Boot
 */
final class Fork {

	static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private Fork() {
	}

	static List<Row> run(Class<?> main, List<String> jvmArgs, List<String> args, Duration timeout) throws Exception {
		Path output = Files.createTempFile("benchmark-rows", ".json");
		try {
			List<String> command = new ArrayList<>();
			command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
			command.addAll(jvmArgs);
			// For profiling a child, for example
			// -Dbenchmarks.fork.args=-XX:StartFlightRecording=filename=/tmp/child.jfr
			String extra = System.getProperty("benchmarks.fork.args", "").strip();
			if (!extra.isEmpty()) {
				command.addAll(List.of(extra.split("\\s+")));
			}
			command.add("-cp");
			command.add(classPath());
			command.add(main.getName());
			command.addAll(args);
			command.add(output.toString());
			Process process = new ProcessBuilder(command).inheritIO().start();
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				throw new IllegalStateException(main.getSimpleName() + " did not finish within " + timeout);
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException(main.getSimpleName() + " failed with exit code " + process.exitValue());
			}
			return JSON.readValue(output.toFile(), new TypeReference<List<Row>>() {
			});
		}
		finally {
			Files.deleteIfExists(output);
		}
	}

	static void write(List<Row> rows, String file) {
		JSON.writeValue(new File(file), rows);
	}

	/**
	 * This JVM's class path; under {@code mvn exec:java} the classes come from the
	 * plugin's class loader rather than {@code java.class.path}.
	 */
	static String classPath() throws URISyntaxException {
		if (Fork.class.getClassLoader() instanceof URLClassLoader loader && loader.getURLs().length > 0) {
			List<String> entries = new ArrayList<>();
			for (URL url : loader.getURLs()) {
				entries.add(Path.of(url.toURI()).toString());
			}
			return String.join(File.pathSeparator, entries);
		}
		return System.getProperty("java.class.path");
	}

}
