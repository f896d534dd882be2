package io.opensandbox.spring.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.alibaba.opensandbox.sandbox.Sandbox;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.core.ReactiveSandbox;
import io.opensandbox.spring.core.ReactiveSandboxPool;

/**
 * Warm pools against a loopback server whose sandboxes are {@code Running} 500-599 ms
 * after create and answer on execd 200 ms later (each sandbox its own execd): the latency
 * of an acquire that finds an idle sandbox (claim, ping, hand-out), in one process and
 * through a real {@code redis-server}, next to create-to-ready without a pool (ours and
 * the official SDK's); how fast a pool refills; and acquires of three instances
 * contending for one shared pool through Redis. Also counted: what a hit costs the
 * servers (lifecycle requests, execd pings, Redis scripts).
 *
 * @author OpenSandbox Spring Boot
 */
final class PoolBenchmark {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private PoolBenchmark() {
	}

	static List<Row> run(int hitRounds) throws Exception {
		List<Row> rows = new ArrayList<>();
		try (FakeOpenSandbox server = new FakeOpenSandbox(500, 0); Clients clients = new Clients(server)) {
			server.perSandboxExecd();
			server.execdDelay(200);
			rows.add(createToReady(server, clients));
			ReactiveSandboxPool local = pool(clients, "local", null, 8, 4);
			rows.add(hits("one process (memory store)", "<= 2 ms median", 2, server, local, hitRounds));
			rows.add(refill(server, local));
			local.close();
			Path redisServer = Path.of("/usr/bin/redis-server");
			if (!Files.isExecutable(redisServer)) {
				rows.add(new Row("pool", "Acquire from a warm pool through Redis", "<= 5 ms median", "not measured",
						"redis-server is not installed", "n/a"));
				return rows;
			}
			try (Redis redis = Redis.start(redisServer)) {
				LettuceConnectionFactory single = redis.connectionFactory();
				ReactiveSandboxPool shared = pool(clients, "shared", single, 8, 4);
				rows.add(hits("through Redis (one instance)", "<= 5 ms median", 5, server, shared, hitRounds));
				shared.close();
				single.destroy();
				rows.add(contention(server, clients, redis));
			}
		}
		return rows;
	}

	private static ReactiveSandboxPool pool(Clients clients, String name, LettuceConnectionFactory redis, int idle,
			int concurrency) {
		return ReactiveSandboxPool.builder(clients.template)
			.name(name)
			.spec(Clients.spec())
			.minIdle(idle)
			.maxIdle(idle)
			.maxTotal(64)
			.creationConcurrency(concurrency)
			.redis(redis)
			.build();
	}

	/*
	 * Create-to-ready without a pool, ours and the SDK's, alternating: what an acquire
	 * from a warm pool saves.
	 */
	private static Row createToReady(FakeOpenSandbox server, Clients clients) {
		List<Double> ours = new ArrayList<>();
		List<Double> theirs = new ArrayList<>();
		for (int round = 0; round < 6; round++) {
			long started = System.nanoTime();
			ReactiveSandbox sandbox = clients.template.create(Clients.spec()).block(WAIT);
			double elapsed = (System.nanoTime() - started) / 1e6;
			sandbox.kill().block(WAIT);
			started = System.nanoTime();
			Sandbox official = Sandbox.builder()
				.image("python:3.11")
				.entrypoint("tail", "-f", "/dev/null")
				.timeout(Duration.ofMinutes(10))
				.readyTimeout(Duration.ofSeconds(60))
				.connectionConfig(Clients.sdkConfig(server))
				.build();
			double sdkElapsed = (System.nanoTime() - started) / 1e6;
			official.kill();
			official.close();
			if (round > 0) {
				ours.add(elapsed);
				theirs.add(sdkElapsed);
			}
		}
		Stats our = new Stats(ours);
		Stats sdk = new Stats(theirs);
		return new Row("pool", "Create-to-ready without a pool (Running 500-599 ms after create, execd 200 ms later)",
				"reference for the pool's acquire",
				"ours " + Stats.format(our.median()) + " ms, official SDK 1.0.0 " + Stats.format(sdk.median()) + " ms",
				"ours " + Stats.format(our.min()) + "-" + Stats.format(our.max()) + " ms, SDK "
						+ Stats.format(sdk.min()) + "-" + Stats.format(sdk.max()) + " ms over " + our.size()
						+ " rounds",
				"n/a")
			.with("oursMs", our)
			.with("sdkMs", sdk);
	}

