package io.opensandbox.spring.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.error.OpenSandboxException;
import io.opensandbox.spring.error.OpenSandboxTimeoutException;
import io.opensandbox.spring.model.SandboxSpec;
import io.opensandbox.spring.observation.OpenSandboxObservations;

/**
 * The {@link ReactiveSandboxPool}: acquires, the background refill and the upkeep
 * (leases, renewals, replacements), over a {@link SandboxPoolStore}. No lock is held
 * across I/O and nothing here blocks, so every part may run on an event loop; only
 * {@link #close()} blocks, on its caller's thread.
 * <p>
 * A {@link SmartLifecycle}: started with the application context, stopped and started
 * with it (which suspends and resumes the upkeep); the drain is the
 * {@link SandboxCleanup}'s when the context closes.
 *
 * @author OpenSandbox Spring Boot
 */
final class DefaultReactiveSandboxPool implements ReactiveSandboxPool, SmartLifecycle {

	/** The longest the ping before a hand-out may take. */
	static final Duration PING_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * The pause after the first failed creation; it doubles up to {@link #MAX_BACKOFF}.
	 */
	static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

	static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

	/** How long a waiting acquire pauses at most between two looks. */
	static final Duration MAX_POLL = Duration.ofMillis(50);

	private static final Log logger = LogFactory.getLog(DefaultReactiveSandboxPool.class);

	private final ReactiveSandboxTemplate template;

	private final SandboxTracker tracker;

	private final Settings settings;

	private final SandboxSpec spec;

	private final SandboxPoolStore store;

	private final OpenSandboxObservations observations;

	/** Handles of the idle sandboxes this instance created: their endpoints are known. */
	private final Map<String, ReactiveSandbox> warm = new ConcurrentHashMap<>();

	/** The sandboxes this instance handed out that are not yet killed or released. */
	private final Set<String> inUse = ConcurrentHashMap.newKeySet();

	private final Disposable.Composite creations = Disposables.composite();

	private final AtomicInteger creating = new AtomicInteger();

	/**
	 * How many idle sandboxes to keep: the minimum, raised by acquires that found none up
	 * to the maximum, lowered again as surplus sandboxes go stale.
	 */
	private final AtomicInteger target;

	private final AtomicLong creationFailures = new AtomicLong();

	private final AtomicInteger consecutiveFailures = new AtomicInteger();

	private volatile @Nullable String lastFailure;

	private volatile @Nullable Instant retryAt;

	/** The counts last read, with the number of the refresh that asked for them. */
	private volatile CountsSeen counts = new CountsSeen(0, new SandboxPoolStore.Counts(0, 0, 0));

	private final AtomicLong countsAsked = new AtomicLong();

	private volatile @Nullable Disposable upkeep;

	private volatile boolean started;

	private volatile boolean running;

	private volatile boolean closed;

	DefaultReactiveSandboxPool(ReactiveSandboxTemplate template, SandboxTracker tracker, Settings settings,
			SandboxPoolStore store, OpenSandboxObservations observations) {
		this.template = template;
		this.tracker = tracker;
		this.settings = settings;
		this.spec = settings.spec().withDefaults(template.getSettings().defaults());
		this.store = store;
		this.observations = observations;
		this.target = new AtomicInteger(settings.minIdle());
		tracker.onGone((sandbox) -> {
			if (this.inUse.remove(sandbox.id())) {
				this.store.done(sandbox.id()).doFinally((signal) -> afterChange()).subscribe(null, this::storeFailed);
			}
		});
	}

	@Override
	public String name() {
		return this.settings.name();
	}

	@Override
	public SandboxSpec spec() {
		return this.spec;
	}

	@Override
	public Mono<ReactiveSandbox> acquire() {
		return acquire(this.settings.acquireTimeout());
	}

	@Override
	public Mono<ReactiveSandbox> acquire(Duration timeout) {
		Assert.isTrue(timeout != null && !timeout.isNegative() && !timeout.isZero(),
				() -> "Acquire timeout must be positive, not " + timeout);
		String owner = SandboxScope.currentOwner();
		return this.observations.poolAcquire(name(), (source) -> Mono.defer(() -> {
			if (this.closed) {
				return Mono.error(new OpenSandboxException("Sandbox pool '" + name() + "' is closed", null));
			}
			if (!this.started) {
				start();
			}
			Acquisition acquisition = new Acquisition(source, owner);
			return Mono.defer(() -> acquisition.attempt())
				.repeatWhenEmpty((attempts) -> attempts.concatMap((attempt) -> Mono.delay(poll(attempt))))
				.timeout(timeout, Mono.error(() -> timedOut(timeout)));
		}));
	}

	/**
	 * How long a waiting acquire waits before its next look: 1 ms, doubling up to
	 * {@link #MAX_POLL}.
	 * @param attempt how many looks came before
	 * @return the wait
	 */
	static Duration poll(long attempt) {
		return Duration.ofMillis(Math.min(MAX_POLL.toMillis(), 1L << Math.min(attempt, 10)));
	}

	private OpenSandboxTimeoutException timedOut(Duration timeout) {
		SandboxPoolStore.Counts now = this.counts.counts();
		return new OpenSandboxTimeoutException("No sandbox from pool '" + name() + "' within " + timeout.toMillis()
				+ " ms (" + now.idle() + " idle, " + now.inUse() + " in use and " + now.creating()
				+ " being created of at most " + this.settings.maxTotal() + ")"
				+ ((this.lastFailure != null) ? "; the last creation failed: " + this.lastFailure : ""), null);
	}

	/*
	 * Hand out a claimed sandbox once it answers a ping, or replace it and find another.
	 */
	private Mono<ReactiveSandbox> handOut(SandboxPoolStore.Idle idle, @Nullable String owner) {
		ReactiveSandbox warmHandle = this.warm.remove(idle.id());
		ReactiveSandbox sandbox = (warmHandle != null) ? warmHandle : this.template.handle(idle.id());
		AtomicBoolean handedOut = new AtomicBoolean();
		return sandbox.ping().timeout(PING_TIMEOUT).thenReturn(true).onErrorResume((ex) -> {
			logger.info("Idle sandbox '" + idle.id() + "' of pool '" + name() + "' did not answer and is replaced: "
					+ ex.getMessage());
			return discard(idle.id()).then(Mono.empty());
		}).flatMap((answered) -> {
			try {
				this.tracker.track(new SandboxTracker.TrackedSandbox(idle.id(), this.spec.image(), idle.createdAt(),
						idle.expiresAt(), this.spec.noExpiry() ? null : this.spec.timeout(), owner));
			}
			catch (IllegalStateException ex) {
				return discard(idle.id())
					.then(Mono.error(new OpenSandboxException(String.valueOf(ex.getMessage()), ex)));
			}
			this.inUse.add(idle.id());
			handedOut.set(true);
			return Mono.just(sandbox);
		}).doOnCancel(() -> {
			if (!handedOut.get()) {
				discard(idle.id()).subscribe();
			}
		});
	}

	/*
	 * Take a claimed sandbox out of the books and kill it; the refill replaces it.
	 */
	private Mono<Void> discard(String sandboxId) {
		return this.store.done(sandboxId)
			.onErrorResume((ex) -> Mono.empty())
			.then(killQuietly(sandboxId))
			.doFinally((signal) -> refill());
	}

	private Mono<Void> killQuietly(String sandboxId) {
		return this.template.handle(sandboxId).kill().onErrorResume((ex) -> {
			logger.warn("Could not kill sandbox '" + sandboxId + "' of pool '" + name() + "': " + ex.getMessage());
			return Mono.empty();
		});
	}

	/*
	 * Create a sandbox for a caller that found none idle; the reservation keeps the total
	 * within the maximum. A caller that blocks cancels once it has the sandbox: by then
	 * the reservation has become the sandbox, and there is nothing to give back.
	 */
	private Mono<ReactiveSandbox> createFor(String token, @Nullable String owner) {
		AtomicBoolean booked = new AtomicBoolean();
		return this.template.create(this.spec, this.template.getSettings().readiness(), owner)
			.flatMap((sandbox) -> this.store.createdInUse(token, sandbox.id()).then(Mono.fromCallable(() -> {
				booked.set(true);
				this.inUse.add(sandbox.id());
				return sandbox;
			})))
			.doOnSuccess((sandbox) -> succeeded())
			.doOnError((ex) -> {
				failed(ex);
				giveBack(token);
			})
			.doOnCancel(() -> {
				if (!booked.get()) {
					giveBack(token);
				}
			});
	}

	@Override
	public Mono<Void> release(ReactiveSandbox sandbox) {
		Assert.notNull(sandbox, "'sandbox' must not be null");
		return sandbox.kill();
	}

	@Override
	public <T> Flux<T> execute(Function<ReactiveSandbox, ? extends Publisher<T>> callback) {
		Assert.notNull(callback, "'callback' must not be null");
		return Flux.usingWhen(acquire(), callback, this::releaseQuietly, (sandbox, failure) -> releaseQuietly(sandbox),
				this::releaseQuietly);
	}

	private Mono<Void> releaseQuietly(ReactiveSandbox sandbox) {
		return release(sandbox).onErrorResume((ex) -> {
			logger.warn("Could not kill sandbox '" + sandbox.id() + "' after use: " + ex.getMessage());
			return Mono.empty();
		});
	}

	/*
	 * Start as many creations as the target, the limits and the creation concurrency
	 * allow. Safe to call from anywhere, any number of times.
	 */
	void refill() {
		if (!this.running || backingOff()) {
			return;
		}
		int now;
		do {
			now = this.creating.get();
			if (now >= this.settings.creationConcurrency()) {
				return;
			}
		}
		while (!this.creating.compareAndSet(now, now + 1));
		this.store.reserve(this.target.get(), this.settings.maxTotal(), false).doOnNext((token) -> {
			startCreation(token);
			refill();
		}).switchIfEmpty(Mono.fromRunnable(this.creating::decrementAndGet)).subscribe(null, (ex) -> {
			this.creating.decrementAndGet();
			storeFailed(ex);
		});
	}

	private void startCreation(String token) {
		Disposable.Swap creation = Disposables.swap();
		this.creations.add(creation);
		creation.update(this.template.create(this.spec, this.template.getSettings().readiness(), null)
			.flatMap(this::idle)
			.flatMap((idle) -> {
				if (this.closed) {
					return this.store.cancel(token).then(killQuietly(idle.id()));
				}
				return this.store.created(token, idle).flatMap((added) -> {
					if (added) {
						return Mono.empty();
					}
					this.warm.remove(idle.id());
					return killQuietly(idle.id());
				});
			})
			.doOnCancel(() -> giveBack(token))
			.doFinally((signal) -> {
				this.creations.remove(creation);
				this.creating.decrementAndGet();
				refreshCounts();
				refill();
			})
			.subscribe(null, (ex) -> {
				failed(ex);
				giveBack(token);
			}, this::succeeded));
	}

	/*
	 * A new sandbox leaves the tracker (which kills what the application uses at
	 * shutdown) for the pool's books: idle sandboxes are the pool's to renew and drain.
	 */
	private Mono<SandboxPoolStore.Idle> idle(ReactiveSandbox sandbox) {
		SandboxTracker.TrackedSandbox tracked = this.tracker.get(sandbox.id());
		this.tracker.untrack(sandbox.id());
		this.warm.put(sandbox.id(), sandbox);
		return Mono.just(new SandboxPoolStore.Idle(sandbox.id(), this.settings.clock().instant(),
				(tracked != null) ? tracked.expiresAt() : null));
	}

	/*
	 * Give back the reservation of a creation that failed or was cancelled, and show it.
	 */
	private void giveBack(String token) {
		this.store.cancel(token).doFinally((signal) -> refreshCounts()).subscribe(null, this::storeFailed);
	}

	private void succeeded() {
		this.consecutiveFailures.set(0);
		this.retryAt = null;
	}

	private void failed(Throwable failure) {
		this.creationFailures.incrementAndGet();
		int failures = this.consecutiveFailures.incrementAndGet();
		this.lastFailure = failure.getClass().getSimpleName() + ": " + failure.getMessage();
		long backoff = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(failures - 1, 16));
		this.retryAt = this.settings.clock().instant().plusMillis(backoff);
		logger.warn("Creating a sandbox for pool '" + name() + "' failed (" + failures + " in a row, next try in "
				+ backoff + " ms): " + failure.getMessage());
	}

