package io.opensandbox.spring.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.util.Assert;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.client.LifecycleClient;
import io.opensandbox.spring.client.SandboxEndpointClients;
import io.opensandbox.spring.error.SandboxReadinessException;
import io.opensandbox.spring.model.SandboxInfo;
import io.opensandbox.spring.model.SandboxSpec;

/**
 * Reactive implementation of {@link ReactiveSandboxOperations}. Thread-safe.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class ReactiveSandboxTemplate implements ReactiveSandboxOperations {

	private static final Log logger = LogFactory.getLog(ReactiveSandboxTemplate.class);

	private final LifecycleClient lifecycle;

	private final SandboxEndpointClients clients;

	private final SandboxTemplateSettings settings;

	private final @Nullable SandboxTracker tracker;

	private final @Nullable SandboxOwnership ownership;

	private volatile @Nullable ReactiveSandboxPool pool;

	/**
	 * Create a template that does not track the sandboxes it creates.
	 * @param connection the connection to the server
	 * @param settings defaults and readiness settings
	 */
	public ReactiveSandboxTemplate(OpenSandboxConnection connection, SandboxTemplateSettings settings) {
		this(connection, settings, null, null);
	}

	/**
	 * Create a template.
	 * @param connection the connection to the server
	 * @param settings defaults and readiness settings
	 * @param tracker where created sandboxes are tracked until killed or released, if
	 * anywhere
	 * @param ownership the metadata naming this application on every created sandbox, if
	 * any
	 */
	public ReactiveSandboxTemplate(OpenSandboxConnection connection, SandboxTemplateSettings settings,
			@Nullable SandboxTracker tracker, @Nullable SandboxOwnership ownership) {
		Assert.notNull(connection, "'connection' must not be null");
		Assert.notNull(settings, "'settings' must not be null");
		this.lifecycle = connection.lifecycle();
		this.clients = connection.endpoints();
		this.settings = settings;
		this.tracker = tracker;
		this.ownership = ownership;
	}

	@Override
	public Mono<ReactiveSandbox> create(SandboxSpec spec) {
		return create(spec, this.settings.readiness());
	}

	@Override
	public Mono<ReactiveSandbox> create(SandboxSpec spec, Readiness readiness) {
		Assert.notNull(spec, "'spec' must not be null");
		Assert.notNull(readiness, "'readiness' must not be null");
		ReactiveSandboxPool pool = this.pool;
		if (pool != null && spec.withDefaults(this.settings.defaults()).equals(pool.spec())) {
			return pool.acquire();
		}
		return create(spec, readiness, SandboxScope.currentOwner());
	}

	/*
	 * Create a sandbox for an owner (the scoped bean being created, if any).
	 */
	Mono<ReactiveSandbox> create(SandboxSpec spec, Readiness readiness, @Nullable String owner) {
		return Mono.defer(() -> {
			if (this.tracker != null) {
				this.tracker.checkOpen();
			}
			SandboxSpec merged = withOwnership(spec.withDefaults(this.settings.defaults()));
			// The creation request is not cancelled with its subscriber: a sandbox the
			// server creates after the caller gave up is killed as soon as its id is
			// known. A cancel after the sandbox was delivered (as Flux.next() sends) is
			// not giving up.
			Mono<SandboxInfo> creation = this.lifecycle.create(merged).cache();
			AtomicBoolean delivered = new AtomicBoolean();
			return creation
				.flatMap((info) -> tracked(info, merged, owner)
					.flatMap((sandbox) -> awaitReady(sandbox, info, readiness, merged.networkPolicy() != null)))
				.doOnNext((sandbox) -> delivered.set(true))
				.doOnCancel(() -> {
					if (!delivered.get()) {
						creation.flatMap((info) -> killQuietly(newHandle(info.id())))
							.subscribe(null, (ex) -> logger.debug("Creation failed after it was cancelled", ex));
					}
				});
		});
	}

	private SandboxSpec withOwnership(SandboxSpec spec) {
		if (this.ownership == null) {
			return spec;
		}
		Map<String, String> metadata = new LinkedHashMap<>(spec.metadata());
		metadata.putAll(this.ownership.metadata());
		return spec.toBuilder().metadata(metadata).build();
	}

	/*
	 * Track a sandbox the server accepted, from the moment it exists, so that a shutdown
	 * during readiness still kills it. If the tracker closed meanwhile, kill it at once.
	 */
	private Mono<DefaultReactiveSandbox> tracked(SandboxInfo info, SandboxSpec spec, @Nullable String owner) {
		DefaultReactiveSandbox sandbox = newHandle(info.id());
		if (this.tracker == null) {
			return Mono.just(sandbox);
		}
		try {
			this.tracker.track(new SandboxTracker.TrackedSandbox(info.id(), spec.image(),
					this.settings.clock().instant(), info.expiresAt(), spec.noExpiry() ? null : spec.timeout(), owner));
			return Mono.just(sandbox);
		}
		catch (IllegalStateException ex) {
			return killQuietly(sandbox).then(Mono.error(ex));
		}
	}

	/*
	 * Wait until a new sandbox is ready, or kill it. A sandbox with a network policy has
	 * an egress sidecar: its endpoint is resolved too.
	 */
	private Mono<ReactiveSandbox> awaitReady(DefaultReactiveSandbox sandbox, SandboxInfo created, Readiness readiness,
			boolean hasEgress) {
		if (!readiness.waits()) {
			return Mono.just(sandbox);
		}
		Mono<Void> egress = hasEgress ? sandbox.egressClient().then() : Mono.empty();
		return sandbox.awaitReady(readiness, created)
			.then(egress)
			.thenReturn((ReactiveSandbox) sandbox)
			.onErrorResume((failure) -> killQuietly(sandbox).then(Mono.error(killed(failure))));
	}

	private static Throwable killed(Throwable failure) {
		if (failure instanceof SandboxReadinessException readiness) {
			return new SandboxReadinessException(readiness.getLocalizedMessage() + ". The sandbox has been killed.",
					readiness.getSandboxId(), readiness.getLastState(), readiness.getAttempts(), readiness.getCause());
		}
		return failure;
	}

	private Mono<Void> killQuietly(ReactiveSandbox sandbox) {
		return sandbox.kill().onErrorResume((ex) -> {
			logger.warn("Could not kill sandbox '" + sandbox.id() + "' that did not become ready: " + ex.getMessage());
			return Mono.empty();
		});
	}

	@Override
	public Mono<ReactiveSandbox> connect(String sandboxId) {
		return connect(sandboxId, this.settings.readiness());
	}

	@Override
	public Mono<ReactiveSandbox> connect(String sandboxId, Readiness readiness) {
		Arguments.text(sandboxId, "Sandbox id");
		Assert.notNull(readiness, "'readiness' must not be null");
		return this.lifecycle.get(sandboxId).flatMap((info) -> {
			DefaultReactiveSandbox sandbox = newHandle(info.id());
			return sandbox.awaitReady(readiness, info).thenReturn(sandbox);
		});
	}

	@Override
	public <T> Flux<T> execute(SandboxSpec spec, Function<ReactiveSandbox, ? extends Publisher<T>> callback) {
		Assert.notNull(callback, "'callback' must not be null");
		return Flux.usingWhen(create(spec), callback, this::killQuietly, (sandbox, failure) -> killQuietly(sandbox),
				this::killQuietly);
	}

	/**
	 * A handle for a sandbox id, without contacting the server.
	 * @param sandboxId the sandbox id
	 * @return the handle
	 */
	public ReactiveSandbox handle(String sandboxId) {
		Arguments.text(sandboxId, "Sandbox id");
		return newHandle(sandboxId);
	}

	private DefaultReactiveSandbox newHandle(String sandboxId) {
		return new DefaultReactiveSandbox(sandboxId, this.lifecycle, this.clients, this.settings.useServerProxy(),
				this.settings.clock(), this.settings.maxCollectedOutput(), this.tracker, this.settings.readiness());
	}

	/**
	 * Serve the creates whose specification, merged over this template's defaults, is a
	 * pool's from that pool (opt-in): the caller gets a warm sandbox at once and kills it
	 * as usual, which the pool replaces. Other creates are not affected.
	 * @param pool the pool, made from this template, or {@code null} to stop drawing from
	 * one
	 */
	public void drawFrom(@Nullable ReactiveSandboxPool pool) {
		this.pool = pool;
	}

	/**
	 * The tracker of the sandboxes this template created, if it tracks them.
	 * @return the tracker or {@code null}
	 */
	public @Nullable SandboxTracker getTracker() {
		return this.tracker;
	}

	/**
	 * The settings this template creates sandboxes with.
	 * @return the settings
	 */
	public SandboxTemplateSettings getSettings() {
		return this.settings;
	}

}