	/*
	 * Rounds of: wait until the pool holds its idle sandboxes, take them all one after
	 * another (each timed), give them back.
	 */
	private static Row hits(String where, String target, double goal, FakeOpenSandbox server, ReactiveSandboxPool pool,
			int rounds) {
		pool.acquire().flatMap(pool::release).block(WAIT);
		int idle = pool.status().target();
		List<Double> latencies = new ArrayList<>();
		int requests = 0;
		int pings = 0;
		int misses = 0;
		SmartLifecycle lifecycle = (SmartLifecycle) pool;
		for (int round = 0; round < rounds + 1; round++) {
			awaitIdle(pool, idle);
			// The refill is suspended while the round takes the idle sandboxes, so that
			// the latencies and the requests counted are the acquires' own
			lifecycle.stop();
			int lifecycleBefore = server.lifecycleRequests.get();
			int pingsBefore = server.pings.get();
			List<ReactiveSandbox> taken = new ArrayList<>();
			for (int i = 0; i < idle; i++) {
				long started = System.nanoTime();
				taken.add(pool.acquire().block(WAIT));
				if (round > 0) {
					latencies.add((System.nanoTime() - started) / 1e6);
				}
			}
			if (round > 0) {
				requests += server.lifecycleRequests.get() - lifecycleBefore;
				pings += server.pings.get() - pingsBefore;
				misses += (int) latencies.stream().skip(latencies.size() - idle).filter((ms) -> ms > 100).count();
			}
			Flux.fromIterable(taken).flatMap(pool::release).then().block(WAIT);
			lifecycle.start();
		}
		Stats stats = new Stats(latencies);
		return new Row("pool",
				"Acquire from a warm pool, " + where + " (" + idle
						+ " idle, taken one after another, the refill suspended meanwhile)",
				target, Stats.format(stats.median()) + " ms median, p99 " + Stats.format(stats.percentile(99)) + " ms",
				String.format(Locale.ROOT,
						"%s-%s ms over %d acquires; per acquire %.2f lifecycle requests, %.2f execd pings; %d misses",
						Stats.format(stats.min()), Stats.format(stats.max()), stats.size(),
						requests / (double) stats.size(), pings / (double) stats.size(), misses),
				Row.met(stats.median() <= goal))
			.with("ms", stats)
			.with("lifecycleRequestsPerAcquire", requests / (double) stats.size())
			.with("pingsPerAcquire", pings / (double) stats.size());
	}

	/*
	 * Empty a full pool and time it back to full.
	 */
	private static Row refill(FakeOpenSandbox server, ReactiveSandboxPool pool) {
		int target = pool.status().target();
		awaitIdle(pool, target);
		int lifecycleBefore = server.lifecycleRequests.get();
		long started = System.nanoTime();
		List<ReactiveSandbox> taken = Flux.range(0, target).concatMap((i) -> pool.acquire()).collectList().block(WAIT);
		Flux.fromIterable(taken).flatMap(pool::release).then().block(WAIT);
		awaitIdle(pool, target);
		double seconds = (System.nanoTime() - started) / 1e9;
		int requests = server.lifecycleRequests.get() - lifecycleBefore;
		return new Row("pool",
				"Refill: a pool of " + target + " idle emptied at once, back to full (creation "
						+ "concurrency 4; each create ready 700-799 ms after it is sent)",
				"report",
				String.format(Locale.ROOT, "%d sandboxes in %.2f s (%.1f/s)", target, seconds, target / seconds),
				String.format(Locale.ROOT, "%.1f lifecycle requests per sandbox made (create, states, endpoint)",
						requests / (double) target),
				"n/a")
			.with("seconds", seconds)
			.with("sandboxesPerSecond", target / seconds);
	}

