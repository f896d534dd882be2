package io.opensandbox.spring.core;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.client.LifecycleClient;
import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.error.OpenSandboxException;
import io.opensandbox.spring.error.SandboxReadinessException;
import io.opensandbox.spring.model.SandboxInfo;

/**
 * Waits until one new sandbox is {@code Running} and passes its {@link ReadinessCheck}.
 * Polls adaptively: the second check starts a few milliseconds after the first and the
 * delay between the starts of two checks doubles up to the configured interval, so a fast
 * sandbox is seen quickly without hammering a slow one. With the default check (execd's
 * ping) the execd endpoint is resolved alongside the first check, so that the ping can
 * follow as soon as the sandbox runs. Remembers what it saw for the failure message.
 *
 * @author OpenSandbox Spring Boot
 */
final class ReadinessWaiter {

	static final Duration FIRST_DELAY = Duration.ofMillis(5);

	private final DefaultReactiveSandbox sandbox;

	private final LifecycleClient lifecycle;

	private final ReadinessCheck check;

	private final Duration timeout;

	private final Duration interval;

	private final boolean useServerProxy;

	private final boolean resolveExecdEarly;

	private volatile int attempts;

	private volatile @Nullable String lastState;

	private volatile @Nullable String lastReason;

	private volatile @Nullable Throwable lastError;

	private volatile boolean reachedRunning;

	ReadinessWaiter(DefaultReactiveSandbox sandbox, LifecycleClient lifecycle, ReadinessCheck check, Duration timeout,
			Duration interval, boolean useServerProxy, boolean resolveExecdEarly) {
		this.sandbox = sandbox;
		this.lifecycle = lifecycle;
		this.check = check;
		this.timeout = timeout;
		this.interval = interval;
		this.useServerProxy = useServerProxy;
		this.resolveExecdEarly = resolveExecdEarly;
	}

	Mono<Void> await() {
		Mono<Void> polls = poll(FIRST_DELAY);
		if (this.resolveExecdEarly) {
			// The sandbox keeps the resolved client for the ping. A failure is not kept
			// (a
			// pending pod may have no address yet): the ping resolves it again then.
			polls = Mono.when(this.sandbox.execdClient().onErrorResume((failure) -> Mono.empty()), polls);
		}
		return polls.timeout(this.timeout).onErrorMap((failure) -> failure(failure));
	}

	private Mono<Void> poll(Duration delay) {
		return Mono.defer(() -> {
			long started = System.nanoTime();
			return attempt().onErrorResume(ReadinessWaiter::isTransient, (failure) -> {
				this.lastError = failure;
				Duration next = delay.multipliedBy(2);
				// The delay runs from the start of this check, not from its answer
				long left = Math.max(0, delay.toNanos() - (System.nanoTime() - started));
				return Mono.delay(Duration.ofNanos(left))
					.then(poll((next.compareTo(this.interval) > 0) ? this.interval : next));
			});
		});
	}

	/*
	 * Whether a failed check is worth repeating: not for a sandbox that failed or
	 * vanished, a rejected key or token, or an error that is not about OpenSandbox at
	 * all.
	 */
	private static boolean isTransient(Throwable failure) {
		if (failure instanceof NotReady) {
			return true;
		}
		return failure instanceof OpenSandboxException && !(failure instanceof OpenSandboxApiException.AccessDenied);
	}

	private Mono<Void> attempt() {
		this.attempts++;
		return this.sandbox.info()
			.onErrorMap((failure) -> failure instanceof OpenSandboxApiException.NotFound
					|| failure instanceof OpenSandboxApiException.AccessDenied, Fatal::new)
			.flatMap((info) -> {
				record(info);
				if (SandboxInfo.State.RUNNING.equals(info.state())) {
					this.reachedRunning = true;
					return this.check.check(this.sandbox);
				}
				if (info.state().isTerminal()) {
					return Mono.error(new Fatal(null));
				}
				return Mono.error(new NotReady());
			});
	}

	private void record(SandboxInfo info) {
		this.lastState = info.state().value();
		String reason = info.status().reason();
		String message = info.status().message();
		this.lastReason = (reason != null && message != null) ? reason + ": " + message
				: (reason != null) ? reason : message;
	}

	private SandboxReadinessException failure(Throwable failure) {
		Throwable cause = (failure instanceof Fatal fatal) ? fatal.getCause()
				: (failure instanceof TimeoutException) ? this.lastError : failure;
		if (cause instanceof NotReady) {
			cause = null;
		}
		StringBuilder message = new StringBuilder("Sandbox '").append(this.sandbox.id()).append("' ");
		if (failure instanceof TimeoutException) {
			message.append("was not ready within ").append(this.timeout.toMillis()).append(" ms");
		}
		else {
			message.append("cannot become ready");
		}
		message.append(" (").append(this.attempts).append((this.attempts == 1) ? " check" : " checks").append(")");
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
		message.append(". The sandbox has been killed.");
		return new SandboxReadinessException(message.toString(), this.sandbox.id(), this.lastState, this.attempts,
				cause);
	}

	/**
	 * The sandbox is not ready yet.
	 */
	private static final class NotReady extends RuntimeException {

		private static final long serialVersionUID = 1L;

		NotReady() {
			super("not ready yet", null, false, false);
		}

	}

	/**
	 * The sandbox will never be ready: stop polling.
	 */
	private static final class Fatal extends RuntimeException {

		private static final long serialVersionUID = 1L;

		Fatal(@Nullable Throwable cause) {
			super("cannot become ready", cause, false, false);
		}

	}

}
