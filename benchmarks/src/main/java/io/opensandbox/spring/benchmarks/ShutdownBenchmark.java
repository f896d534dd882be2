package io.opensandbox.spring.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

import io.opensandbox.spring.core.OpenSandboxConnection;
import io.opensandbox.spring.core.ReactiveSandboxManager;
import io.opensandbox.spring.core.SandboxCleanup;
import io.opensandbox.spring.core.SandboxTracker;

/**
 * Shutdown: N tracked sandboxes against a loopback server that takes a fixed time per
 * kill; how long {@link SandboxCleanup#stop()} takes to kill them all, with the
 * connection pool and concurrency the auto-configuration uses by default.
 *
 * @author OpenSandbox Spring Boot
 */
final class ShutdownBenchmark {

	private ShutdownBenchmark() {
	}

	static List<Row> run(int sandboxes, int killMillis, int rounds) {
		AtomicInteger deletes = new AtomicInteger();
		DisposableServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes.delete("/v1/sandboxes/{id}", (request, response) -> {
				deletes.incrementAndGet();
				return Mono.delay(Duration.ofMillis(killMillis)).then(response.status(204).send());
			}))
			.bindNow();
		ConnectionProvider pool = ConnectionProvider.builder("benchmark")
			.maxConnections(500)
			.pendingAcquireMaxCount(-1)
			.build();
		try {
			WebClient.Builder builder = WebClient.builder()
				.clientConnector(new ReactorClientHttpConnector(HttpClient.create(pool)));
			ReactiveSandboxManager manager = ReactiveSandboxManager
				.create(OpenSandboxConnection.builder(builder).domain("127.0.0.1:" + server.port()).build());
			List<Long> timings = new ArrayList<>();
			for (int round = 0; round <= rounds; round++) {
				SandboxTracker tracker = new SandboxTracker();
				for (int i = 0; i < sandboxes; i++) {
					tracker.track(new SandboxTracker.TrackedSandbox("sb-" + round + "-" + i, null, Instant.now(), null,
							null, null));
				}
				SandboxCleanup cleanup = new SandboxCleanup(manager, tracker, null,
						new SandboxCleanup.Settings(true, Duration.ofSeconds(30), null, null, 64), Clock.systemUTC());
				long started = System.nanoTime();
				cleanup.destroy();
				long elapsed = Duration.ofNanos(System.nanoTime() - started).toMillis();
				if (tracker.size() != 0) {
					throw new IllegalStateException(tracker.size() + " sandboxes were not killed");
				}
				if (round > 0) {
					timings.add(elapsed);
				}
			}
			Stats stats = new Stats(timings.stream().map(Long::doubleValue).toList());
			boolean met = stats.median() <= 2000;
			return List.of(
					new Row("shutdown",
							"Shutdown: " + sandboxes + " tracked sandboxes killed by SandboxCleanup.stop(), "
									+ killMillis + " ms per kill (loopback server)",
							"<= 2000 ms", Stats.format(stats.median()) + " ms",
							Stats.format(stats.min()) + "-" + Stats.format(stats.max()) + " ms over " + stats.size()
									+ " rounds (" + deletes.get() + " kills, first round warm-up)",
							Row.met(met))
						.with("ms", stats)
						.with("sandboxes", sandboxes)
						.with("killMillis", killMillis));
		}
		finally {
			pool.dispose();
			server.disposeNow();
		}
	}

}
