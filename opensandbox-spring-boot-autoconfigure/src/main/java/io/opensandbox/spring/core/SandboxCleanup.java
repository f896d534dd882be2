package io.opensandbox.spring.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.util.Assert;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.model.SandboxInfo;
import io.opensandbox.spring.observation.OpenSandboxObservationContext;
import io.opensandbox.spring.observation.OpenSandboxObservationDocumentation;
import io.opensandbox.spring.observation.OpenSandboxObservations;

/**
 * Keeps the application's sandboxes alive while it runs and kills them when it stops, so
 * that none outlives its purpose: tracked sandboxes are renewed in the background (a JVM
 * that dies without stopping leaves them running for one time-to-live at most), and at
 * shutdown every tracked sandbox is killed in parallel within a deadline. Optionally, at
 * startup, sandboxes left behind by earlier runs of the application are killed.
 * <p>
 * Only closing the application context ends the sandboxes. Stopping or pausing the
 * context (a {@code stop()}/{@code start()}, {@code pause()}/{@code restart()}, a
 * checkpoint and restore) only suspends the renewals, and starting it again resumes them;
 * tracked sandboxes and {@link SandboxScoped @SandboxScoped} beans survive it, and so
 * does the closing of a child context. Outside an application context, {@link #destroy()}
 * is the shutdown.
 * <p>
 * Stops in phase {@value #PHASE}: after the web server and application components (which
 * stop in higher phases) and before Reactor Netty's resources (phases 0 and 1), which the
 * kill requests still need. A context that was stopped before it was closed is swept when
 * its beans are destroyed.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class SandboxCleanup
		implements SmartLifecycle, ApplicationListener<ContextClosedEvent>, ApplicationContextAware, DisposableBean {

	/** The lifecycle phase: above Reactor Netty's resources and connector. */
	public static final int PHASE = 1024;

	private static final Log logger = LogFactory.getLog(SandboxCleanup.class);

	private final ReactiveSandboxManager manager;

	private final SandboxTracker tracker;

	private final @Nullable SandboxScope scope;

	private final Settings settings;

	private final Clock clock;

	private final OpenSandboxObservations observations;

	private volatile @Nullable Disposable keepAlive;

	private volatile boolean running;

	private volatile boolean started;

	private volatile boolean closing;

	private final List<Supplier<Mono<Void>>> drains = new CopyOnWriteArrayList<>();

	private volatile boolean shutDown;

	private @Nullable ApplicationContext applicationContext;

	/**
	 * Create the cleanup.
	 * @param manager the manager the renewals and kills go through
	 * @param tracker the tracked sandboxes
	 * @param scope the sandbox scope whose beans are destroyed at shutdown, if any
	 * @param settings what to do and when
	 * @param clock the clock renewals are computed with
	 */
	public SandboxCleanup(ReactiveSandboxManager manager, SandboxTracker tracker, @Nullable SandboxScope scope,
			Settings settings, Clock clock) {
		this(manager, tracker, scope, settings, clock, OpenSandboxObservations.NOOP);
	}

	/**
	 * Create the cleanup, recording the shutdown sweep as an {@code opensandbox.cleanup}
	 * observation.
	 * @param manager the manager the renewals and kills go through
	 * @param tracker the tracked sandboxes
	 * @param scope the sandbox scope whose beans are destroyed at shutdown, if any
	 * @param settings what to do and when
	 * @param clock the clock renewals are computed with
	 * @param observations where observations go
	 */
	public SandboxCleanup(ReactiveSandboxManager manager, SandboxTracker tracker, @Nullable SandboxScope scope,
			Settings settings, Clock clock, OpenSandboxObservations observations) {
		Assert.notNull(manager, "'manager' must not be null");
		this.observations = observations;
		Assert.notNull(tracker, "'tracker' must not be null");
		Assert.notNull(settings, "'settings' must not be null");
		this.manager = manager;
		this.tracker = tracker;
		this.scope = scope;
		this.settings = settings;
		this.clock = clock;
		if (scope != null) {
			tracker.onGone((sandbox) -> {
				if (sandbox.owner() != null) {
					scope.discard(sandbox.owner());
				}
			});
		}
	}

	@Override
	public void setApplicationContext(ApplicationContext applicationContext) {
		this.applicationContext = applicationContext;
	}

	/**
	 * Note that this context (not a child) is closing, so that the coming {@link #stop()}
	 * is the shutdown rather than a pause.
	 * @param event the event
	 */
	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		if (event.getApplicationContext() == this.applicationContext) {
			this.closing = true;
		}
	}

	@Override
	public void start() {
		if (this.shutDown) {
			return;
		}
		if (this.settings.keepAliveInterval() != null) {
			Duration interval = this.settings.keepAliveInterval();
			// After a restart, sandboxes due meanwhile are renewed at once
			this.keepAlive = Flux.interval(this.started ? Duration.ZERO : interval, interval, Schedulers.parallel())
				.onBackpressureDrop()
				.concatMap((tick) -> renewDue(), 1)
				.subscribe();
		}
		if (this.settings.orphanSweep() != null && !this.started) {
			sweepOrphans(this.settings.orphanSweep()).subscribe();
		}
		this.started = true;
		this.running = true;
	}

	/**
	 * Renew every tracked sandbox that has used up half its time to live (or whose expiry
	 * is unknown).
	 * @return completes when the renewals are done
	 */
	Mono<Void> renewDue() {
		Instant now = this.clock.instant();
		return Flux.fromIterable(this.tracker.tracked())
			.filter((sandbox) -> isDue(sandbox, now))
			.flatMap(this::renew, this.settings.concurrency())
			.then();
	}

	private static boolean isDue(SandboxTracker.TrackedSandbox sandbox, Instant now) {
		Duration timeToLive = sandbox.timeToLive();
		Instant expiresAt = sandbox.expiresAt();
		return timeToLive != null && (expiresAt == null || !expiresAt.isAfter(now.plus(timeToLive.dividedBy(2))));
	}

	private Mono<Void> renew(SandboxTracker.TrackedSandbox sandbox) {
		return Mono.justOrEmpty(sandbox.timeToLive())
			.flatMap((timeToLive) -> this.manager.renew(sandbox.id(), timeToLive))
			.doOnNext((expiresAt) -> this.tracker.renewed(sandbox.id(), expiresAt))
			.then()
			.onErrorResume(OpenSandboxApiException.NotFound.class, (ex) -> {
				logger.debug("Tracked sandbox '" + sandbox.id() + "' is gone; no longer tracking it");
				this.tracker.gone(sandbox.id());
				return Mono.empty();
			})
			.onErrorResume((ex) -> {
				logger.warn("Renewing sandbox '" + sandbox.id() + "' failed: " + ex.getMessage());
				return Mono.empty();
			});
	}

	/**
	 * Kill the sandboxes of this application left by other instances.
	 * @param ownership this instance's ownership
	 * @return the number killed
	 */
	Mono<Integer> sweepOrphans(SandboxOwnership ownership) {
		SandboxInfo.Filter filter = SandboxInfo.Filter.all()
			.withMetadata(SandboxOwnership.APPLICATION_KEY, ownership.application());
		AtomicInteger killed = new AtomicInteger();
		return this.manager.listAll(filter)
			.filter((sandbox) -> !ownership.instance().equals(sandbox.metadata().get(SandboxOwnership.INSTANCE_KEY)))
			.filter((sandbox) -> !sandbox.state().isTerminal())
			.map(SandboxInfo::id)
			.flatMap((id) -> kill(id).doOnSuccess((done) -> killed.incrementAndGet())
				.onErrorResume((ex) -> Mono.empty()), this.settings.concurrency())
			.then(Mono.fromCallable(killed::get))
			.doOnNext((count) -> {
				if (count > 0) {
					logger.info("Killed " + count + " sandboxes left by earlier instances of application '"
							+ ownership.application() + "'");
				}
			})
			.onErrorResume((ex) -> {
				logger.warn("Sweeping orphaned sandboxes failed: " + ex.getMessage());
				return Mono.just(killed.get());
			});
	}

	/**
	 * Have a sandbox pool drained when the application context closes: in parallel with
	 * the kills of the tracked sandboxes and within the same shutdown timeout, also when
	 * tracked sandboxes are not killed (idle pool sandboxes are nobody's).
	 * @param drain kills the pool's idle sandboxes
	 */
	void drainOnShutdown(Supplier<Mono<Void>> drain) {
		this.drains.add(drain);
	}

	/**
	 * Suspend the renewals, or, when the application context is closing, shut down.
	 */
	@Override
	public void stop() {
		this.running = false;
		Disposable keepAlive = this.keepAlive;
		if (keepAlive != null) {
			keepAlive.dispose();
			this.keepAlive = null;
		}
		if (this.closing) {
			shutDown();
		}
	}

	/**
	 * Shut down if {@link #stop()} did not: refuse new sandboxes, destroy the
	 * sandbox-scoped beans and kill every tracked sandbox within the shutdown timeout.
	 * Runs once.
	 */
	@Override
	public void destroy() {
		stop();
		shutDown();
	}

	private synchronized void shutDown() {
		if (this.shutDown) {
			return;
		}
		this.shutDown = true;
		this.tracker.close();
		Duration deadline = this.settings.shutdownTimeout();
		Mono<Void> destroyScoped = (this.scope != null)
				? Mono.<Void>fromRunnable(this.scope::close).subscribeOn(Schedulers.boundedElastic()) : Mono.empty();
		Mono<Void> drainPools = Flux.fromIterable(this.drains).flatMap((drain) -> drain.get().onErrorResume((ex) -> {
			logger.warn("Draining a sandbox pool failed: " + ex.getMessage());
			return Mono.empty();
		})).then();
		if (!this.settings.killOnShutdown()) {
			runWithin(Mono.when(destroyScoped, drainPools), deadline);
			return;
		}
		int total = this.tracker.size();
		AtomicInteger failed = new AtomicInteger();
		OpenSandboxObservationContext context = new OpenSandboxObservationContext(
				OpenSandboxObservationDocumentation.CLEANUP, "cleanup");
		context.setTracked(total);
		Observation observation = this.observations.cleanup(context).start();
		Mono<Void> sweep = destroyScoped.onErrorResume((ex) -> Mono.empty())
			.then(Mono.defer(() -> Flux.fromIterable(this.tracker.tracked())
				.flatMap((sandbox) -> kill(sandbox.id()).onErrorResume((ex) -> {
					failed.incrementAndGet();
					logger.debug("Killing sandbox '" + sandbox.id() + "' failed", ex);
					return Mono.empty();
				}), this.settings.concurrency())
				.then()));
		boolean finished = runWithin(Mono.when(drainPools, sweep)
			.contextWrite((reactorContext) -> reactorContext.put(OpenSandboxObservations.OBSERVATION_CONTEXT_KEY,
					observation)),
				deadline);
		List<SandboxTracker.TrackedSandbox> left = this.tracker.tracked();
		context.setFailed(failed.get());
		context.setKilled(Math.max(0, total - left.size()));
		context.setOutcome(left.isEmpty() ? OpenSandboxObservationContext.Outcome.SUCCESS
				: OpenSandboxObservationContext.Outcome.ERROR);
		observation.stop();
		if (!left.isEmpty()) {
			logger.warn(left.size() + " of " + Math.max(total, left.size())
					+ " sandboxes could not be killed at shutdown (" + failed.get() + " failed"
					+ (finished ? "" : ", the rest did not finish within " + deadline.toMillis() + " ms")
					+ "); they expire at their time to live: "
					+ left.stream().limit(20).map(SandboxTracker.TrackedSandbox::id).toList());
		}
	}

	/*
	 * Wait for the work on this (shutdown) thread, never longer than the deadline.
	 *
	 * @return whether it finished in time
	 */
	private static boolean runWithin(Mono<Void> work, Duration deadline) {
		try {
			work.timeout(deadline).block();
			return true;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private Mono<Void> kill(String sandboxId) {
		return this.manager.kill(sandboxId).doOnSuccess((done) -> this.tracker.gone(sandboxId));
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/**
	 * What the cleanup does and when.
	 *
	 * @param killOnShutdown whether to kill tracked sandboxes at shutdown
	 * @param shutdownTimeout the longest time shutdown may wait for the kills
	 * @param keepAliveInterval how often to check for sandboxes due for renewal, or
	 * {@code null} for no renewal
	 * @param orphanSweep this instance's ownership if sandboxes of other instances of the
	 * application should be killed at startup, otherwise {@code null}
	 * @param concurrency how many requests run at once
	 */
	public record Settings(boolean killOnShutdown, Duration shutdownTimeout, @Nullable Duration keepAliveInterval,
			@Nullable SandboxOwnership orphanSweep, int concurrency) {

		public Settings {
			Assert.isTrue(shutdownTimeout != null && !shutdownTimeout.isNegative() && !shutdownTimeout.isZero(),
					"Shutdown timeout must be positive");
			Assert.isTrue(keepAliveInterval == null || (!keepAliveInterval.isNegative() && !keepAliveInterval.isZero()),
					"Keep-alive interval must be positive");
			Assert.isTrue(concurrency > 0, "Concurrency must be positive");
		}

	}

}