	private boolean backingOff() {
		Instant retry = this.retryAt;
		return retry != null && this.settings.clock().instant().isBefore(retry);
	}

	private void raiseTarget() {
		this.target.getAndUpdate((now) -> Math.min(now + 1, this.settings.maxIdle()));
	}

	private void storeFailed(Throwable failure) {
		logger.warn("The store of sandbox pool '" + name() + "' failed: " + failure.getMessage());
	}

	/*
	 * Refresh the counts (at once with the memory store, so that the status is current
	 * when a hand-out returns) and refill off the caller's path: a hand-out does not wait
	 * for the next creation to be sent.
	 */
	private void afterChange() {
		refreshCounts();
		Schedulers.parallel().schedule(this::refill);
	}

	/*
	 * Refreshes run on several threads: the counts of a later refresh are never replaced
	 * by those of an earlier one that answered last.
	 */
	private void refreshCounts() {
		long asked = this.countsAsked.incrementAndGet();
		this.store.counts().subscribe((now) -> show(new CountsSeen(asked, now)), this::storeFailed);
	}

	private synchronized void show(CountsSeen seen) {
		if (seen.asked() > this.counts.asked()) {
			this.counts = seen;
		}
	}

	/*
	 * One round of upkeep: forget released sandboxes, keep the leases, kill what a dead
	 * instance left in use, replace idle sandboxes past their idle time to live, trim to
	 * the maximum idle, renew what expires soon, and refill.
	 */
	Mono<Void> upkeep() {
		this.inUse.removeIf((id) -> {
			if (this.tracker.isTracked(id)) {
				return false;
			}
			this.store.done(id).subscribe(null, this::storeFailed);
			return true;
		});
		Instant now = this.settings.clock().instant();
		Mono<Void> lapsed = this.store.upkeep(List.copyOf(this.inUse)).flatMapMany(Flux::fromIterable).flatMap((id) -> {
			logger.warn("Sandbox '" + id + "' of pool '" + name()
					+ "' was held by an instance that stopped renewing its lease: killing it");
			return killQuietly(id);
		}, 4).then();
		Mono<Void> idle = this.store.idle().flatMapMany((sandboxes) -> {
			forgetWarmHandlesOtherThan(sandboxes);
			int surplus = sandboxes.size() - this.settings.maxIdle();
			return Flux.fromIterable(sandboxes).index().concatMap((entry) -> {
				SandboxPoolStore.Idle sandbox = entry.getT2();
				boolean stale = !sandbox.createdAt().plus(this.settings.idleTimeToLive()).isAfter(now);
				if (stale || entry.getT1() < surplus) {
					return replace(sandbox, stale);
				}
				return renewIfDue(sandbox, now);
			});
		}).then();
		return lapsed.then(idle).onErrorResume((ex) -> {
			storeFailed(ex);
			return Mono.empty();
		}).doFinally((signal) -> {
			refreshCounts();
			refill();
		});
	}

