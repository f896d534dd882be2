package io.opensandbox.spring.core;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

import io.opensandbox.spring.client.ExecdClient;
import io.opensandbox.spring.client.LifecycleClient;
import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.error.OpenSandboxException;
import io.opensandbox.spring.error.SandboxReadinessException;
import io.opensandbox.spring.model.SandboxInfo;

/**
 * Waits until one sandbox passes its {@link Readiness.Check}, with two schedules (see
 * {@link Readiness}): the lifecycle server is asked for the state, slowly, to learn
 * progress and to stop at once when the sandbox fails or vanishes; the check runs on its
 * own schedule, fast where it loads only the sandbox. Each loop retries on its own
 * schedule, so its requests bypass the general retry filter. Remembers what it saw for
 * the failure message.
 *
 * @author OpenSandbox Spring Boot
 */
final class ReadinessWaiter {

	/** The first delay of the lifecycle schedule. */
	static final Duration LIFECYCLE_FIRST = Duration.ofMillis(250);

	/** The step by which the lifecycle schedule grows to the poll interval. */
	static final Duration LIFECYCLE_STEP = Duration.ofMillis(150);

	/** The first delay, and the step, of the state schedule through the server proxy. */
	static final Duration PROXY_STATE_STEP = Duration.ofMillis(500);

	/** How long the diagnostic events of a failed wait are waited for. */
	static final Duration DIAGNOSTICS_TIMEOUT = Duration.ofSeconds(1);

	/** How many diagnostic events a failure message shows at most, the latest. */
	static final int MAX_EVENTS = 5;

	/** How long one diagnostic event may be in a failure message. */
	static final int MAX_EVENT_LENGTH = 200;

