package io.opensandbox.spring.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import io.opensandbox.spring.client.LifecycleClient;
import io.opensandbox.spring.client.SandboxEndpointClients;
import io.opensandbox.spring.client.ServerAddress;

/**
 * A lifecycle server and execd in one, on loopback, for pool tests: sandboxes are made
 * with ids {@code sb-1}, {@code sb-2}, ..., each with its own execd path, so that a test
 * can break one sandbox's execd, fail creations, slow them down, and count what the pool
 * asked for.
 *
 * @author OpenSandbox Spring Boot
 */
public final class PoolServer implements AutoCloseable {

	private static final Pattern SANDBOX = Pattern.compile("/v1/sandboxes/(sb-\\d+)(/.*)?");

	private static final Pattern EXPIRES_AT = Pattern.compile("\"expiresAt\"\\s*:\\s*\"([^\"]+)\"");

	private static final Pattern EXECD = Pattern.compile("/execd/(sb-\\d+)/ping");

	private final DisposableServer server;

	private final AtomicInteger sequence = new AtomicInteger();

	/** Live sandboxes and their expiry. */
	final Map<String, Instant> alive = new ConcurrentHashMap<>();

	/** Sandboxes whose execd does not answer. */
	final Set<String> broken = ConcurrentHashMap.newKeySet();

	final AtomicInteger creates = new AtomicInteger();

	final AtomicInteger renewals = new AtomicInteger();

	final AtomicInteger pings = new AtomicInteger();

	/** Pings answered, by sandbox. */
	final Map<String, AtomicInteger> pingsBySandbox = new ConcurrentHashMap<>();

	/** How many of the next creations fail with 500. */
	final AtomicInteger failingCreations = new AtomicInteger();

	volatile Duration creationDelay = Duration.ZERO;

	/** How long execd takes to answer a ping. */
	volatile Duration pingDelay = Duration.ZERO;

	volatile String lastCreation = "";

	volatile Duration timeToLive = Duration.ofMinutes(10);

	public PoolServer() {
		// One request per connection: Reactor Netty's HTTP/1.1 server can leave a
		// kept-alive connection unread after an answer completed on another thread (as
		// this server's delayed answers do), and the tests' clients have no read timeout
		// to notice
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.maxKeepAliveRequests(1)
			.handle(this::handle)
			.bindNow();
	}