	/*
	 * With a shared store, other instances claim sandboxes this one created: their warm
	 * handles would otherwise stay here for good. (A handle dropped for a sandbox that
	 * became idle meanwhile costs one endpoint lookup at its hand-out.)
	 */
	private void forgetWarmHandlesOtherThan(List<SandboxPoolStore.Idle> idle) {
		Set<String> ids = new HashSet<>();
		idle.forEach((sandbox) -> ids.add(sandbox.id()));
		this.warm.keySet().retainAll(ids);
	}

	private Mono<Void> replace(SandboxPoolStore.Idle sandbox, boolean stale) {
		return this.store.remove(sandbox.id()).flatMap((removed) -> {
			if (!removed) {
				return Mono.empty();
			}
			if (stale) {
				this.target.getAndUpdate((now) -> Math.max(this.settings.minIdle(), now - 1));
			}
			this.warm.remove(sandbox.id());
			return killQuietly(sandbox.id());
		});
	}

	private Mono<Void> renewIfDue(SandboxPoolStore.Idle sandbox, Instant now) {
		Duration timeToLive = this.spec.timeout();
		Instant expiresAt = sandbox.expiresAt();
		if (this.spec.noExpiry() || timeToLive == null || expiresAt == null
				|| expiresAt.isAfter(now.plus(timeToLive.dividedBy(2)))) {
			return Mono.empty();
		}
		return this.template.handle(sandbox.id())
			.renew(timeToLive)
			.flatMap((renewed) -> this.store.renewed(sandbox.id(), renewed))
			.onErrorResume(OpenSandboxApiException.NotFound.class, (gone) -> {
				this.warm.remove(sandbox.id());
				return this.store.remove(sandbox.id()).then();
			})
			.onErrorResume((ex) -> {
				logger.warn("Renewing idle sandbox '" + sandbox.id() + "' of pool '" + name() + "' failed: "
						+ ex.getMessage());
				return Mono.empty();
			});
	}

