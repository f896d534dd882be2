package io.opensandbox.spring.test.server.isolation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Helpers for tests that run commands in sandboxes and look at host processes.
 *
 * @author OpenSandbox Spring Boot
 */
final class SandboxTestSupport {

	private SandboxTestSupport() {
	}

	static Result run(IsolatedSandbox sandbox, String... command) throws Exception {
		return run(sandbox, null, Map.of(), command);
	}

	static Result run(IsolatedSandbox sandbox, @Nullable String workingDirectory, Map<String, String> env,
			String... command) throws Exception {
		return finish(sandbox.start(List.of(command), workingDirectory, env), null);
	}

	static Result finish(SandboxProcess process, @Nullable String stdin) throws Exception {
		CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process.stderr()));
		CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> read(process.stdout()));
		try (var input = process.stdin()) {
			if (stdin != null) {
				input.write(stdin.getBytes(StandardCharsets.UTF_8));
			}
		}
		int exitCode = process.onExit().get(30, TimeUnit.SECONDS);
		return new Result(exitCode, stdout.get(10, TimeUnit.SECONDS), stderr.get(10, TimeUnit.SECONDS));
	}

	/**
	 * Reads standard output up to a line, for commands that announce they are ready.
	 */
	static String awaitLine(SandboxProcess process, String expected) throws IOException {
		BufferedReader reader = new BufferedReader(new InputStreamReader(process.stdout(), StandardCharsets.UTF_8));
		String line;
		while ((line = reader.readLine()) != null) {
			if (line.equals(expected)) {
				return line;
			}
		}
		throw new IOException("Output ended before '" + expected + "'");
	}

	private static String read(InputStream stream) {
		try (stream) {
			return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

	/**
	 * Host {@code sleep} processes with a given argument, found the way an operator would
	 * (so independently of the code under test). Tests use unusual durations as markers.
	 */
	static List<Long> hostSleeps(String argument) {
		List<Long> pids = new ArrayList<>();
		String[] names = Path.of("/proc").toFile().list();
		if (names == null) {
			return pids;
		}
		for (String name : names) {
			if (!name.chars().allMatch(Character::isDigit)) {
				continue;
			}
			try {
				byte[] cmdline = Files.readAllBytes(Path.of("/proc", name, "cmdline"));
				List<String> args = List.of(new String(cmdline, StandardCharsets.UTF_8).split("\0"));
				if (!args.isEmpty() && (args.get(0).equals("sleep") || args.get(0).endsWith("/sleep"))
						&& args.contains(argument) && !isZombie(name)) {
					pids.add(Long.parseLong(name));
				}
			}
			catch (IOException ex) {
				// Gone meanwhile.
			}
		}
		return pids;
	}

	private static boolean isZombie(String pid) {
		try {
			String stat = Files.readString(Path.of("/proc", pid, "stat"), StandardCharsets.ISO_8859_1);
			char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
			return state == 'Z' || state == 'X';
		}
		catch (IOException | RuntimeException ex) {
			return true;
		}
	}

	static boolean isAlive(long pid) {
		return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !isZombie(Long.toString(pid));
	}

	static void eventually(Duration timeout, BooleanSupplier condition, String description) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				assertThat(condition.getAsBoolean()).as(description).isTrue();
				return;
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

	static long readCounter(Path file) {
		try {
			String text = Files.readString(file).strip();
			return text.isEmpty() ? -1 : Long.parseLong(text);
		}
		catch (IOException | NumberFormatException ex) {
			return -1;
		}
	}

	/**
	 * What a finished command printed and returned.
	 *
	 * @param exitCode the exit code
	 * @param stdout standard output
	 * @param stderr standard error
	 */
	record Result(int exitCode, String stdout, String stderr) {

		String out() {
			return this.stdout.strip();
		}

	}

}
