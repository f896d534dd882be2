package io.opensandbox.spring.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.util.Assert;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.model.SandboxSpec;
import io.opensandbox.spring.observation.OpenSandboxObservations;

/**
 * A warm pool: sandboxes created and made ready before anyone asks, handed out at once.
 * <p>
 * A sandbox handed out is the caller's alone and is never handed out again: it is tracked
 * like one the template created, and {@link #release(ReactiveSandbox) releasing} (or
 * {@link ReactiveSandbox#kill() killing}) it ends it, after which the pool refills in the
 * background. Idle sandboxes are renewed before they expire, replaced after the pool's
 * idle time to live, and pinged before they are handed out: a broken one is replaced,
 * never handed out. Failed creations back off (1 s doubling to 1 min) and show in
 * {@link #status()}. The pool is drained (its idle sandboxes killed) when the application
 * context closes or the pool is {@link #close() closed}; stopping and starting the
 * context only suspends and resumes its upkeep.
 * <p>
 * With a {@link Builder#redis(ReactiveRedisConnectionFactory) Redis store}, the instances
 * of an application share one set of idle sandboxes: a claim is atomic, sandboxes in use
 * are held under leases that lapse when their instance dies (another instance then kills
 * them), and the instances together refill to the minimum, not each of them.
 * <p>
 * Made by the auto-configuration for each {@code opensandbox.pools.<name>} or in code
 * with {@link #builder(ReactiveSandboxTemplate)}. Thread-safe.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 * @see SandboxPool
 */
public interface ReactiveSandboxPool {

	/**
	 * The pool's name, unique in the application (and, with a Redis store, the name of
	 * the shared set of sandboxes).
	 * @return the name
	 */
	String name();

	/**
	 * The specification of the pool's sandboxes, merged over its template's defaults.
	 * @return the specification
	 */
	SandboxSpec spec();

	/**
	 * A ready sandbox, within the pool's acquire timeout: an idle one at once, otherwise,
	 * by the pool's {@link WhenEmpty policy}, a new one or the next the pool makes ready.
	 * @return the sandbox, or an
	 * {@link io.opensandbox.spring.error.OpenSandboxTimeoutException} when none could be
	 * had in time
	 */
	Mono<ReactiveSandbox> acquire();

	/**
	 * A ready sandbox, within the given timeout.
	 * @param timeout the longest wait
	 * @return the sandbox, or an
	 * {@link io.opensandbox.spring.error.OpenSandboxTimeoutException} when none could be
	 * had in time
	 */
	Mono<ReactiveSandbox> acquire(Duration timeout);

	/**
	 * Give a sandbox back: it is killed (a used sandbox is never handed out again) and
	 * the pool refills in the background. The same as killing it.
	 * @param sandbox a sandbox this pool handed out
	 * @return completes when it is killed
	 */
	Mono<Void> release(ReactiveSandbox sandbox);

	/**
	 * Acquire a sandbox, use it and release it, however the callback ends.
	 * @param <T> the type of the callback's elements
	 * @param callback what to do with the sandbox
	 * @return the callback's elements
	 */
	<T> Flux<T> execute(Function<ReactiveSandbox, ? extends Publisher<T>> callback);

	/**
	 * What the pool holds and does now.
	 * @return the status
	 */
	Status status();

	/**
	 * Kill the idle sandboxes and stop the upkeep, within the pool's drain timeout.
	 * Sandboxes already handed out are not touched. A closed pool hands out nothing.
	 */
	void close();

	/**
	 * A builder of a pool whose sandboxes the given template creates (with its defaults,
	 * readiness and tracking).
	 * @param template the template; it must track its sandboxes
	 * @return the builder
	 */
	static Builder builder(ReactiveSandboxTemplate template) {
		return new Builder(template);
	}

	/**
	 * What an acquire does when no sandbox is idle.
	 */
	enum WhenEmpty {

		/**
		 * Create a sandbox for the caller if the pool's maximum total allows, otherwise
		 * wait for one.
		 */
		CREATE,

		/**
		 * Wait for the pool's background refill; never create for the caller.
		 */
		WAIT

	}

	/**
	 * What a pool holds and does. With a Redis store the counts are those of all
	 * instances together, except {@code creating}, this instance's creations.
	 *
	 * @param name the pool's name
	 * @param idle ready sandboxes waiting to be handed out
	 * @param inUse sandboxes handed out and not yet killed or released
	 * @param creating sandboxes being created
	 * @param target how many idle sandboxes the pool refills to now: the minimum, raised
	 * towards the maximum idle by acquires that found none
	 * @param creationFailures creations that failed since the pool started
	 * @param consecutiveFailures creations that failed since the last that succeeded
	 * @param lastFailure the last creation failure's message, or {@code null}
	 * @param retryAt when the next creation may start after failures, or {@code null}
	 * when the pool is not backing off
	 * @param running whether the pool keeps itself filled; {@code false} before the first
	 * start, while the application is stopped, and after it was closed
	 */
	record Status(String name, int idle, int inUse, int creating, int target, long creationFailures,
			int consecutiveFailures, @Nullable String lastFailure, @Nullable Instant retryAt, boolean running) {

		/**
		 * Whether the pool is backing off after failed creations.
		 * @return {@code true} while creations are suspended after failures
		 */
		public boolean backingOff() {
			return this.retryAt != null;
		}

	}

