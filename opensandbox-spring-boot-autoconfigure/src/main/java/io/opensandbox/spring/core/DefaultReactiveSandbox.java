package io.opensandbox.spring.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.client.EgressClient;
import io.opensandbox.spring.client.ExecdClient;
import io.opensandbox.spring.client.ExecdFilesClient;
import io.opensandbox.spring.client.ExecdPtyClient;
import io.opensandbox.spring.client.LifecycleClient;
import io.opensandbox.spring.client.SandboxEndpointClients;
import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.error.OpenSandboxException;
import io.opensandbox.spring.model.SandboxEndpoint;
import io.opensandbox.spring.model.SandboxInfo;
import io.opensandbox.spring.model.SandboxMetrics;
import io.opensandbox.spring.observation.OpenSandboxObservations;

/**
 * The {@link ReactiveSandbox} on the wire clients. Endpoints are resolved on first use
 * and cached until the sandbox is paused, resumed or killed.
 *
 * @author OpenSandbox Spring Boot
 */
final class DefaultReactiveSandbox implements ReactiveSandbox {

	private static final Duration FOREVER = Duration.ofMillis(Long.MAX_VALUE);

	private final String id;

	private final LifecycleClient lifecycle;

	private final SandboxEndpointClients clients;

	private final boolean useServerProxy;

	private final Clock clock;

	private final long outputLimit;

	private final @Nullable SandboxTracker tracker;

	private final Readiness readiness;

	private final AtomicReference<@Nullable Mono<Execd>> execd = new AtomicReference<>();

	private final AtomicReference<@Nullable Mono<EgressClient>> egress = new AtomicReference<>();

	private final ReactiveCommands commands;

	private final ReactiveCodes codes;

	private final ReactivePty pty;

	private final ReactiveEgress egressPolicy;

	private final ReactiveFiles files;

	/*
	 * Create a handle for an existing sandbox. Nothing is sent until it is used.
	 *
	 * @param outputLimit how many characters of each output stream a collected execution
	 * keeps
	 *
	 * @param tracker the tracker of the application's sandboxes, if it may hold this one
	 *
	 * @param readiness how to wait for readiness unless told otherwise
	 */
	DefaultReactiveSandbox(String id, LifecycleClient lifecycle, SandboxEndpointClients clients, boolean useServerProxy,
			Clock clock, long outputLimit, @Nullable SandboxTracker tracker, Readiness readiness) {
		Assert.hasText(id, "'id' must not be empty");
		this.id = id;
		this.lifecycle = lifecycle;
		this.clients = clients;
		this.useServerProxy = useServerProxy;
		this.clock = clock;
		this.outputLimit = outputLimit;
		this.tracker = tracker;
		this.readiness = readiness;
		this.commands = new DefaultReactiveCommands(this);
		this.codes = new DefaultReactiveCodes(this);
		this.pty = new DefaultReactivePty(this);
		this.egressPolicy = new DefaultReactiveEgress(this);
		this.files = new DefaultReactiveFiles(this);
	}

	@Override
	public String id() {
		return this.id;
	}

	@Override
	public Mono<SandboxInfo> info() {
		return this.lifecycle.get(this.id);
	}

	@Override
	public Mono<SandboxEndpoint> endpoint(int port) {
		return this.lifecycle.endpoint(this.id, port, this.useServerProxy, null);
	}

	@Override
	public Mono<SandboxEndpoint> signedEndpoint(int port, Instant expires) {
		Arguments.future(expires, this.clock, "Expiry");
		return this.lifecycle.endpoint(this.id, port, false, expires);
	}

	@Override
	public Mono<SandboxInfo.Diagnostics> diagnosticLogs(String scope) {
		Arguments.text(scope, "Scope");
		return this.lifecycle.diagnostics(this.id, "logs", scope);
	}

	@Override
	public Mono<SandboxInfo.Diagnostics> diagnosticEvents(String scope) {
		Arguments.text(scope, "Scope");
		return this.lifecycle.diagnostics(this.id, "events", scope);
	}

	@Override
	public Mono<String> endpointUrl(int port) {
		return endpoint(port).map((endpoint) -> endpoint.url(this.clients.getProtocol()));
	}

	@Override
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

	@Override
	public Mono<Void> pause() {
		return this.lifecycle.pause(this.id).doOnTerminate(this::dropEndpoints).doOnCancel(this::dropEndpoints);
	}

