package io.opensandbox.spring.core;

import java.time.Clock;
import java.time.Duration;

import org.springframework.util.Assert;

import io.opensandbox.spring.model.SandboxSpec;

/**
 * How a {@link SandboxTemplate} creates sandboxes: the defaults merged under every
 * specification, how endpoints are reached, and how readiness is awaited.
 *
 * @param defaults the specification every created sandbox starts from
 * @param useServerProxy whether endpoints are reached through the lifecycle server
 * @param readyTimeout how long to wait for a new sandbox to be ready
 * @param readyPollInterval the longest delay between two readiness checks
 * @param readinessCheck what "ready" means once the sandbox runs
 * @param clock the clock for renewals
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record SandboxTemplateSettings(SandboxSpec defaults, boolean useServerProxy, Duration readyTimeout,
		Duration readyPollInterval, ReadinessCheck readinessCheck, Clock clock) {

	/**
	 * The default longest delay between two readiness checks: 10 ms, so that a new
	 * sandbox is seen ready a few milliseconds after it is (the official SDKs poll every
	 * 200 ms).
	 */
	public static final Duration DEFAULT_READY_POLL_INTERVAL = Duration.ofMillis(10);

	public SandboxTemplateSettings {
		Assert.notNull(defaults, "'defaults' must not be null");
		Assert.isTrue(readyTimeout != null && !readyTimeout.isNegative() && !readyTimeout.isZero(),
				"Ready timeout must be positive");
		Assert.isTrue(readyPollInterval != null && !readyPollInterval.isNegative() && !readyPollInterval.isZero(),
				"Ready poll interval must be positive");
		Assert.notNull(readinessCheck, "'readinessCheck' must not be null");
		Assert.notNull(clock, "'clock' must not be null");
	}

	/**
	 * Settings with the given defaults: direct endpoints, a 30 s ready timeout polled at
	 * most every {@link #DEFAULT_READY_POLL_INTERVAL 10 ms}, execd ping as readiness
	 * check, the system clock.
	 * @param defaults the default specification
	 * @return the settings
	 */
	public static SandboxTemplateSettings of(SandboxSpec defaults) {
		return new SandboxTemplateSettings(defaults, false, Duration.ofSeconds(30), DEFAULT_READY_POLL_INTERVAL,
				ReadinessCheck.EXECD_PING, Clock.systemUTC());
	}

	/**
	 * A copy with another readiness check.
	 * @param readinessCheck the check
	 * @return the settings
	 */
	public SandboxTemplateSettings withReadinessCheck(ReadinessCheck readinessCheck) {
		return new SandboxTemplateSettings(this.defaults, this.useServerProxy, this.readyTimeout,
				this.readyPollInterval, readinessCheck, this.clock);
	}

}
