package io.opensandbox.spring.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.util.Assert;

import io.opensandbox.spring.client.EgressClient;
import io.opensandbox.spring.client.ExecdClient;
import io.opensandbox.spring.client.ExecdFilesClient;
import io.opensandbox.spring.client.LifecycleClient;
import io.opensandbox.spring.client.SandboxEndpointClients;
import io.opensandbox.spring.error.OpenSandboxNotFoundException;
import io.opensandbox.spring.model.SandboxEndpoint;
import io.opensandbox.spring.model.SandboxInfo;
import io.opensandbox.spring.model.SandboxMetrics;

/**
 * One live sandbox, reactively: its lifecycle (info, renew, pause, resume, kill), its
 * endpoints, and what runs inside it (commands, code, egress policy, metrics). Endpoints
 * are resolved on first use and cached until the sandbox is paused, resumed or killed.
 * Thread-safe. {@link Sandbox} is the blocking twin.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class ReactiveSandbox {

	private static final Duration FOREVER = Duration.ofMillis(Long.MAX_VALUE);

	private final String id;

	private final LifecycleClient lifecycle;

	private final SandboxEndpointClients clients;

	private final boolean useServerProxy;

	private final Clock clock;

	private final @Nullable SandboxTracker tracker;

	private final AtomicReference<@Nullable Mono<Execd>> execd = new AtomicReference<>();

	private final AtomicReference<@Nullable Mono<EgressClient>> egress = new AtomicReference<>();

	private final ReactiveCommands commands;

	private final ReactiveCodes codes;

	private final ReactiveEgress egressPolicy;

	private final ReactiveFiles files;

	/**
	 * Create a handle for an existing sandbox. Nothing is sent until it is used.
	 * @param id the sandbox id
	 * @param lifecycle the lifecycle client
	 * @param clients the factory for endpoint clients
	 * @param useServerProxy whether to reach endpoints through the server proxy
	 * @param clock the clock renewals are computed with
	 */
	public ReactiveSandbox(String id, LifecycleClient lifecycle, SandboxEndpointClients clients,
			boolean useServerProxy, Clock clock) {
		this(id, lifecycle, clients, useServerProxy, clock, null);
	}

	/**
	 * Create a handle for an existing sandbox that a tracker may hold. Killing it stops
	 * the tracking.
	 * @param id the sandbox id
	 * @param lifecycle the lifecycle client
	 * @param clients the factory for endpoint clients
	 * @param useServerProxy whether to reach endpoints through the server proxy
	 * @param clock the clock renewals are computed with
	 * @param tracker the tracker of the application's sandboxes, if any
	 */
	public ReactiveSandbox(String id, LifecycleClient lifecycle, SandboxEndpointClients clients,
			boolean useServerProxy, Clock clock, @Nullable SandboxTracker tracker) {
		Assert.hasText(id, "'id' must not be empty");
		this.id = id;
		this.lifecycle = lifecycle;
		this.clients = clients;
		this.useServerProxy = useServerProxy;
		this.clock = clock;
		this.tracker = tracker;
		this.commands = new ReactiveCommands(this);
		this.codes = new ReactiveCodes(this);
		this.egressPolicy = new ReactiveEgress(this);
		this.files = new ReactiveFiles(this);
	}

	/**
	 * The sandbox id.
	 * @return the id
	 */
	public String id() {
		return this.id;
	}

	/**
	 * What the server knows of this sandbox now.
	 * @return the information
	 */
	public Mono<SandboxInfo> info() {
		return this.lifecycle.get(this.id);
	}

	/**
	 * The endpoint for a port inside the sandbox, honouring the server-proxy setting.
	 * @param port the port, 1 to 65535
	 * @return the endpoint
	 */
	public Mono<SandboxEndpoint> endpoint(int port) {
		return this.lifecycle.endpoint(this.id, port, this.useServerProxy, null);
	}

	/**
	 * The URL for a port inside the sandbox (its endpoint with the configured protocol).
	 * Requests to it must carry the endpoint's headers; see {@link #endpoint(int)}.
	 * @param port the port, 1 to 65535
	 * @return the URL
	 */
	public Mono<String> endpointUrl(int port) {
		return endpoint(port).map((endpoint) -> endpoint.url(this.clients.getProtocol()));
	}

	/**
	 * Let the sandbox live for the given time from now.
	 * @param timeToLive the time to live
	 * @return the new expiry
	 */
	public Mono<Instant> renew(Duration timeToLive) {
		Assert.isTrue(timeToLive != null && !timeToLive.isNegative() && !timeToLive.isZero(),
				() -> "Time to live must be positive, not " + timeToLive);
		return Mono.defer(() -> this.lifecycle.renewExpiration(this.id, this.clock.instant().plus(timeToLive)))
			.doOnNext((expiresAt) -> {
				if (this.tracker != null) {
					this.tracker.renewed(this.id, expiresAt);
				}
			});
	}

	/**
	 * Pause the sandbox. Cached endpoints are dropped.
	 * @return completes when the server accepted the request
	 */
	public Mono<Void> pause() {
		return this.lifecycle.pause(this.id).doOnTerminate(this::dropEndpoints)
			.doOnCancel(this::dropEndpoints);
	}

	/**
	 * Resume the paused sandbox. Endpoints are resolved again on next use.
	 * @return completes when the server accepted the request
	 */
	public Mono<Void> resume() {
		return this.lifecycle.resume(this.id).doOnTerminate(this::dropEndpoints)
			.doOnCancel(this::dropEndpoints);
	}

	/**
	 * Change the sandbox's metadata: a value adds or replaces a key, {@code null} deletes
	 * it.
	 * @param patch the changes
	 * @return the sandbox with its new metadata
	 */
	public Mono<SandboxInfo> patchMetadata(Map<String, ? extends @Nullable String> patch) {
		return this.lifecycle.patchMetadata(this.id, patch);
	}

	/**
	 * Kill the sandbox. A sandbox that is already gone counts as killed. Once killed, the
	 * application no longer tracks it.
	 * @return completes when the sandbox is being terminated
	 */
	public Mono<Void> kill() {
		return this.lifecycle.delete(this.id)
			.onErrorResume(OpenSandboxNotFoundException.class, (ex) -> Mono.empty())
			.doOnSuccess((done) -> {
				if (this.tracker != null) {
					this.tracker.gone(this.id);
				}
			})
			.doOnTerminate(this::dropEndpoints)
			.doOnCancel(this::dropEndpoints);
	}

	/**
	 * Stop tracking this sandbox without killing it: it is no longer renewed, nor killed
	 * when the application stops, and becomes the caller's to manage. It still expires at
	 * its current expiry unless renewed.
	 * @return whether the application tracked it
	 */
	public boolean release() {
		return (this.tracker != null) && this.tracker.untrack(this.id);
	}

	/**
	 * Commands: run, stream, background, bash sessions.
	 * @return the commands API
	 */
	public ReactiveCommands commands() {
		return this.commands;
	}

	/**
	 * Files and directories.
	 * @return the files API
	 */
	public ReactiveFiles files() {
		return this.files;
	}

	/**
	 * The code interpreter.
	 * @return the code API
	 */
	public ReactiveCodes codes() {
		return this.codes;
	}

	/**
	 * The egress (network) policy; needs a sandbox created with a network policy.
	 * @return the egress API
	 */
	public ReactiveEgress egress() {
		return this.egressPolicy;
	}

	/**
	 * Resource usage inside the sandbox now.
	 * @return the metrics
	 */
	public Mono<SandboxMetrics> metrics() {
		return withExecd(ExecdClient::metrics);
	}

	/**
	 * Resource usage inside the sandbox, once a second until cancelled.
	 * @return the metrics
	 */
	public Flux<SandboxMetrics> watchMetrics() {
		return execdClient().flatMapMany(ExecdClient::watchMetrics);
	}

	/**
	 * The execd client of this sandbox, resolving its endpoint on first use.
	 * @return the client
	 */
	Mono<ExecdClient> execdClient() {
		return execd().map(Execd::commands);
	}

	Mono<ExecdFilesClient> filesClient() {
		return execd().map(Execd::files);
	}

	private Mono<Execd> execd() {
		return cached(this.execd, () -> this.lifecycle.endpoint(this.id, ExecdClient.PORT, this.useServerProxy, null)
			.map((endpoint) -> new Execd(this.clients.execd(endpoint), this.clients.files(endpoint))));
	}

	Mono<EgressClient> egressClient() {
		return cached(this.egress, () -> this.lifecycle.endpoint(this.id, EgressClient.PORT, this.useServerProxy, null)
			.map(this.clients::egress));
	}

	<T> Mono<T> withExecd(Function<ExecdClient, Mono<T>> call) {
		return execdClient().flatMap(call);
	}

	/**
	 * Resolve once and share the result until dropped; a failed resolution is not kept,
	 * so the next use tries again.
	 */
	private static <T> Mono<T> cached(AtomicReference<@Nullable Mono<T>> holder, Supplier<Mono<T>> resolver) {
		return Mono.defer(() -> {
			Mono<T> current = holder.get();
			if (current != null) {
				return current;
			}
			Mono<T> created = Mono.defer(resolver)
				.cache((value) -> FOREVER, (failure) -> Duration.ZERO, () -> Duration.ZERO);
			return holder.compareAndSet(null, created) ? created : Objects.requireNonNullElse(holder.get(), created);
		});
	}

	/**
	 * Forget resolved endpoints, so the next use resolves them again.
	 */
	void dropEndpoints() {
		this.execd.set(null);
		this.egress.set(null);
	}

	@Override
	public String toString() {
		return "ReactiveSandbox[" + this.id + "]";
	}

	/**
	 * The clients of one resolved execd endpoint.
	 */
	private record Execd(ExecdClient commands, ExecdFilesClient files) {
	}

}
