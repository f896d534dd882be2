package io.opensandbox.spring.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import reactor.netty.resources.LoopResources;

/**
 * A loopback lifecycle server and execd in one Reactor Netty server on 127.0.0.1. Serves
 * lifecycle routes with and without {@code /v1} (the official SDK's base has none), uses
 * UUID ids (the SDK parses them), answers the endpoint of any port with this server's own
 * address, and reports a sandbox {@code Running} only a fixed delay after its creation,
 * and {@code /ping} 200 only a further execd delay later. Counts the lifecycle requests
 * (create, state, endpoint) and the pings it answers.
 *
 * @author OpenSandbox Spring Boot
 */
final class FakeOpenSandbox implements AutoCloseable {

	private volatile long readyDelayNanos;

	private volatile long execdDelayNanos;

	/** Lifecycle requests answered: create, state and endpoint requests, not kills. */
	final AtomicInteger lifecycleRequests = new AtomicInteger();

	/** Pings answered, whatever the answer. */
	final AtomicInteger pings = new AtomicInteger();

	private final Map<String, Long> createdAt = new ConcurrentHashMap<>();

	/** When the most recently created sandbox becomes ready; /ping has no sandbox id. */
	private volatile long latestReadyAt = System.nanoTime();

	private final List<byte[]> commandChunks;

	/**
	 * Whether each sandbox has an execd path of its own that answers when it is ready.
	 */
	private volatile boolean perSandboxExecd;

	/** The file {@code GET /files/download} serves, whatever path is asked for. */
	private volatile @Nullable Path downloadSource;

	private volatile long downloadSize;

	/** Bytes received by {@code POST /files/upload}, which keeps none of them. */
	final AtomicLong uploadedBytes = new AtomicLong();

	/** Load streams open now, and the most open at once. */
	final AtomicInteger openStreams = new AtomicInteger();

	final AtomicInteger maxOpenStreams = new AtomicInteger();

	/** Connections accepted. */
	final AtomicInteger connections = new AtomicInteger();

	/**
	 * The server's own event loops: a real server does not run on its clients' loops, and
	 * sharing them would have the server's work queue behind ours (and not behind the
	 * official SDK's, whose calls run on threads of their own).
	 */
	private final LoopResources loops = LoopResources.create("fake-opensandbox", 2, true);

	private final DisposableServer server;

	FakeOpenSandbox(long readyDelayMillis, int commandEvents) {
		this.readyDelayNanos = readyDelayMillis * 1_000_000L;
		this.commandChunks = buildChunks(commandEvents);
		this.server = HttpServer.create()
			.runOn(this.loops)
			.host("127.0.0.1")
			.port(0)
			.doOnChannelInit((observer, channel, remote) -> this.connections.incrementAndGet())
			.route(this::routes)
			.bindNow();
	}

	/** Serve this file for every download. */
	void serveDownloads(Path source) throws IOException {
		this.downloadSize = Files.size(source);
		this.downloadSource = source;
	}

	/** Change how long after creation new sandboxes become ready. */
	void readyDelay(long millis) {
		this.readyDelayNanos = millis * 1_000_000L;
	}

	/**
	 * Give each sandbox an execd of its own ({@code /sbx/<id>/ping}), ready its own ready
	 * and execd delays after its creation, for scenarios with many sandboxes at once.
	 */
	void perSandboxExecd() {
		this.perSandboxExecd = true;
	}

	/** Sandboxes that exist now. */
	int alive() {
		return this.createdAt.size();
	}

	/** Change how long after {@code Running} execd starts answering. */
	void execdDelay(long millis) {
		this.execdDelayNanos = millis * 1_000_000L;
	}

	int port() {
		return this.server.port();
	}

	String address() {
		return "127.0.0.1:" + port();
	}

	long commandBytes() {
		long total = 0;
		for (byte[] chunk : this.commandChunks) {
			total += chunk.length;
		}
		return total;
	}

