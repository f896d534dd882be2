package io.opensandbox.spring.samples.playground;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.core.ReactiveSandbox;
import io.opensandbox.spring.core.ReactiveSandboxManager;
import io.opensandbox.spring.core.ReactiveSandboxPool;
import io.opensandbox.spring.core.ReactiveSandboxTemplate;
import io.opensandbox.spring.core.SandboxTracker;
import io.opensandbox.spring.model.SandboxInfo;

/**
 * One sandbox per browser session, taken on the session's first command from the
 * {@code sessions} pool ({@code opensandbox.pools.sessions.*}), which keeps sandboxes
 * ready so that a person's first command does not wait for a create. Sandboxes handed out
 * this way are tracked by the starter: renewed while the application runs and killed when
 * it stops, so the playground never kills them on shutdown itself. What it does itself is
 * forget a session's sandbox once it is gone (killed from the page or through
 * {@code /actuator/sandboxes}), and kill the sandboxes of sessions that stopped using
 * them, because a browser that is closed never says so.
 * <p>
 * An acquire, once started, runs to its end even if the request that started it is
 * cancelled (the browser reloaded the page): the session's next request uses the result.
 *
 * @author OpenSandbox Spring Boot
 */
@Service
public class SessionSandboxes {

	private static final Log logger = LogFactory.getLog(SessionSandboxes.class);

	/** Longest time one state lookup may take when the sandboxes are listed. */
	private static final Duration STATE_TIMEOUT = Duration.ofSeconds(5);

