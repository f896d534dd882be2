package io.opensandbox.spring.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.alibaba.opensandbox.sandbox.Sandbox;
import com.alibaba.opensandbox.sandbox.domain.models.execd.executions.ExecutionHandlers;
import com.alibaba.opensandbox.sandbox.domain.models.execd.executions.RunCommandRequest;
import reactor.blockhound.BlockHound;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.opensandbox.spring.client.ExecdClient;
import io.opensandbox.spring.model.CommandOptions;
import io.opensandbox.spring.model.ExecutionEvent;

/**
 * Load: N command streams open at once for a fixed time against a loopback execd that,
 * like execd, pings every 3 s (and writes two lines of output each time). Each client
 * runs in a JVM of its own with a 256 MiB heap: ours (the auto-configured
 * {@link ExecdClient}) with BlockHound installed, counting every blocking call made on a
 * non-blocking thread (Netty event loops, Reactor's parallel scheduler); then the
 * official SDK, one thread per stream as it requires.
 *
 * @author OpenSandbox Spring Boot
 */
final class LoadBenchmark {

	/**
	 * The fixed heap of a client JVM: 256 MiB, with a 32 MiB young generation so that
	 * collections run during the test and the heap after them shows what the client
	 * retains.
	 */
	static final List<String> HEAP = List.of("-Xms256m", "-Xmx256m", "-Xmn32m");

	/** BlockHound adds methods to JDK classes when it instruments them. */
	static final List<String> BLOCKHOUND = List.of("-XX:+AllowRedefinitionToAddDeleteMethods",
			"-XX:+EnableDynamicAgentLoading");

	private LoadBenchmark() {
	}

	static List<Row> run(int streams, int seconds) throws Exception {
		try (FakeOpenSandbox server = new FakeOpenSandbox(0, 0)) {
			String id = server.runningSandbox();
			List<Row> rows = new ArrayList<>();
			Duration timeout = Duration.ofSeconds(seconds + 180);
			for (String who : List.of("ours", "sdk")) {
				server.maxOpenStreams.set(0);
				List<String> jvm = new ArrayList<>(HEAP);
				if ("ours".equals(who)) {
					jvm.addAll(BLOCKHOUND);
				}
				Row measured = Fork
					.run(LoadBenchmark.class, jvm,
							List.of(who, server.address(), id, Integer.toString(streams), Integer.toString(seconds)),
							timeout)
					.get(0);
				rows.add(row(who, measured.values(), streams, seconds, server.maxOpenStreams.get()));
			}
			return rows;
		}
	}

	private static Row row(String who, Map<String, Object> values, int streams, int seconds, int serverMaxOpen) {
		long errors = number(values, "errors");
		long events = number(values, "stdoutEvents");
		long expected = (long) streams * 2 * (seconds / 3);
		double peakHeap = ((Number) values.get("peakHeapMiB")).doubleValue();
		double growth = ((Number) values.get("heapGrowthMiB")).doubleValue();
		String scenario = "Load: " + String.format(Locale.ROOT, "%,d", streams) + " concurrent command streams held "
				+ seconds + " s (a ping and 2 output lines every 3 s)";
		String common = "errors " + errors + "; stdout events "
				+ String.format(Locale.ROOT, "%,d of %,d", events, expected) + "; peak heap used "
				+ String.format(Locale.ROOT, "%.0f MiB", peakHeap) + " (live growth "
				+ String.format(Locale.ROOT, "%.0f MiB", growth) + ")";
		String spread = "1 run (" + seconds + " s by definition); all streams open at once: server saw " + serverMaxOpen
				+ " open; client JVM " + String.join(" ", HEAP) + "; opening all took "
				+ String.format(Locale.ROOT, "%.1f s", ((Number) values.get("openSeconds")).doubleValue());
		if ("ours".equals(who)) {
			long blocking = number(values, "blockingCalls");
			boolean met = errors == 0 && blocking == 0 && events == expected && serverMaxOpen == streams
					&& peakHeap <= 256;
			return new Row("load", scenario + ": ours (auto-configured ExecdClient.runCommand, BlockHound installed)",
					"heap <= 256 MiB, 0 errors, no blocking call on an event loop",
					common + "; blocking calls on non-blocking threads " + blocking
							+ ((values.get("firstBlocking") != null) ? " (first: " + values.get("firstBlocking") + ")"
									: ""),
					spread + "; BlockHound proven armed by a deliberate blocking call on a parallel thread first",
					Row.met(met))
				.with("errors", errors)
				.with("blockingCalls", blocking)
				.with("peakHeapMiB", peakHeap)
				.with("heapGrowthMiB", growth)
				.with("serverMaxOpenStreams", serverMaxOpen)
				.with("stdoutEvents", events);
		}
		return new Row("load", scenario + ": official SDK 1.0.0 (commands().run, one thread per stream)", "reference",
				common + ((values.get("firstError") != null) ? "; first error: " + values.get("firstError") : ""),
				spread, "n/a")
			.with("errors", errors)
			.with("peakHeapMiB", peakHeap)
			.with("heapGrowthMiB", growth)
			.with("serverMaxOpenStreams", serverMaxOpen)
			.with("stdoutEvents", events);
	}

	private static long number(Map<String, Object> values, String key) {
		return ((Number) values.get(key)).longValue();
	}