	private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		String path = request.uri();
		if (request.method().name().equals("POST") && path.equals("/v1/sandboxes")) {
			return request.receive().aggregate().asString().defaultIfEmpty("").flatMap((body) -> {
				this.creates.incrementAndGet();
				this.lastCreation = body;
				if (this.failingCreations.getAndUpdate((left) -> Math.max(0, left - 1)) > 0) {
					return json(response.status(500), "{\"code\":\"IMAGE_PULL_FAILED\",\"message\":\"no such image\"}");
				}
				String id = "sb-" + this.sequence.incrementAndGet();
				Instant expiresAt = Instant.now().plus(this.timeToLive);
				this.alive.put(id, expiresAt);
				return Mono.delay(this.creationDelay).then(json(response.status(202), sandbox(id, expiresAt)));
			});
		}
		Matcher execd = EXECD.matcher(path);
		if (execd.matches()) {
			this.pings.incrementAndGet();
			String id = execd.group(1);
			this.pingsBySandbox.computeIfAbsent(id, (key) -> new AtomicInteger()).incrementAndGet();
			boolean answers = this.alive.containsKey(id) && !this.broken.contains(id);
			return Mono.delay(this.pingDelay).then(response.status(answers ? 200 : 502).send());
		}
		Matcher sandbox = SANDBOX.matcher(path);
		if (!sandbox.matches()) {
			return response.status(404).send();
		}
		String id = sandbox.group(1);
		String rest = (sandbox.group(2) != null) ? sandbox.group(2) : "";
		Instant expiresAt = this.alive.get(id);
		String method = request.method().name();
		if (method.equals("DELETE")) {
			return response.status((this.alive.remove(id) != null) ? 204 : 404).send();
		}
		if (expiresAt == null) {
			return json(response.status(404), "{\"code\":\"SANDBOX_NOT_FOUND\",\"message\":\"no sandbox " + id + "\"}");
		}
		if (rest.startsWith("/endpoints/")) {
			return json(response.status(200),
					"{\"endpoint\":\"127.0.0.1:" + this.server.port() + "/execd/" + id + "\",\"headers\":{}}");
		}
		if (rest.equals("/renew-expiration")) {
			return request.receive().aggregate().asString().flatMap((body) -> {
				this.renewals.incrementAndGet();
				Matcher requested = EXPIRES_AT.matcher(body);
				Instant renewed = requested.find() ? Instant.parse(requested.group(1))
						: Instant.now().plus(this.timeToLive);
				this.alive.put(id, renewed);
				return json(response.status(200), "{\"expiresAt\":\"" + renewed + "\"}");
			});
		}
		return json(response.status(200), sandbox(id, expiresAt));
	}

	private static String sandbox(String id, Instant expiresAt) {
		return """
				{"id":"%s","status":{"state":"Running"},"entrypoint":["tail"],"metadata":{},
				 "createdAt":"%s","expiresAt":"%s"}""".formatted(id, Instant.now(), expiresAt);
	}

	private static Mono<Void> json(HttpServerResponse response, String body) {
		return response.header("Content-Type", "application/json").sendString(Mono.just(body)).then();
	}

	/**
	 * A tracking template on this server.
	 * @param tracker the tracker, or {@code null} for a template that does not track
	 * @param clock the clock renewals start from
	 * @return the template
	 */
	ReactiveSandboxTemplate template(@Nullable SandboxTracker tracker, Clock clock) {
		return template(domain(), tracker, clock);
	}

	/**
	 * A tracking template on a server of this kind.
	 * @param domain the server's domain
	 * @param tracker the tracker, or {@code null} for a template that does not track
	 * @param clock the clock renewals start from
	 * @return the template
	 */
	static ReactiveSandboxTemplate template(String domain, @Nullable SandboxTracker tracker, Clock clock) {
		OpenSandboxConnection connection = new OpenSandboxConnection(lifecycle(domain),
				new SandboxEndpointClients(WebClient.builder(), "http", Map.of(), null, Duration.ofSeconds(5)));
		return new ReactiveSandboxTemplate(connection,
				SandboxTemplateSettings.builder()
					.readiness(Readiness.defaults().withTimeout(Duration.ofSeconds(5)))
					.clock(clock)
					.build(),
				tracker, null);
	}

	/**
	 * A manager of this server's sandboxes.
	 * @return the manager
	 */
	ReactiveSandboxManager manager() {
		return new DefaultReactiveSandboxManager(lifecycle(domain()));
	}

	private static LifecycleClient lifecycle(String domain) {
		return new LifecycleClient(WebClient.builder(), ServerAddress.of(domain, "http"), "key", Map.of());
	}

	/**
	 * How many pings a sandbox's execd answered.
	 * @param sandboxId the sandbox
	 * @return the count
	 */
	int pingsOf(String sandboxId) {
		AtomicInteger count = this.pingsBySandbox.get(sandboxId);
		return (count != null) ? count.get() : 0;
	}

	/**
	 * The server's port.
	 * @return the port
	 */
	public int port() {
		return this.server.port();
	}

	/**
	 * The server's domain.
	 * @return host and port
	 */
	public String domain() {
		return "127.0.0.1:" + this.server.port();
	}

	/**
	 * The sandboxes alive on the server.
	 * @return their ids
	 */
	public Set<String> aliveIds() {
		return Set.copyOf(this.alive.keySet());
	}

	/**
	 * How many creations the server was asked for.
	 * @return the count
	 */
	public int creations() {
		return this.creates.get();
	}

	/**
	 * The body of the last creation request.
	 * @return the JSON body
	 */
	public String lastCreation() {
		return this.lastCreation;
	}

	/**
	 * Fail the next creations with 500.
	 * @param count how many
	 */
	public void failCreations(int count) {
		this.failingCreations.set(count);
	}

	@Override
	public void close() {
		this.server.disposeNow();
	}

}