	/**
	 * Builds a {@link ReactiveSandboxPool}. Defaults: the template's specification, no
	 * minimum idle, at most 4 idle and 16 in total, a 30 s acquire timeout, a 30 min idle
	 * time to live, 2 concurrent creations, {@link WhenEmpty#CREATE}.
	 */
	final class Builder {

		private final ReactiveSandboxTemplate template;

		private String name = "default";

		private SandboxSpec spec = SandboxSpec.builder().build();

		private int minIdle;

		private int maxIdle = 4;

		private int maxTotal = 16;

		private Duration acquireTimeout = Duration.ofSeconds(30);

		private Duration idleTimeToLive = Duration.ofMinutes(30);

		private int creationConcurrency = 2;

		private WhenEmpty whenEmpty = WhenEmpty.CREATE;

		private Duration drainTimeout = Duration.ofSeconds(30);

		private Duration upkeepInterval = Duration.ofSeconds(1);

		private final SandboxTracker tracker;

		private @Nullable SandboxCleanup cleanup;

		private OpenSandboxObservations observations = OpenSandboxObservations.NOOP;

		private @Nullable ReactiveRedisConnectionFactory redis;

		private Duration leaseTime = Duration.ofSeconds(30);

		private Clock clock = Clock.systemUTC();

		Builder(ReactiveSandboxTemplate template) {
			Assert.notNull(template, "'template' must not be null");
			SandboxTracker tracker = template.getTracker();
			Assert.notNull(tracker, "A pool needs a template that tracks its sandboxes (made with a SandboxTracker), "
					+ "to learn when a sandbox it handed out is killed or released");
			this.template = template;
			this.tracker = tracker;
		}

		/**
		 * The pool's name: lower-case letters, digits and dashes.
		 * @param name the name
		 * @return this builder
		 */
		public Builder name(String name) {
			Assert.isTrue(name != null && name.matches("[a-z0-9][a-z0-9-]{0,62}"),
					() -> "A pool name is 1 to 63 lower-case letters, digits and dashes, not '" + name + "'");
			this.name = name;
			return this;
		}

		/**
		 * The specification of the pool's sandboxes, merged over the template's defaults.
		 * @param spec the specification
		 * @return this builder
		 */
		public Builder spec(SandboxSpec spec) {
			Assert.notNull(spec, "'spec' must not be null");
			this.spec = spec;
			return this;
		}

		/**
		 * How many idle sandboxes the pool keeps ready at least.
		 * @param minIdle the minimum, 0 or more
		 * @return this builder
		 */
		public Builder minIdle(int minIdle) {
			this.minIdle = minIdle;
			return this;
		}

		/**
		 * How many idle sandboxes the pool keeps at most: acquires that find none raise
		 * the refill target above the minimum up to this.
		 * @param maxIdle the maximum idle, at least the minimum
		 * @return this builder
		 */
		public Builder maxIdle(int maxIdle) {
			this.maxIdle = maxIdle;
			return this;
		}

		/**
		 * How many sandboxes the pool has at most: idle, in use and being created.
		 * @param maxTotal the maximum, at least 1 and at least the maximum idle
		 * @return this builder
		 */
		public Builder maxTotal(int maxTotal) {
			this.maxTotal = maxTotal;
			return this;
		}

		/**
		 * The longest an {@link ReactiveSandboxPool#acquire()} waits.
		 * @param acquireTimeout a positive timeout
		 * @return this builder
		 */
		public Builder acquireTimeout(Duration acquireTimeout) {
			this.acquireTimeout = acquireTimeout;
			return this;
		}

		/**
		 * How long a sandbox stays idle before it is replaced by a fresh one.
		 * @param idleTimeToLive a positive time
		 * @return this builder
		 */
		public Builder idleTimeToLive(Duration idleTimeToLive) {
			this.idleTimeToLive = idleTimeToLive;
			return this;
		}

		/**
		 * How many sandboxes this instance creates at the same time for the refill.
		 * @param creationConcurrency at least 1
		 * @return this builder
		 */
		public Builder creationConcurrency(int creationConcurrency) {
			this.creationConcurrency = creationConcurrency;
			return this;
		}

		/**
		 * What an acquire does when no sandbox is idle.
		 * @param whenEmpty the policy
		 * @return this builder
		 */
		public Builder whenEmpty(WhenEmpty whenEmpty) {
			Assert.notNull(whenEmpty, "'whenEmpty' must not be null");
			this.whenEmpty = whenEmpty;
			return this;
		}

