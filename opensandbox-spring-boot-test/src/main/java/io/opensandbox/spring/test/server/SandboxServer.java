package io.opensandbox.spring.test.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import io.opensandbox.spring.test.server.isolation.IsolatedSandbox;
import io.opensandbox.spring.test.server.isolation.IsolationOptions;
import io.opensandbox.spring.test.server.isolation.IsolationUnavailableException;
import io.opensandbox.spring.test.server.isolation.SandboxIsolation;
import io.opensandbox.spring.test.server.isolation.SandboxProcess;

/**
 * The embedded server's engine: one Reactor Netty server on 127.0.0.1 that answers the
 * lifecycle API, and execd and the egress sidecar of every sandbox behind the endpoint
 * paths the lifecycle API hands out ({@code {id}/{port}} direct, and
 * {@code sandboxes/{id}/proxy/{port}} through the server proxy).
 *
 * @author OpenSandbox Spring Boot
 */
public final class SandboxServer implements AutoCloseable {

	static final int EXECD_PORT = 44772;

	static final int EGRESS_PORT = 18080;

	private static final Pattern PROXY_PATH = Pattern.compile("(?:/v1)?/sandboxes/([^/]+)/proxy/(\\d+)(/.*)?");

	private static final Pattern DIRECT_PATH = Pattern
		.compile("/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/(\\d+)(/.*)?");

	private static final Pattern SIGNED_PATH = Pattern.compile("/signed/([0-9a-z]{1,14})/([0-9a-f]{64})"
			+ "(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/\\d+(?:/.*)?)");

	/** Signs the routes of signed endpoints; never leaves this server. */
	private final SignedRoutes signedRoutes = new SignedRoutes();

	private final ServerSettings settings;

	private final Map<String, ServerSandbox> sandboxes = new ConcurrentHashMap<>();

	private final ExecutorService io;

	private final java.util.concurrent.Semaphore provisioning = new java.util.concurrent.Semaphore(
			Math.max(2, Runtime.getRuntime().availableProcessors()));

	private final Deadlines deadlines;

	private final ExpiryTimer expiries;

	private final Scheduler blocking;

	private final Path workDirectory;

	private final Path commandOutputs;

	private final boolean ownsWorkDirectory;

	private final SandboxIsolation isolation;

	private final @Nullable String commandsRefused;

	private final LifecycleApi lifecycle;

	private final ExecdApi execd;

	private final EgressApi egress;

	private @Nullable DisposableServer server;

