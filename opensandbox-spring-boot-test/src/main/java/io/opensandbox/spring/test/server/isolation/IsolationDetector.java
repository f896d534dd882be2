package io.opensandbox.spring.test.server.isolation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;

import org.jspecify.annotations.Nullable;

/**
 * Chooses and checks isolation backends. A backend counts as working only when a real
 * probe sandbox starts and runs a command in it: the presence of a program says little
 * about whether the kernel lets it create namespaces here. Probe results are cached per
 * backend and base directory.
 *
 * @author OpenSandbox Spring Boot
 */
final class IsolationDetector {

	private static final long PROBE_TIMEOUT_SECONDS = 30;

	private static final Map<String, Probe> probes = new ConcurrentHashMap<>();

	private IsolationDetector() {
	}

	static SandboxIsolation detect(Path baseDirectory, boolean allowUnisolated) {
		return detect(baseDirectory, allowUnisolated, Tools.host());
	}

	static SandboxIsolation detect(Path baseDirectory, boolean allowUnisolated, Tools tools) {
		List<String> failures = new ArrayList<>();
		for (String backend : List.of("bubblewrap", "unshare")) {
			try {
				return checked(backend, baseDirectory, tools);
			}
			catch (IsolationUnavailableException ex) {
				failures.add(backend + ": " + ex.getMessage());
			}
		}
		if (allowUnisolated) {
			return unisolated(baseDirectory, tools);
		}
		StringBuilder message = new StringBuilder(
				"No sandbox isolation works on this machine, so commands are refused. Tried:");
		for (String failure : failures) {
			message.append("\n - ").append(failure);
		}
		message.append("\nInstall bubblewrap (apt-get install bubblewrap) or make unprivileged user namespaces"
				+ " available, or, if running commands as plain host processes without any isolation is"
				+ " acceptable, allow it explicitly with allowUnisolated(true) (--allow-unisolated).");
		throw new IsolationUnavailableException(message.toString());
	}

	static SandboxIsolation unshare(Path baseDirectory) {
		return checked("unshare", baseDirectory, Tools.host());
	}

	static SandboxIsolation bubblewrap(Path baseDirectory) {
		return checked("bubblewrap", baseDirectory, Tools.host());
	}

	static SandboxIsolation unisolated(Path baseDirectory) {
		return unisolated(baseDirectory, Tools.host());
	}

	private static SandboxIsolation unisolated(Path baseDirectory, Tools tools) {
		return new UnisolatedIsolation(baseDirectory, HostLayout.detect(), tools);
	}

	private static SandboxIsolation checked(String backend, Path baseDirectory, Tools tools) {
		BiFunction<Path, Tools, SandboxIsolation> factory = switch (backend) {
			case "bubblewrap" -> (base, found) -> new BubblewrapIsolation(base, HostLayout.detect(), found);
			case "unshare" -> (base, found) -> new UnshareIsolation(base, HostLayout.detect(), found);
			default -> throw new IllegalArgumentException(backend);
		};
		SandboxIsolation isolation;
		try {
			isolation = factory.apply(baseDirectory, tools);
		}
		catch (IsolationUnavailableException ex) {
			// A missing program is not cached: it may be installed later.
			throw new IsolationUnavailableException(String.valueOf(ex.getMessage()), ex);
		}
		String key = backend + ":" + baseDirectory.toAbsolutePath().normalize();
		Probe probe = probes.computeIfAbsent(key, (k) -> probe(isolation));
		if (probe.failure() != null) {
			throw new IsolationUnavailableException(probe.failure());
		}
		return isolation;
	}

	/*
	 * Creates a sandbox and runs a command in it that checks it is really in its own
	 * root.
	 */
	private static Probe probe(SandboxIsolation isolation) {
		String id = "probe-" + UUID.randomUUID();
		IsolatedSandbox sandbox;
		try {
			sandbox = isolation.create(id, new IsolationOptions(false, Map.of()));
		}
		catch (IOException | RuntimeException ex) {
			return new Probe(String.valueOf(ex.getMessage()));
		}
		try {
			SandboxProcess process = sandbox.start(List.of("/bin/sh", "-c", "test -d /workspace && test -d /proc/self"),
					"/", Map.of());
			process.stdin().close();
			// A thread of its own: the common pool may have a single, busy worker.
			CompletableFuture<String> stderr = new CompletableFuture<>();
			Thread reader = new Thread(() -> stderr.complete(readQuietly(process.stderr())), "opensandbox-probe");
			reader.setDaemon(true);
			reader.start();
			readQuietly(process.stdout());
			int exit = process.onExit().get(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
			if (exit != 0) {
				return new Probe("a probe command failed in the sandbox (exit code " + exit + ")"
						+ describe(stderr.completeOnTimeout("", 5, TimeUnit.SECONDS).join()));
			}
			return new Probe(null);
		}
		catch (IOException | RuntimeException | ExecutionException | TimeoutException ex) {
			return new Probe("a probe command could not run in the sandbox: " + ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new Probe("interrupted while probing");
		}
		finally {
			sandbox.close();
		}
	}

	private static String describe(String stderr) {
		return stderr.isBlank() ? "" : ": " + stderr.strip();
	}

	private static String readQuietly(InputStream stream) {
		try (stream) {
			return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

	/**
	 * The outcome of a probe.
	 *
	 * @param failure why the backend does not work, or {@code null} if it does
	 */
	private record Probe(@Nullable String failure) {

	}

}