		/**
		 * The longest the drain at shutdown or {@link ReactiveSandboxPool#close()} takes.
		 * @param drainTimeout a positive timeout
		 * @return this builder
		 */
		public Builder drainTimeout(Duration drainTimeout) {
			this.drainTimeout = drainTimeout;
			return this;
		}

		/**
		 * How often the pool refills, renews, replaces and (with Redis) renews its
		 * leases, besides refilling at once after every hand-out.
		 * @param upkeepInterval a positive interval
		 * @return this builder
		 */
		public Builder upkeepInterval(Duration upkeepInterval) {
			this.upkeepInterval = upkeepInterval;
			return this;
		}

		/**
		 * The application's cleanup, which drains the pool when the application context
		 * closes, within its shutdown timeout, before it kills the sandboxes in use.
		 * Without it, {@link ReactiveSandboxPool#close()} is the drain.
		 * @param cleanup the cleanup
		 * @return this builder
		 */
		public Builder cleanup(@Nullable SandboxCleanup cleanup) {
			this.cleanup = cleanup;
			return this;
		}

		/**
		 * Where acquire latencies are observed ({@code opensandbox.pool.acquire}).
		 * @param observations the observations
		 * @return this builder
		 */
		public Builder observations(OpenSandboxObservations observations) {
			Assert.notNull(observations, "'observations' must not be null");
			this.observations = observations;
			return this;
		}

		/**
		 * Share the pool's sandboxes with the other instances of the application through
		 * Redis (Spring Data Redis must be on the class path).
		 * @param connectionFactory the connection to Redis
		 * @return this builder
		 */
		public Builder redis(@Nullable ReactiveRedisConnectionFactory connectionFactory) {
			this.redis = connectionFactory;
			return this;
		}

		/**
		 * With a Redis store, how long a claim or a creation in progress lasts unless its
		 * instance renews it (every upkeep): the time after which a dead instance's
		 * sandboxes are killed by the others.
		 * @param leaseTime a positive time, longer than the upkeep interval
		 * @return this builder
		 */
		public Builder leaseTime(Duration leaseTime) {
			this.leaseTime = leaseTime;
			return this;
		}

		/**
		 * The clock for idle times and backoff.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			Assert.notNull(clock, "'clock' must not be null");
			this.clock = clock;
			return this;
		}

		/**
		 * Build the pool. It starts filling when it is started: by the application
		 * context when it is a bean, otherwise at its first acquire.
		 * @return the pool
		 */
		public ReactiveSandboxPool build() {
			positive(this.acquireTimeout, "Acquire timeout");
			positive(this.idleTimeToLive, "Idle time to live");
			positive(this.drainTimeout, "Drain timeout");
			positive(this.upkeepInterval, "Upkeep interval");
			positive(this.leaseTime, "Lease time");
			Assert.isTrue(this.minIdle >= 0, () -> "Min idle must not be negative, not " + this.minIdle);
			Assert.isTrue(this.maxIdle >= this.minIdle,
					() -> "Max idle (" + this.maxIdle + ") must be at least min idle (" + this.minIdle + ")");
			Assert.isTrue(this.maxTotal >= 1 && this.maxTotal >= this.maxIdle, () -> "Max total (" + this.maxTotal
					+ ") must be at least 1 and at least max idle (" + this.maxIdle + ")");
			Assert.isTrue(this.creationConcurrency >= 1,
					() -> "Creation concurrency must be at least 1, not " + this.creationConcurrency);
			Assert.isTrue(this.leaseTime.compareTo(this.upkeepInterval.multipliedBy(2)) >= 0, () -> "Lease time ("
					+ this.leaseTime + ") must be at least twice the upkeep interval (" + this.upkeepInterval + ")");
			DefaultReactiveSandboxPool.Settings settings = new DefaultReactiveSandboxPool.Settings(this.name, this.spec,
					this.minIdle, this.maxIdle, this.maxTotal, this.acquireTimeout, this.idleTimeToLive,
					this.creationConcurrency, this.whenEmpty, this.drainTimeout, this.upkeepInterval, this.clock);
			SandboxPoolStore store = (this.redis != null)
					? new RedisSandboxPoolStore(this.redis, this.name, this.leaseTime) : new LocalSandboxPoolStore();
			DefaultReactiveSandboxPool pool = new DefaultReactiveSandboxPool(this.template, this.tracker, settings,
					store, this.observations);
			if (this.cleanup != null) {
				this.cleanup.drainOnShutdown(pool::drain);
			}
			return pool;
		}

		private static void positive(Duration duration, String name) {
			Assert.isTrue(duration != null && !duration.isNegative() && !duration.isZero(),
					() -> name + " must be positive, not " + duration);
		}

	}

}
