package io.opensandbox.spring.core;

import java.time.Duration;

import org.springframework.util.Assert;
import reactor.core.publisher.Mono;

/**
 * How to wait until a sandbox is ready: what "ready" means and how long and how politely
 * to wait for it. Immutable; start from {@link #defaults()} or {@link #skip()}.
 * <p>
 * The wait asks the lifecycle server for the sandbox's state to learn progress and to
 * fail fast when the sandbox fails or vanishes: after 250 ms, then every
 * {@linkplain #pollInterval() poll interval} (growing to it by 150 ms steps). The
 * {@link Check#EXECD_PING default check} resolves the execd endpoint right away and
 * probes execd's {@code /ping} on its own schedule: every {@linkplain #probeInterval()
 * probe interval} when execd is reached directly (each probe loads only the new sandbox),
 * or on the lifecycle schedule through the server proxy (where each probe crosses the
 * lifecycle server, so the state is then asked for less often). Other checks run once the
 * server reports the sandbox {@code Running}, and again on the probe schedule until they
 * pass.
 *
 * @param check what "ready" means
 * @param timeout how long to wait
 * @param pollInterval the longest delay between two requests the wait sends to the
 * lifecycle server
 * @param probeInterval the delay between two checks when execd is reached directly
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record Readiness(Check check, Duration timeout, Duration pollInterval, Duration probeInterval) {

	/** The default timeout: 30 s, as in the official SDKs. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

	/**
	 * The default longest delay between two lifecycle requests: 400 ms, so a waiting
	 * sandbox costs the lifecycle server about 2.5 requests a second (the official SDKs'
	 * rate is 5).
	 */
	public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(400);

	/**
	 * The default delay between two direct checks: 10 ms, so a sandbox is seen ready
	 * about 5 ms after execd answers.
	 */
	public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMillis(10);

	private static final Readiness DEFAULTS = new Readiness(Check.EXECD_PING, DEFAULT_TIMEOUT, DEFAULT_POLL_INTERVAL,
			DEFAULT_PROBE_INTERVAL);

	public Readiness {
		Assert.notNull(check, "'check' must not be null");
		Assert.isTrue(positive(timeout), "Ready timeout must be positive");
		Assert.isTrue(positive(pollInterval), "Ready poll interval must be positive");
		Assert.isTrue(positive(probeInterval), "Ready probe interval must be positive");
	}

	private static boolean positive(Duration duration) {
		return duration != null && !duration.isNegative() && !duration.isZero();
	}

	/**
	 * Ready when execd answers, within 30 s, with the default intervals.
	 * @return the default readiness
	 */
	public static Readiness defaults() {
		return DEFAULTS;
	}

	/**
	 * No waiting: a sandbox is handed out as the server reports it, possibly still
	 * {@code Pending} or {@code Paused}.
	 * @return a readiness that does not wait
	 */
	public static Readiness skip() {
		return DEFAULTS.withCheck(Check.NONE);
	}

	/**
	 * Whether this readiness waits at all.
	 * @return {@code false} for {@link #skip()}
	 */
	public boolean waits() {
		return this.check != Check.NONE;
	}

	/**
	 * This readiness with another check.
	 * @param check what "ready" means
	 * @return a new readiness
	 */
	public Readiness withCheck(Check check) {
		return new Readiness(check, this.timeout, this.pollInterval, this.probeInterval);
	}

	/**
	 * This readiness with another timeout.
	 * @param timeout how long to wait
	 * @return a new readiness
	 */
	public Readiness withTimeout(Duration timeout) {
		return new Readiness(this.check, timeout, this.pollInterval, this.probeInterval);
	}

	/**
	 * This readiness with another longest delay between two lifecycle requests.
	 * @param pollInterval the interval
	 * @return a new readiness
	 */
	public Readiness withPollInterval(Duration pollInterval) {
		return new Readiness(this.check, this.timeout, pollInterval, this.probeInterval);
	}

	/**
	 * This readiness with another delay between two direct checks.
	 * @param probeInterval the interval
	 * @return a new readiness
	 */
	public Readiness withProbeInterval(Duration probeInterval) {
		return new Readiness(this.check, this.timeout, this.pollInterval, probeInterval);
	}

	/**
	 * Decides whether a sandbox is ready for use. Called repeatedly until it completes or
	 * the timeout passes; an error means "not yet".
	 */
	@FunctionalInterface
	public interface Check {

		/**
		 * Ready when execd answers {@code GET /ping}: the default, as in the official
		 * SDKs.
		 */
		Check EXECD_PING = ReactiveSandbox::ping;

		/** No check: used by {@link Readiness#skip()}. */
		Check NONE = (sandbox) -> Mono.empty();

		/**
		 * Check the sandbox once.
		 * @param sandbox the sandbox
		 * @return completes when the sandbox is ready; an error when it is not yet
		 */
		Mono<Void> check(ReactiveSandbox sandbox);

	}

}