	/**
	 * The client JVM: {@code ours|sdk address sandboxId streams seconds output}.
	 */
	public static void main(String[] args) throws Exception {
		String who = args[0];
		AtomicLong blocking = new AtomicLong();
		AtomicReference<String> firstBlocking = new AtomicReference<>();
		if ("ours".equals(who) && !Boolean.getBoolean("benchmarks.load.noBlockHound")) {
			// Before any Reactor or Netty thread starts
			BlockHound.install((builder) -> builder
				// Netty loads its native transport once, lazily, possibly on an event
				// loop
				.allowBlockingCallsInside("io.netty.util.internal.NativeLibraryLoader", "load")
				.blockingMethodCallback((method) -> {
					blocking.incrementAndGet();
					firstBlocking.compareAndSet(null,
							method + " on " + Thread.currentThread().getName() + " at " + caller());
				}));
			Mono.fromCallable(() -> {
				Thread.sleep(1);
				return 1;
			}).subscribeOn(Schedulers.parallel()).block(Duration.ofSeconds(10));
			if (blocking.get() != 1) {
				throw new IllegalStateException("BlockHound did not see a deliberate blocking call");
			}
			blocking.set(0);
			firstBlocking.set(null);
		}
		String address = args[1];
		String id = args[2];
		int streams = Integer.parseInt(args[3]);
		int seconds = Integer.parseInt(args[4]);
		AtomicInteger errors = new AtomicInteger();
		AtomicReference<String> firstError = new AtomicReference<>();
		AtomicLong stdout = new AtomicLong();
		AtomicInteger opened = new AtomicInteger();
		AtomicLong allOpenAt = new AtomicLong();
		Row row = new Row("load", who, "", "", "", "");
		HeapProbe heap;
		long started;
		if ("ours".equals(who)) {
			try (Clients clients = new Clients(address, Map.of("opensandbox.http.max-connections", streams + 100))) {
				ExecdClient execd = clients.execd(address);
				// Warm up: every stream once, briefly (this also opens the connections)
				Flux.range(0, streams)
					.flatMap((i) -> execd.runCommand("load 3", CommandOptions.defaults()).then(), streams)
					.then()
					.block(Duration.ofSeconds(120));
				heap = HeapProbe.start();
				started = System.nanoTime();
				Flux.range(0, streams)
					.flatMap((i) -> execd.runCommand("load " + seconds, CommandOptions.defaults()).doOnNext((event) -> {
						if (event.type() == ExecutionEvent.Type.INIT && opened.incrementAndGet() == streams) {
							allOpenAt.set(System.nanoTime());
						}
						else if (event.type() == ExecutionEvent.Type.STDOUT) {
							stdout.incrementAndGet();
						}
					}).then().onErrorResume((failure) -> {
						errors.incrementAndGet();
						firstError.compareAndSet(null, failure.toString());
						return Mono.empty();
					}), streams)
					.then()
					.block(Duration.ofSeconds(seconds + 120));
			}
		}
		else {
			Sandbox official = Sandbox.connector()
				.sandboxId(UUID.fromString(id))
				.connectionConfig(Clients.sdkConfig(address))
				.connect();
			// Warm up: every stream once, briefly
			sdkStreams(official, streams, 3, new AtomicInteger(), new AtomicLong(), new AtomicLong(),
					new AtomicInteger(), new AtomicReference<>());
			heap = HeapProbe.start();
			started = System.nanoTime();
			sdkStreams(official, streams, seconds, opened, allOpenAt, stdout, errors, firstError);
			official.close();
		}
		HeapProbe.Result result = heap.stop();
		double openSeconds = (allOpenAt.get() != 0) ? (allOpenAt.get() - started) / 1e9 : -1;
		row.with("errors", errors.get())
			.with("firstError", firstError.get())
			.with("blockingCalls", blocking.get())
			.with("firstBlocking", firstBlocking.get())
			.with("stdoutEvents", stdout.get())
			.with("peakHeapMiB", HeapProbe.Result.mib(result.baseline() + result.rawGrowth()))
			.with("heapGrowthMiB", HeapProbe.Result.mib(result.growth()))
			.with("openSeconds", openSeconds)
			.with("seconds", (System.nanoTime() - started) / 1e9);
		System.out.printf(Locale.ROOT, "load %s: %s%n", who, row.values());
		Fork.write(List.of(row), args[args.length - 1]);
	}

	private static void sdkStreams(Sandbox official, int streams, int seconds, AtomicInteger opened,
			AtomicLong allOpenAt, AtomicLong stdout, AtomicInteger errors, AtomicReference<String> firstError)
			throws InterruptedException {
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < streams; i++) {
			Thread thread = new Thread(() -> {
				try {
					official.commands()
						.run(RunCommandRequest.builder()
							.command("load " + seconds)
							.handlers(ExecutionHandlers.builder().onInit((init) -> {
								if (opened.incrementAndGet() == streams) {
									allOpenAt.set(System.nanoTime());
								}
							}).onStdout((message) -> stdout.incrementAndGet()).build())
							.build());
				}
				catch (RuntimeException ex) {
					errors.incrementAndGet();
					firstError.compareAndSet(null, ex.toString());
				}
			}, "sdk-stream-" + i);
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join(TimeUnit.SECONDS.toMillis(seconds + 120));
		}
	}

	private static String caller() {
		StackTraceElement[] stack = new Throwable().getStackTrace();
		StringBuilder frames = new StringBuilder();
		for (int i = 0, shown = 0; i < stack.length && shown < 6; i++) {
			String frame = stack[i].toString();
			if (!frame.startsWith("reactor.blockhound") && !frame.startsWith("io.opensandbox.spring.benchmarks")) {
				frames.append((shown > 0) ? " < " : "").append(frame);
				shown++;
			}
		}
		return frames.toString();
	}

}