	/** Register a sandbox that is already running, for scenarios that skip creation. */
	String runningSandbox() {
		String id = UUID.randomUUID().toString();
		this.createdAt.put(id, System.nanoTime() - this.readyDelayNanos);
		return id;
	}

	private void routes(HttpServerRoutes routes) {
		for (String base : new String[] { "/v1", "" }) {
			routes.post(base + "/sandboxes", this::create)
				.get(base + "/sandboxes/{id}/endpoints/{port}", this::endpoint)
				.get(base + "/sandboxes/{id}", this::get)
				.post(base + "/sandboxes/{id}/renew-expiration",
						(request, response) -> request.receive()
							.then(json(response.status(200), "{\"expiresAt\":\"2099-01-01T00:00:00Z\"}")))
				.delete(base + "/sandboxes/{id}", (request, response) -> {
					this.createdAt.remove(request.param("id"));
					return response.status(204).send();
				});
		}
		routes.get("/sbx/{id}/ping", (request, response) -> {
			this.pings.incrementAndGet();
			Long created = this.createdAt.get(request.param("id"));
			boolean ready = created != null
					&& System.nanoTime() - created - this.readyDelayNanos - this.execdDelayNanos >= 0;
			return response.status(ready ? 200 : 503).send();
		});
		routes.get("/ping", (request, response) -> {
			this.pings.incrementAndGet();
			boolean ready = System.nanoTime() - this.latestReadyAt - this.execdDelayNanos >= 0;
			return response.status(ready ? 200 : 503).send();
		});
		routes.post("/command", this::command);
		routes.get("/files/download", this::download);
		routes.post("/files/upload",
				(request, response) -> request.receive()
					.doOnNext((buffer) -> this.uploadedBytes.addAndGet(buffer.readableBytes()))
					.then(Mono.defer(() -> response.status(200).send())));
	}

	/**
	 * The file, with its length announced, written by the kernel (Reactor Netty sends a
	 * file region: zero-copy without TLS), so the server costs next to nothing.
	 */
	private Mono<Void> download(HttpServerRequest request, HttpServerResponse response) {
		Path source = this.downloadSource;
		if (source == null) {
			return json(response.status(404), "{\"code\":\"FILE_NOT_FOUND\",\"message\":\"no file\"}");
		}
		return response.status(200)
			.header("Content-Type", "application/octet-stream")
			.header("Content-Length", Long.toString(this.downloadSize))
			.sendFile(source)
			.then();
	}

	private Mono<Void> create(HttpServerRequest request, HttpServerResponse response) {
		this.lifecycleRequests.incrementAndGet();
		return request.receive().aggregate().then(Mono.defer(() -> {
			String id = UUID.randomUUID().toString();
			long now = System.nanoTime();
			this.createdAt.put(id, now);
			this.latestReadyAt = now + this.readyDelayNanos;
			return json(response.status(202), sandbox(id, "Pending"));
		}));
	}

	private Mono<Void> get(HttpServerRequest request, HttpServerResponse response) {
		this.lifecycleRequests.incrementAndGet();
		String id = request.param("id");
		Long created = this.createdAt.get(id);
		if (created == null) {
			return json(response.status(404), "{\"code\":\"NOT_FOUND\",\"message\":\"no sandbox " + id + "\"}");
		}
		boolean running = System.nanoTime() - created >= this.readyDelayNanos;
		return json(response.status(200), sandbox(id, running ? "Running" : "Pending"));
	}

	private Mono<Void> endpoint(HttpServerRequest request, HttpServerResponse response) {
		this.lifecycleRequests.incrementAndGet();
		String execd = this.perSandboxExecd ? address() + "/sbx/" + request.param("id") : address();
		return json(response.status(200), "{\"endpoint\":\"" + execd + "\",\"headers\":{}}");
	}

	private Mono<Void> command(HttpServerRequest request, HttpServerResponse response) {
		return request.receive().aggregate().asString().defaultIfEmpty("").flatMap((body) -> {
			int load = body.indexOf("load ");
			if (load >= 0) {
				int end = load + 5;
				while (end < body.length() && Character.isDigit(body.charAt(end))) {
					end++;
				}
				return held(response, Integer.parseInt(body.substring(load + 5, end)));
			}
			return response.status(200)
				.header("Content-Type", "text/event-stream")
				.send(Flux.fromIterable(this.commandChunks).map(Unpooled::wrappedBuffer), (buf) -> true)
				.then();
		});
	}