	/**
	 * Close the pool: no more hand-outs, creations in progress cancelled (the template
	 * kills what they created), and the idle sandboxes killed.
	 * @return completes when the idle sandboxes are killed
	 */
	Mono<Void> drain() {
		return Mono.defer(() -> {
			this.closed = true;
			stop();
			this.creations.dispose();
			return this.store.drain().flatMapMany(Flux::fromIterable).flatMap((idle) -> {
				this.warm.remove(idle.id());
				return killQuietly(idle.id());
			}, 16).then(Mono.fromRunnable(this::refreshCounts));
		});
	}

	@Override
	public void close() {
		try {
			drain().timeout(this.settings.drainTimeout()).block();
		}
		catch (RuntimeException ex) {
			logger.warn("Sandbox pool '" + name() + "' was not drained within "
					+ this.settings.drainTimeout().toMillis() + " ms: " + ex.getMessage());
		}
	}

	@Override
	public Status status() {
		SandboxPoolStore.Counts now = this.counts.counts();
		Instant retry = backingOff() ? this.retryAt : null;
		return new Status(name(), now.idle(), now.inUse(), now.creating(), this.target.get(),
				this.creationFailures.get(), this.consecutiveFailures.get(), this.lastFailure, retry, this.running);
	}

	@Override
	public synchronized void start() {
		if (this.closed || this.running) {
			return;
		}
		this.started = true;
		this.running = true;
		Duration interval = this.settings.upkeepInterval();
		this.upkeep = this.store.join().onErrorResume((ex) -> {
			storeFailed(ex);
			return Mono.empty();
		})
			.thenMany(Flux.interval(Duration.ZERO, interval, Schedulers.parallel()))
			.onBackpressureDrop()
			.concatMap((tick) -> upkeep(), 1)
			.subscribe();
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		Disposable current = this.upkeep;
		if (current != null) {
			current.dispose();
			this.upkeep = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Stops before the {@link SandboxCleanup}, which drains the pool when the context
	 * closes.
	 */
	@Override
	public int getPhase() {
		return SandboxCleanup.PHASE + 1;
	}

	/**
	 * How many handles of idle sandboxes this instance keeps (for tests).
	 * @return the count
	 */
	int warmHandles() {
		return this.warm.size();
	}

	@Override
	public String toString() {
		return "SandboxPool '" + name() + "' " + status();
	}

	/*
	 * One acquire's attempts: an idle sandbox, else (by policy) one created for the
	 * caller, else nothing yet (the caller polls).
	 */
	private final class Acquisition {

		private final Consumer<String> source;

		private final @Nullable String owner;

		private boolean missed;

		Acquisition(Consumer<String> source, @Nullable String owner) {
			this.source = source;
			this.owner = owner;
		}

		Mono<ReactiveSandbox> attempt() {
			DefaultReactiveSandboxPool pool = DefaultReactiveSandboxPool.this;
			return pool.store.claim()
				.flatMap((idle) -> pool.handOut(idle, this.owner).switchIfEmpty(Mono.defer(this::attempt)))
				.doOnNext((sandbox) -> {
					this.source.accept(this.missed ? "waited" : "idle");
					pool.afterChange();
				})
				.switchIfEmpty(Mono.defer(this::empty));
		}

		private Mono<ReactiveSandbox> empty() {
			DefaultReactiveSandboxPool pool = DefaultReactiveSandboxPool.this;
			if (!this.missed) {
				this.missed = true;
				pool.raiseTarget();
				pool.refill();
			}
			if (pool.settings.whenEmpty() != WhenEmpty.CREATE) {
				return Mono.empty();
			}
			return pool.store.reserve(pool.target.get(), pool.settings.maxTotal(), true)
				.flatMap((token) -> pool.createFor(token, this.owner))
				.doOnNext((sandbox) -> {
					this.source.accept("created");
					pool.afterChange();
				});
		}

	}

	private record CountsSeen(long asked, SandboxPoolStore.Counts counts) {

	}

	/**
	 * What a pool was built with.
	 *
	 * @param name the name
	 * @param spec the specification of its sandboxes
	 * @param minIdle the minimum idle
	 * @param maxIdle the maximum idle
	 * @param maxTotal the maximum in all
	 * @param acquireTimeout the default acquire timeout
	 * @param idleTimeToLive how long a sandbox stays idle before it is replaced
	 * @param creationConcurrency how many creations run at once
	 * @param whenEmpty what an acquire does when none is idle
	 * @param drainTimeout the longest drain
	 * @param upkeepInterval how often the upkeep runs
	 * @param clock the clock
	 */
	record Settings(String name, SandboxSpec spec, int minIdle, int maxIdle, int maxTotal, Duration acquireTimeout,
			Duration idleTimeToLive, int creationConcurrency, WhenEmpty whenEmpty, Duration drainTimeout,
			Duration upkeepInterval, Clock clock) {

	}

}