	/** Longest time the idle sweep waits for one kill. */
	private static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);

	private final ReactiveSandboxTemplate template;

	private final ReactiveSandboxPool pool;

	private final ReactiveSandboxManager manager;

	private final SandboxTracker tracker;

	private final Duration idleTimeout;

	private final Clock clock;

	private final Map<String, SessionSandbox> sandboxes = new ConcurrentHashMap<>();

	@Autowired
	public SessionSandboxes(ReactiveSandboxTemplate template, @Qualifier("sessions") ReactiveSandboxPool pool,
			ReactiveSandboxManager manager, SandboxTracker tracker, PlaygroundProperties properties) {
		this(template, pool, manager, tracker, properties.getIdleTimeout(), Clock.systemUTC());
	}

	SessionSandboxes(ReactiveSandboxTemplate template, ReactiveSandboxPool pool, ReactiveSandboxManager manager,
			SandboxTracker tracker, Duration idleTimeout, Clock clock) {
		this.template = template;
		this.pool = pool;
		this.manager = manager;
		this.tracker = tracker;
		this.idleTimeout = idleTimeout;
		this.clock = clock;
	}

	/**
	 * The sandbox of a session, created on first use, or again when the previous one is
	 * gone or could not be created.
	 * @param sessionId the browser session
	 * @return the ready sandbox
	 */
	public Mono<ReactiveSandbox> sandbox(String sessionId) {
		return Mono.defer(() -> this.sandboxes
			.compute(sessionId, (key, existing) -> (existing != null && isUsable(existing)) ? existing : create())
			.use(this.clock.instant()));
	}

	private SessionSandbox create() {
		CompletableFuture<ReactiveSandbox> creation = this.pool.acquire().toFuture();
		return new SessionSandbox(creation, this.clock);
	}

	/**
	 * The sandbox of a session if it has one already (live, or being created), without
	 * creating one.
	 * @param sessionId the browser session
	 * @return the sandbox, or empty
	 */
	public Mono<ReactiveSandbox> existingSandbox(String sessionId) {
		return Mono.defer(() -> {
			SessionSandbox sandbox = this.sandboxes.get(sessionId);
			return (sandbox != null && isUsable(sandbox)) ? sandbox.use(this.clock.instant()) : Mono.empty();
		});
	}

	/**
	 * The id of a session's sandbox, if it has a live one.
	 * @param sessionId the browser session
	 * @return the sandbox id, or {@code null}
	 */
	public @Nullable String sandboxId(String sessionId) {
		SessionSandbox sandbox = this.sandboxes.get(sessionId);
		return (sandbox != null && isUsable(sandbox)) ? sandbox.id() : null;
	}

	/*
	 * Whether a session's sandbox is still being created, or was created and not killed
	 * since (the starter stops tracking a sandbox when it is killed, from anywhere in the
	 * application).
	 */
	private boolean isUsable(SessionSandbox sandbox) {
		if (!sandbox.isDone()) {
			return true;
		}
		String id = sandbox.id();
		return id != null && this.tracker.isTracked(id);
	}

	/**
	 * Every sandbox the application holds (not only the playground's), oldest first, with
	 * its state as the server reports it now. A state that cannot be looked up in time is
	 * left unknown rather than failing the list.
	 * @param sessionId the browser session asking, whose sandbox is marked
	 * @return the sandboxes
	 */
	public Flux<SandboxView> list(String sessionId) {
		String own = sandboxId(sessionId);
		return Flux.fromIterable(this.tracker.tracked())
			.flatMapSequential((sandbox) -> this.manager.get(sandbox.id())
				.map(SandboxInfo::state)
				.map((state) -> SandboxView.of(sandbox, state.value(), sandbox.id().equals(own)))
				.timeout(STATE_TIMEOUT)
				.onErrorResume((ex) -> Mono.empty())
				.defaultIfEmpty(SandboxView.of(sandbox, null, sandbox.id().equals(own))));
	}

	/**
	 * Kill one of the application's sandboxes. Sandboxes the application does not hold
	 * are refused, so the page cannot kill another application's sandboxes.
	 * @param sandboxId the sandbox id
	 * @return completes when the sandbox is being terminated
	 * @throws UnknownSandboxException if the application does not hold that sandbox
	 */
	public Mono<Void> kill(String sandboxId) {
		return Mono.defer(() -> {
			if (!this.tracker.isTracked(sandboxId)) {
				return Mono.error(new UnknownSandboxException(sandboxId));
			}
			return this.template.handle(sandboxId).kill().doOnSuccess((done) -> forget(sandboxId));
		});
	}

	private void forget(String sandboxId) {
		this.sandboxes.values().removeIf((sandbox) -> sandboxId.equals(sandbox.id()));
	}

	/**
	 * Kill the sandboxes of sessions that have not used them for the idle timeout.
	 * @return how many were killed
	 */
	@Scheduled(fixedDelayString = "${playground.idle-check-interval:60s}")
	public int killIdleSandboxes() {
		Instant threshold = this.clock.instant().minus(this.idleTimeout);
		int killed = 0;
		for (Map.Entry<String, SessionSandbox> entry : List.copyOf(this.sandboxes.entrySet())) {
			SessionSandbox sandbox = entry.getValue();
			if (!sandbox.isDone() || !sandbox.lastUsed().isBefore(threshold)
					|| !this.sandboxes.remove(entry.getKey(), sandbox)) {
				continue;
			}
			String id = sandbox.id();
			if (id != null && this.tracker.isTracked(id)) {
				try {
					this.template.handle(id).kill().block(KILL_TIMEOUT);
					killed++;
				}
				catch (RuntimeException ex) {
					logger.warn("Could not kill idle sandbox '" + id + "': " + ex.getMessage());
				}
			}
		}
		return killed;
	}

	/**
	 * The sandbox of one session: its creation (started once, not cancelled with the
	 * request that started it) and when the session last used it.
	 */
	private static final class SessionSandbox {

		private final CompletableFuture<ReactiveSandbox> creation;

		private volatile Instant lastUsed;

		SessionSandbox(CompletableFuture<ReactiveSandbox> creation, Clock clock) {
			this.creation = creation;
			this.lastUsed = clock.instant();
			// Waiting for a new sandbox is not being idle
			creation.whenComplete((sandbox, failure) -> this.lastUsed = clock.instant());
		}

		Mono<ReactiveSandbox> use(Instant now) {
			this.lastUsed = now;
			return Mono.fromFuture(this.creation, true);
		}

		Instant lastUsed() {
			return this.lastUsed;
		}

		boolean isDone() {
			return this.creation.isDone();
		}

		/*
		 * The id of the created sandbox, or {@code null} while it is being created or if
		 * its creation failed.
		 */
		@Nullable String id() {
			if (!this.creation.isDone() || this.creation.isCompletedExceptionally()) {
				return null;
			}
			return this.creation.join().id();
		}

	}

}