	@Override
	public Mono<Void> resume() {
		return resume(this.readiness);
	}

	@Override
	public Mono<Void> resume(Readiness readiness) {
		Assert.notNull(readiness, "'readiness' must not be null");
		return this.lifecycle.resume(this.id)
			.doOnTerminate(this::dropEndpoints)
			.doOnCancel(this::dropEndpoints)
			.then(awaitReady(readiness, null));
	}

	@Override
	public Mono<Boolean> isHealthy() {
		return execdClient().flatMap(ExecdClient::probe)
			.timeout(ReadinessWaiter.CHECK_TIMEOUT)
			.thenReturn(true)
			.onErrorResume((failure) -> failure instanceof OpenSandboxException || failure instanceof TimeoutException,
					(failure) -> Mono.just(false));
	}

	@Override
	public Mono<Void> waitUntilReady(Duration timeout) {
		return waitUntilReady(this.readiness.withTimeout(timeout));
	}

	@Override
	public Mono<Void> waitUntilReady(Readiness readiness) {
		Assert.notNull(readiness, "'readiness' must not be null");
		return awaitReady(readiness, null);
	}

	/*
	 * Wait as told, observed as opensandbox.sandbox.ready; a known state (the answer that
	 * preceded the wait) spares a request.
	 */
	Mono<Void> awaitReady(Readiness readiness, @Nullable SandboxInfo known) {
		if (!readiness.waits()) {
			return Mono.empty();
		}
		return this.clients.getObservations()
			.ready(this.id, new ReadinessWaiter(this, this.lifecycle, readiness, this.useServerProxy).await(known));
	}

	@Override
	public Mono<SandboxInfo> patchMetadata(Map<String, ? extends @Nullable String> patch) {
		return this.lifecycle.patchMetadata(this.id, patch);
	}

	@Override
	public Mono<Void> kill() {
		return this.lifecycle.delete(this.id)
			.onErrorResume(OpenSandboxApiException.NotFound.class, (ex) -> Mono.empty())
			.doOnSuccess((done) -> {
				if (this.tracker != null) {
					this.tracker.gone(this.id);
				}
			})
			.doOnTerminate(this::dropEndpoints)
			.doOnCancel(this::dropEndpoints);
	}

	@Override
	public boolean release() {
		return (this.tracker != null) && this.tracker.untrack(this.id);
	}

	@Override
	public ReactiveCommands commands() {
		return this.commands;
	}

	@Override
	public ReactiveFiles files() {
		return this.files;
	}

	@Override
	public ReactiveCodes codes() {
		return this.codes;
	}

	@Override
	public ReactivePty pty() {
		return this.pty;
	}

	@Override
	public ReactiveEgress egress() {
		return this.egressPolicy;
	}

	@Override
	public Mono<SandboxMetrics> metrics() {
		return withExecd(ExecdClient::metrics);
	}

	@Override
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

	@Override
	public Mono<Void> ping() {
		return withExecd(ExecdClient::ping);
	}

	long outputLimit() {
		return this.outputLimit;
	}

	<T> Mono<T> withFiles(Function<ExecdFilesClient, Mono<T>> call) {
		return filesClient().flatMap(call);
	}

	Mono<ExecdPtyClient> ptyClient() {
		return execd().map(Execd::pty);
	}

	OpenSandboxObservations observations() {
		return this.clients.getObservations();
	}

	Mono<ExecdFilesClient> filesClient() {
		return execd().map(Execd::files);
	}

	private Mono<Execd> execd() {
		return cached(this.execd,
				() -> this.lifecycle.endpoint(this.id, ExecdClient.PORT, this.useServerProxy, null)
					.map((endpoint) -> new Execd(this.clients.execd(endpoint), this.clients.files(endpoint),
							this.clients.pty(endpoint))));
	}

	Mono<EgressClient> egressClient() {
		return cached(this.egress, () -> this.lifecycle.endpoint(this.id, EgressClient.PORT, this.useServerProxy, null)
			.map(this.clients::egress));
	}

	<T> Mono<T> withExecd(Function<ExecdClient, Mono<T>> call) {
		return execdClient().flatMap(call);
	}

	/*
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
	private record Execd(ExecdClient commands, ExecdFilesClient files, ExecdPtyClient pty) {
	}

}