	/**
	 * Create a server; nothing listens until {@link #start()}.
	 * @param settings the settings
	 */
	public SandboxServer(ServerSettings settings) {
		this.settings = settings;
		this.io = Executors.newCachedThreadPool(daemonThreads("opensandbox-embedded-io-"));
		this.deadlines = new Deadlines(daemonThreads("opensandbox-embedded-timer-"), this.io);
		this.blocking = Schedulers.fromExecutorService(this.io, "opensandbox-embedded");
		this.expiries = new ExpiryTimer(daemonThreads("opensandbox-embedded-expiry-"), this.io, Clock.systemUTC());
		try {
			this.ownsWorkDirectory = settings.workDirectory() == null;
			this.workDirectory = (settings.workDirectory() != null) ? Files.createDirectories(settings.workDirectory())
					: Files.createTempDirectory("opensandbox-embedded-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create the embedded server's work directory", ex);
		}
		try {
			this.commandOutputs = Files.createDirectories(this.workDirectory.resolve("command-output"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create the embedded server's work directory", ex);
		}
		String refused = null;
		SandboxIsolation chosen;
		try {
			chosen = switch (settings.isolation()) {
				case AUTO -> SandboxIsolation.detect(this.workDirectory, false);
				case AUTO_OR_UNISOLATED -> SandboxIsolation.detect(this.workDirectory, true);
				case BUBBLEWRAP -> SandboxIsolation.bubblewrap(this.workDirectory);
				case UNSHARE -> SandboxIsolation.unshare(this.workDirectory);
				case NONE -> SandboxIsolation.unisolated(this.workDirectory);
			};
		}
		catch (IsolationUnavailableException ex) {
			chosen = SandboxIsolation.unisolated(this.workDirectory);
			refused = ex.getMessage();
		}
		this.isolation = chosen;
		this.commandsRefused = refused;
		this.lifecycle = new LifecycleApi(this);
		this.execd = new ExecdApi(this);
		this.egress = new EgressApi();
	}

	/**
	 * Start listening.
	 * @return this server
	 */
	public SandboxServer start() {
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(this.settings.port())
			.handle(this::handle)
			.bindNow(Duration.ofSeconds(10));
		return this;
	}

	/**
	 * The port the server listens on.
	 * @return the port
	 */
	public int port() {
		DisposableServer running = this.server;
		if (running == null) {
			throw new IllegalStateException("The embedded OpenSandbox server is not started");
		}
		return running.port();
	}

	/**
	 * The isolation in use, and why commands are refused if they are.
	 * @return a description
	 */
	public String isolationDescription() {
		return (this.commandsRefused != null) ? "none (commands refused: " + this.commandsRefused + ")"
				: this.isolation.name() + " (outbound network: " + this.isolation.outboundNetwork()
						+ "; resource limits: " + this.isolation.resourceLimits() + ")";
	}

	/**
	 * The sandboxes the server holds now, oldest first.
	 * @return the sandboxes
	 */
	public List<SandboxView> sandboxes() {
		List<SandboxView> views = new ArrayList<>();
		this.sandboxes.values().stream().sorted(Comparator.comparing(ServerSandbox::createdAt)).forEach((sandbox) -> {
			IsolatedSandbox isolated = sandbox.isolated();
			views.add(new SandboxView(sandbox.id(), sandbox.state(), sandbox.image(), sandbox.metadata(),
					(isolated != null) ? isolated.directory() : null,
					(isolated != null) ? isolated.processCount() : 0));
		});
		return views;
	}

	/**
	 * The host path of a file inside a sandbox.
	 * @param sandboxId the sandbox id
	 * @param path the absolute path inside the sandbox
	 * @return the host path
	 */
	public Path hostPath(String sandboxId, String path) {
		ServerSandbox sandbox = this.sandboxes.get(sandboxId);
		IsolatedSandbox isolated = (sandbox != null) ? sandbox.isolated() : null;
		if (isolated == null) {
			throw new IllegalArgumentException("No sandbox " + sandboxId + " with a root on this server");
		}
		return isolated.hostPath(path);
	}

	/**
	 * Kill every sandbox and stop listening; removes the work directory if the server
	 * made it.
	 */
	@Override
	public void close() {
		DisposableServer running = this.server;
		if (running != null) {
			running.disposeNow(Duration.ofSeconds(5));
		}
		for (ServerSandbox sandbox : List.copyOf(this.sandboxes.values())) {
			remove(sandbox);
		}
		this.expiries.close();
		this.deadlines.close();
		this.io.shutdownNow();
		if (this.ownsWorkDirectory) {
			deleteQuietly(this.workDirectory);
		}
	}

	private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		Mono<Void> answer = Mono.defer(() -> Mono.from(route(request, response)));
		// A request without a body is read to its end before it is answered: an answer
		// written from another thread before the request's last (empty) content was read
		// could otherwise leave the kept-alive connection waiting for nothing.
		return hasBody(request) ? answer : request.receive().then(answer);
	}

	private static boolean hasBody(HttpServerRequest request) {
		String length = request.requestHeaders().get("Content-Length");
		return request.requestHeaders().contains("Transfer-Encoding")
				|| (length != null && !length.isBlank() && !"0".equals(length.trim()));
	}

	private Publisher<Void> route(HttpServerRequest request, HttpServerResponse response) {
		Exchange exchange = new Exchange(request, response);
		String path = exchange.path();
		Matcher proxy = PROXY_PATH.matcher(path);
		if (proxy.matches()) {
			if (port(proxy) < 0) {
				return exchange.json(422,
						java.util.Map.of("detail",
								List.of(java.util.Map.of("type", "int_parsing", "loc", List.of("path", "port"), "msg",
										"Input should be a valid port number", "input", proxy.group(2)))));
			}
			return endpoint(exchange, proxy, false);
		}
		Matcher direct = DIRECT_PATH.matcher(path);
		if (direct.matches()) {
			if (port(direct) < 0) {
				return exchange.text(404, "no such port: " + direct.group(2));
			}
			return endpoint(exchange, direct, false);
		}
		Matcher signed = SIGNED_PATH.matcher(path);
		if (signed.matches()) {
			Matcher route = DIRECT_PATH.matcher(signed.group(3));
			if (!route.matches() || port(route) < 0) {
				return exchange.text(404, "no such port");
			}
			String refusal = this.signedRoutes.check(route.group(1), port(route), signed.group(1), signed.group(2));
			if (refusal != null) {
				return exchange.text(403, refusal);
			}
			return endpoint(exchange, route, true);
		}
		String requestId = request.requestHeaders().get("X-Request-ID");
		response.header("X-Request-ID", (requestId != null && !requestId.isBlank()) ? requestId
				: UUID.randomUUID().toString().replace("-", ""));
		return this.lifecycle.handle(exchange);
	}

	/*
	 * The port of an endpoint path, or -1 if it is no port number.
	 */
	private static int port(Matcher matcher) {
		String digits = matcher.group(2);
		if (digits.length() > 5) {
			return -1;
		}
		int port = Integer.parseInt(digits);
		return (port >= 1 && port <= 65535) ? port : -1;
	}

	/*
	 * A request to a sandbox endpoint; a signed route needs no secure-access header, its
	 * signature stands for it.
	 */
	private Publisher<Void> endpoint(Exchange exchange, Matcher matcher, boolean signed) {
		ServerSandbox sandbox = this.sandboxes.get(matcher.group(1));
		int port = port(matcher);
		Exchange inner = exchange.forPath((matcher.group(3) != null) ? matcher.group(3) : "/");
		if (sandbox == null) {
			return exchange.text(404, "sandbox " + matcher.group(1) + " not found");
		}
		if (!signed && sandbox.secureAccess()
				&& !sandbox.accessToken().equals(exchange.header(LifecycleApi.SECURE_ACCESS_HEADER))) {
			return exchange.text(401, "missing or invalid " + LifecycleApi.SECURE_ACCESS_HEADER + " header");
		}
		if (!"Running".equals(sandbox.state())) {
			return exchange.text(503, "sandbox " + sandbox.id() + " is not running (state " + sandbox.state() + ")");
		}
		if (port == EXECD_PORT) {
			return this.execd.handle(sandbox, inner);
		}
		if (port == EGRESS_PORT && sandbox.egress() != null) {
			return this.egress.handle(sandbox, inner);
		}
		return exchange.text(502,
				"nothing listens on port " + port + " of sandbox " + sandbox.id()
						+ ": the embedded server serves execd (" + EXECD_PORT + ") and the egress sidecar ("
						+ EGRESS_PORT + ", sandboxes with a network policy) only");
	}

	SignedRoutes signedRoutes() {
		return this.signedRoutes;
	}

	ServerSettings settings() {
		return this.settings;
	}

	Map<String, ServerSandbox> registry() {
		return this.sandboxes;
	}

	/**
	 * Where background commands write their output (outside every sandbox).
	 * @return the directory
	 */
	Path commandOutputs() {
		return this.commandOutputs;
	}

	/**
	 * Where uploads are spooled until they arrived whole (outside every sandbox, in the
	 * server's work directory rather than the machine's shared temporary directory).
	 * @return the directory
	 */
	Path uploads() {
		return this.commandOutputs;
	}

	ExecutorService io() {
		return this.io;
	}

	Deadlines deadlines() {
		return this.deadlines;
	}

	ExpiryTimer expiries() {
		return this.expiries;
	}

	Scheduler blocking() {
		return this.blocking;
	}

	/**
	 * The sandbox's isolated root for running a process, or an error that says why
	 * commands cannot run here.
	 * @param sandbox the sandbox
	 * @return the isolated sandbox
	 */
	IsolatedSandbox processes(ServerSandbox sandbox) {
		if (this.commandsRefused != null) {
			throw new ApiException(500, "RUNTIME_ERROR",
					"the embedded OpenSandbox server runs no commands: " + this.commandsRefused);
		}
		return files(sandbox);
	}

	/**
	 * The sandbox's isolated root for file access.
	 * @param sandbox the sandbox
	 * @return the isolated sandbox
	 */
	IsolatedSandbox files(ServerSandbox sandbox) {
		IsolatedSandbox isolated = sandbox.isolated();
		if (isolated == null) {
			throw new ApiException(500, "RUNTIME_ERROR", "sandbox " + sandbox.id() + " has no root yet");
		}
		return isolated;
	}

	/**
	 * The agent that runs file operations inside the sandbox.
	 * @param sandbox the sandbox
	 * @return the agent
	 */
	FileAgent fileAgent(ServerSandbox sandbox) {
		return new FileAgent(files(sandbox), this.io, this.deadlines);
	}

	/**
	 * Provision a new sandbox: its isolated root now, {@code Running} after the ready
	 * delay.
	 * @param sandbox the sandbox
	 */
	void provision(ServerSandbox sandbox) {
		long started = System.nanoTime();
		this.io.execute(() -> {
			try {
				boolean network = sandbox.egress() == null || !sandbox.egress().networkIsolated();
				IsolatedSandbox isolated;
				// A burst of creates is started a few at a time: all at once, each would
				// take
				// so long on a small machine that some would miss their start timeout.
				this.provisioning.acquireUninterruptibly();
				try {
					isolated = this.isolation.create(sandbox.id(),
							new IsolationOptions(network, sandbox.env(), sandbox.limits()));
				}
				finally {
					this.provisioning.release();
				}
				sandbox.isolated(isolated);
				if (!this.sandboxes.containsKey(sandbox.id())) {
					isolated.close();
					return;
				}
				isolated.terminated().thenAccept((reason) -> {
					if (this.sandboxes.get(sandbox.id()) == sandbox) {
						sandbox.transition("Failed", "sandbox_exited", reason);
					}
				});
				startEntrypoint(sandbox, isolated);
			}
			catch (IOException | RuntimeException ex) {
				sandbox.transition("Failed", "runtime_error", "cannot create the sandbox: " + ex.getMessage());
				return;
			}
			long remaining = this.settings.readyDelay().toNanos() - (System.nanoTime() - started);
			this.deadlines.timer()
				.schedule(() -> sandbox.transitionFrom("Pending", "Running", "sandbox_running"), Math.max(remaining, 0),
						TimeUnit.NANOSECONDS);
		});
	}

	private void startEntrypoint(ServerSandbox sandbox, IsolatedSandbox isolated) throws IOException {
		if (this.commandsRefused != null || sandbox.entrypoint().isEmpty()) {
			return;
		}
		try {
			SandboxProcess process = isolated.start(sandbox.entrypoint(), null, Map.of());
			process.stdin().close();
			// Read, so the entry process never blocks on a full pipe, and keep the tail
			// for
			// the diagnostics logs
			for (java.io.InputStream output : List.of(process.stdout(), process.stderr())) {
				this.io.execute(() -> keepLog(sandbox, output));
			}
		}
		catch (IOException ex) {
			// an entrypoint that cannot start (a program of an image that was not pulled)
			// is
			// not fatal here: execd is what clients talk to
		}
	}

	private static void keepLog(ServerSandbox sandbox, java.io.InputStream output) {
		byte[] chunk = new byte[8192];
		try (output) {
			int read;
			while ((read = output.read(chunk)) > 0) {
				sandbox.log(chunk, read);
			}
		}
		catch (IOException ex) {
			// the process ended or was killed: nothing more to keep
		}
	}

	/**
	 * Remove a sandbox: stop its processes and delete everything it left on disk.
	 * @param sandbox the sandbox
	 */
	void remove(ServerSandbox sandbox) {
		this.sandboxes.remove(sandbox.id(), sandbox);
		sandbox.transition("Terminated", "user_delete", null);
		sandbox.expiry(null);
		sandbox.sessions.values().forEach(BashSession::close);
		sandbox.commands.values().forEach((run) -> {
			run.kill("signal: killed");
			run.deleteOutput();
		});
		sandbox.contexts.values().forEach((context) -> context.interpreter().close());
		IsolatedSandbox isolated = sandbox.isolated();
		if (isolated != null) {
			isolated.close();
		}
	}

	private static ThreadFactory daemonThreads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	private static void deleteQuietly(Path directory) {
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException ex) {
					// best effort
				}
			});
		}
		catch (IOException ex) {
			// best effort
		}
	}

	/**
	 * What a test may inspect of one sandbox.
	 *
	 * @param id the sandbox id
	 * @param state the lifecycle state
	 * @param image the image name recorded at creation
	 * @param metadata the metadata
	 * @param directory the sandbox's directory on the host, or {@code null} before it
	 * exists
	 * @param processCount the number of processes running in the sandbox
	 */
	public record SandboxView(String id, String state, @Nullable String image, Map<String, String> metadata,
			@Nullable Path directory, int processCount) {
	}

}