	/*
	 * Three instances (three pools, each with its own Redis connection, sharing one HTTP
	 * client), each acquiring and releasing every 300 ms for 10 s, from a shared pool of
	 * 12.
	 */
	private static Row contention(FakeOpenSandbox server, Clients clients, Redis redis) {
		List<LettuceConnectionFactory> connections = List.of(redis.connectionFactory(), redis.connectionFactory(),
				redis.connectionFactory());
		List<ReactiveSandboxPool> instances = connections.stream()
			.map((connection) -> pool(clients, "contended", connection, 12, 4))
			.toList();
		instances.forEach((pool) -> pool.acquire().flatMap(pool::release).block(WAIT));
		awaitIdle(instances.get(0), 12);
		List<Double> latencies = new CopyOnWriteArrayList<>();
		Set<String> handedOut = ConcurrentHashMap.newKeySet();
		AtomicInteger duplicates = new AtomicInteger();
		Flux.fromIterable(instances)
			.flatMap((pool) -> Flux.interval(Duration.ofMillis(300))
				.take(Duration.ofSeconds(10))
				.flatMap((tick) -> Mono.defer(() -> {
					long started = System.nanoTime();
					return pool.acquire().doOnNext((sandbox) -> {
						latencies.add((System.nanoTime() - started) / 1e6);
						if (!handedOut.add(sandbox.id())) {
							duplicates.incrementAndGet();
						}
					});
				}).flatMap((sandbox) -> Mono.delay(Duration.ofMillis(50)).then(pool.release(sandbox)))))
			.then()
			.block(Duration.ofSeconds(60));
		instances.forEach(ReactiveSandboxPool::close);
		connections.forEach(LettuceConnectionFactory::destroy);
		Stats stats = new Stats(latencies);
		long fast = latencies.stream().filter((ms) -> ms <= 5).count();
		return new Row("pool",
				"Acquire with three instances contending through Redis (one shared pool of 12 idle; each instance "
						+ "acquires every 300 ms for 10 s)",
				"no sandbox handed out twice; report latency",
				Stats.format(stats.median()) + " ms median, p99 " + Stats.format(stats.percentile(99)) + " ms",
				String.format(Locale.ROOT, "%d acquires, %d within 5 ms, %d handed out twice, %d sandboxes left",
						stats.size(), fast, duplicates.get(), server.alive()),
				Row.met(duplicates.get() == 0))
			.with("ms", stats)
			.with("duplicates", duplicates.get());
	}

	private static void awaitIdle(ReactiveSandboxPool pool, int idle) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (pool.status().idle() < idle) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Pool '" + pool.name() + "' did not refill: " + pool.status());
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

	/**
	 * A {@code redis-server} on a free loopback port, without persistence.
	 */
	private static final class Redis implements AutoCloseable {

		private final Process process;

		private final int port;

		private Redis(Process process, int port) {
			this.process = process;
			this.port = port;
		}

		static Redis start(Path executable) throws IOException, InterruptedException {
			int port;
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
				port = socket.getLocalPort();
			}
			Process process = new ProcessBuilder(executable.toString(), "--bind", "127.0.0.1", "--port",
					String.valueOf(port), "--save", "", "--appendonly", "no")
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			for (int attempt = 0; attempt < 500; attempt++) {
				try (Socket socket = new Socket("127.0.0.1", port)) {
					return new Redis(process, port);
				}
				catch (IOException notYet) {
					Thread.sleep(20);
				}
			}
			process.destroyForcibly();
			throw new IllegalStateException("redis-server did not start");
		}

		LettuceConnectionFactory connectionFactory() {
			LettuceConnectionFactory factory = new LettuceConnectionFactory(
					new RedisStandaloneConfiguration("127.0.0.1", this.port));
			factory.afterPropertiesSet();
			factory.start();
			return factory;
		}

		@Override
		public void close() {
			this.process.destroy();
		}

	}

}