	/** How long one check may take before it counts as "not yet". */
	static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);

	private final DefaultReactiveSandbox sandbox;

	private final LifecycleClient lifecycle;

	private final Readiness readiness;

	private final boolean useServerProxy;

	private final boolean execdPing;

	private final AtomicInteger stateRequests = new AtomicInteger();

	private final AtomicInteger checks = new AtomicInteger();

	private final Sinks.One<Void> running = Sinks.one();

	private volatile @Nullable String lastState;

	private volatile @Nullable String lastReason;

	private volatile @Nullable Throwable lastError;

	private volatile boolean reachedRunning;

	ReadinessWaiter(DefaultReactiveSandbox sandbox, LifecycleClient lifecycle, Readiness readiness,
			boolean useServerProxy) {
		this.sandbox = sandbox;
		this.lifecycle = lifecycle;
		this.readiness = readiness;
		this.useServerProxy = useServerProxy;
		this.execdPing = readiness.check() == Readiness.Check.EXECD_PING;
	}

	/*
	 * Wait; a sandbox already known to be running (from the answer that preceded the
	 * wait) is checked at once.
	 */
	Mono<Void> await(@Nullable SandboxInfo known) {
		return Mono.defer(() -> {
			if (known != null && record(known)) {
				return Mono.error(new Fatal(null));
			}
			Mono<Void> ready = this.execdPing ? resolveExecd().then(checkUntilReady())
					: this.running.asMono().then(checkUntilReady());
			return Mono.firstWithSignal(ready, watchState());
		})
			.timeout(this.readiness.timeout())
			.onErrorMap((failure) -> failure(failure))
			.onErrorResume(SandboxReadinessException.class, this::withEvents);
	}

	/*
	 * The failure, with the last diagnostic events the server has about the sandbox
	 * (best-effort: asked for once, briefly, and left out if they cannot be had inline).
	 */
	private Mono<Void> withEvents(SandboxReadinessException failure) {
		return this.lifecycle.diagnostics(this.sandbox.id(), "events", "all")
			.timeout(DIAGNOSTICS_TIMEOUT)
			.mapNotNull((diagnostics) -> lastLines(diagnostics.content()))
			.map((events) -> new SandboxReadinessException(failure.getLocalizedMessage() + "; last events: " + events,
					failure.getSandboxId(), failure.getLastState(), failure.getAttempts(), failure.getCause()))
			.onErrorResume((ignored) -> Mono.empty())
			.defaultIfEmpty(failure)
			.flatMap(Mono::error);
	}

	static @Nullable String lastLines(@Nullable String content) {
		if (content == null) {
			return null;
		}
		java.util.List<String> lines = content.lines().map(String::strip).filter((line) -> !line.isEmpty()).toList();
		if (lines.isEmpty()) {
			return null;
		}
		return lines.subList(Math.max(0, lines.size() - MAX_EVENTS), lines.size())
			.stream()
			.map((line) -> (line.length() > MAX_EVENT_LENGTH) ? line.substring(0, MAX_EVENT_LENGTH) + "..." : line)
			.collect(java.util.stream.Collectors.joining(" | "));
	}

	/*
	 * The execd endpoint, as early as the server gives it: at once, and if the server
	 * cannot tell it yet, again once the sandbox runs, then on the lifecycle schedule.
	 */
	private Mono<Void> resolveExecd() {
		Backoff schedule = lifecycleSchedule();
		return this.sandbox.execdClient().then().onErrorResume(ReadinessWaiter::isTransient, (failure) -> {
			this.lastError = failure;
			return this.running.asMono()
				.then(Mono.defer(() -> this.sandbox.execdClient().then()))
				.retryWhen(retry(schedule, null));
		});
	}

	private Mono<Void> checkUntilReady() {
		boolean direct = !this.useServerProxy;
		Backoff schedule = direct ? Backoff.constant(this.readiness.probeInterval()) : lifecycleSchedule();
		long[] started = new long[1];
		return Mono.defer(() -> {
			started[0] = System.nanoTime();
			this.checks.incrementAndGet();
			return check().timeout(CHECK_TIMEOUT);
		}).retryWhen(retry(schedule, started));
	}

	private Mono<Void> check() {
		if (this.execdPing) {
			return this.sandbox.execdClient().flatMap(ExecdClient::probe);
		}
		return this.readiness.check().check(this.sandbox);
	}

	/*
	 * Ask for the state until cancelled: record it, let the check start once the sandbox
	 * runs, fail when it cannot become ready. Through the server proxy the execd probes
	 * already cross the lifecycle server, so the state is asked for less often.
	 */
	private Mono<Void> watchState() {
		Backoff schedule = (this.useServerProxy && this.execdPing)
				? new Backoff(PROXY_STATE_STEP, PROXY_STATE_STEP,
						max(Duration.ofSeconds(1), this.readiness.pollInterval().multipliedBy(5).dividedBy(2)))
				: lifecycleSchedule();
		return Mono.defer(() -> Mono.delay(schedule.next())).then(Mono.defer(() -> {
			this.stateRequests.incrementAndGet();
			return this.lifecycle.poll(this.sandbox.id());
		}))
			.onErrorMap((failure) -> failure instanceof OpenSandboxApiException.NotFound
					|| failure instanceof OpenSandboxApiException.AccessDenied, Fatal::new)
			.flatMap((info) -> record(info) ? Mono.<Void>error(new Fatal(null)) : Mono.<Void>empty())
			.onErrorResume(ReadinessWaiter::isTransient, (failure) -> {
				this.lastError = failure;
				return Mono.empty();
			})
			.repeat()
			.then();
	}

	private Backoff lifecycleSchedule() {
		Duration cap = this.readiness.pollInterval();
		return new Backoff(LIFECYCLE_FIRST, LIFECYCLE_STEP, cap);
	}

	/*
	 * Retry transient failures after the schedule's next delay, counted from the start of
	 * the failed attempt when it is known.
	 */
	private Retry retry(Backoff schedule, long @Nullable [] started) {
		return Retry.from((signals) -> signals.concatMap((signal) -> {
			Throwable failure = signal.failure();
			if (!isTransient(failure)) {
				return Mono.error(failure);
			}
			this.lastError = failure;
			long delay = schedule.next().toNanos();
			if (started != null) {
				delay = Math.max(0, delay - (System.nanoTime() - started[0]));
			}
			return Mono.delay(Duration.ofNanos(delay));
		}));
	}

	/*
	 * Whether a failure is worth trying again: not for a sandbox that failed or vanished,
	 * a rejected key or token, or an error that is not about OpenSandbox at all.
	 */
	private static boolean isTransient(Throwable failure) {
		if (failure instanceof Fatal) {
			return false;
		}
		return failure instanceof TimeoutException || (failure instanceof OpenSandboxException
				&& !(failure instanceof OpenSandboxApiException.AccessDenied));
	}

	/*
	 * Record what the server said; true when the sandbox can no longer become ready.
	 */
	private boolean record(SandboxInfo info) {
		this.lastState = info.state().value();
		String reason = info.status().reason();
		String message = info.status().message();
		this.lastReason = (reason != null && message != null) ? reason + ": " + message
				: (reason != null) ? reason : message;
		if (SandboxInfo.State.RUNNING.equals(info.state())) {
			this.reachedRunning = true;
			this.running.tryEmitEmpty();
		}
		return info.state().isTerminal();
	}

	private SandboxReadinessException failure(Throwable failure) {
		Throwable cause = (failure instanceof Fatal fatal) ? fatal.getCause()
				: (failure instanceof TimeoutException) ? this.lastError : failure;
		StringBuilder message = new StringBuilder("Sandbox '").append(this.sandbox.id()).append("' ");
		if (failure instanceof TimeoutException) {
			message.append("was not ready within ").append(this.readiness.timeout().toMillis()).append(" ms");
		}
		else {
			message.append("cannot become ready");
		}
		int checks = this.checks.get();
		int states = this.stateRequests.get();
		message.append(" (")
			.append(checks)
			.append((checks == 1) ? " check, " : " checks, ")
			.append(states)
			.append((states == 1) ? " state request)" : " state requests)");
		message.append("; last state: ").append((this.lastState != null) ? this.lastState : "unknown");
		if (this.lastReason != null) {
			message.append(" (").append(this.lastReason).append(")");
		}
		if (cause != null) {
			message.append("; last error: ").append(cause.getMessage());
		}
		message.append("; server: ").append(this.lifecycle.getAddress().root());
		message.append("; endpoints reached ").append(this.useServerProxy ? "through the server proxy" : "directly");
		if (this.reachedRunning && !this.useServerProxy) {
			message.append(". The sandbox runs but its endpoint did not answer: if sandbox addresses are not "
					+ "reachable from this application, set opensandbox.use-server-proxy=true");
		}
		return new SandboxReadinessException(message.toString(), this.sandbox.id(), this.lastState, checks + states,
				cause);
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	private static Duration max(Duration a, Duration b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

	/**
	 * Delays that start at a first value and grow by a step up to a cap. Used by one loop
	 * at a time.
	 */
	static final class Backoff {

		private final Duration step;

		private final Duration cap;

		private Duration current;

		private boolean started;

		Backoff(Duration first, Duration step, Duration cap) {
			this.current = min(first, cap);
			this.step = step;
			this.cap = cap;
		}

		static Backoff constant(Duration delay) {
			return new Backoff(delay, Duration.ZERO, delay);
		}

		Duration next() {
			if (this.started) {
				this.current = min(this.current.plus(this.step), this.cap);
			}
			this.started = true;
			return this.current;
		}

	}

	/**
	 * The sandbox will never be ready: stop waiting.
	 */
	private static final class Fatal extends RuntimeException {

		private static final long serialVersionUID = 1L;

		Fatal(@Nullable Throwable cause) {
			super("cannot become ready", cause, false, false);
		}

	}

}
