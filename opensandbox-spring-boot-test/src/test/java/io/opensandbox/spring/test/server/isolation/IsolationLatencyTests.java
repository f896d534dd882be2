package io.opensandbox.spring.test.server.isolation;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How long creating a sandbox and starting a command take, printed for the record. The
 * server creates many sandboxes, so both must stay far below a second; the bounds here
 * only catch gross regressions, the printed numbers are what to watch.
 *
 * @author OpenSandbox Spring Boot
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IsolationLatencyTests {

	private static final int ROUNDS = 15;

	@TempDir
	Path base;

	@ParameterizedTest
	@ValueSource(strings = { "unshare", "bubblewrap", "none" })
	void createAndStartAreFast(String backend) throws Exception {
		Function<Path, SandboxIsolation> factory = switch (backend) {
			case "unshare" -> SandboxIsolation::unshare;
			case "bubblewrap" -> SandboxIsolation::bubblewrap;
			default -> SandboxIsolation::unisolated;
		};
		SandboxIsolation isolation = Backends.available(backend, () -> factory.apply(this.base));
		// Warm up class loading and the kernel's caches.
		isolation.create("warm-up", new IsolationOptions(false, Map.of())).close();
		List<Long> creates = new ArrayList<>();
		List<Long> starts = new ArrayList<>();
		List<Long> runs = new ArrayList<>();
		List<Long> closes = new ArrayList<>();
		for (int i = 0; i < ROUNDS; i++) {
			long t0 = System.nanoTime();
			IsolatedSandbox sandbox = isolation.create("latency-" + i, new IsolationOptions(false, Map.of()));
			long t1 = System.nanoTime();
			SandboxProcess process = sandbox.start(List.of("true"), null, Map.of());
			long t2 = System.nanoTime();
			process.stdin().close();
			assertThat(process.onExit().get(10, TimeUnit.SECONDS)).isZero();
			long t3 = System.nanoTime();
			sandbox.close();
			long t4 = System.nanoTime();
			creates.add(t1 - t0);
			starts.add(t2 - t1);
			runs.add(t3 - t1);
			closes.add(t4 - t3);
		}
		System.out.printf("%s: create %s, start %s, start-to-exit of true %s, close %s%n", backend, describe(creates),
				describe(starts), describe(runs), describe(closes));
		assertThat(median(creates)).isLessThan(TimeUnit.SECONDS.toNanos(1));
		assertThat(median(starts)).isLessThan(TimeUnit.SECONDS.toNanos(1));
	}

	private static String describe(List<Long> nanos) {
		List<Long> sorted = new ArrayList<>(nanos);
		Collections.sort(sorted);
		return String.format("median %.1f ms / max %.1f ms", median(nanos) / 1e6, sorted.get(sorted.size() - 1) / 1e6);
	}

	private static long median(List<Long> nanos) {
		List<Long> sorted = new ArrayList<>(nanos);
		Collections.sort(sorted);
		return sorted.get(sorted.size() / 2);
	}

}