	/**
	 * A command that runs for some seconds, as execd streams it: init, then every 3 s a
	 * ping and two lines of output, then completion.
	 */
	private Mono<Void> held(HttpServerResponse response, int seconds) {
		long timestamp = System.currentTimeMillis();
		String id = UUID.randomUUID().toString();
		Flux<String> events = Flux.concat(
				Flux.just("{\"type\":\"init\",\"text\":\"" + id + "\",\"timestamp\":" + timestamp + "}\n\n"),
				Flux.interval(Duration.ofSeconds(3))
					.take(seconds / 3)
					.map((tick) -> "{\"type\":\"ping\",\"timestamp\":" + System.currentTimeMillis() + "}\n\n"
							+ "{\"type\":\"stdout\",\"text\":\"tick " + tick + " of " + id + "\",\"timestamp\":"
							+ System.currentTimeMillis() + "}\n\n"
							+ "{\"type\":\"stdout\",\"text\":\"some more output for tick " + tick + "\",\"timestamp\":"
							+ System.currentTimeMillis() + "}\n\n"),
				Flux.just("{\"type\":\"execution_complete\",\"timestamp\":" + System.currentTimeMillis()
						+ ",\"execution_time\":" + (seconds * 1000) + "}\n\n"));
		return Mono.defer(() -> {
			this.maxOpenStreams.accumulateAndGet(this.openStreams.incrementAndGet(), Math::max);
			return response.status(200)
				.header("Content-Type", "text/event-stream")
				.sendString(events, StandardCharsets.UTF_8)
				.then();
		}).doFinally((signal) -> this.openStreams.decrementAndGet());
	}

	private static String sandbox(String id, String state) {
		Instant now = Instant.now();
		return "{\"id\":\"" + id + "\",\"image\":{\"uri\":\"python:3.11\"},\"status\":{\"state\":\"" + state
				+ "\",\"reason\":null,\"message\":null,\"lastTransitionAt\":\"" + now + "\"},\"metadata\":{},"
				+ "\"entrypoint\":[\"tail\",\"-f\",\"/dev/null\"],\"expiresAt\":\"" + now.plusSeconds(600)
				+ "\",\"createdAt\":\"" + now + "\"}";
	}

	private static Mono<Void> json(HttpServerResponse response, String body) {
		ByteBuf buf = Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8));
		return response.header("Content-Type", "application/json").sendObject(buf).then();
	}

	/** The whole stream pre-built in 64 KiB chunks: init, N stdout events, complete. */
	private static List<byte[]> buildChunks(int events) {
		List<byte[]> chunks = new ArrayList<>();
		if (events <= 0) {
			return chunks;
		}
		long timestamp = System.currentTimeMillis();
		StringBuilder chunk = new StringBuilder(70_000);
		chunk.append("{\"type\":\"init\",\"text\":\"cmd-1\",\"timestamp\":").append(timestamp).append("}\n\n");
		for (int i = 0; i < events; i++) {
			chunk.append("{\"type\":\"stdout\",\"text\":\"line ")
				.append(i)
				.append("\",\"timestamp\":")
				.append(timestamp)
				.append("}\n\n");
			if (chunk.length() >= 65_000) {
				chunks.add(chunk.toString().getBytes(StandardCharsets.UTF_8));
				chunk.setLength(0);
			}
		}
		chunk.append("{\"type\":\"execution_complete\",\"timestamp\":")
			.append(timestamp)
			.append(",\"execution_time\":1}\n\n");
		chunks.add(chunk.toString().getBytes(StandardCharsets.UTF_8));
		return chunks;
	}

	@Override
	public void close() {
		this.server.disposeNow();
		this.loops.disposeLater().block(Duration.ofSeconds(10));
	}

}
