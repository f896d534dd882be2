package io.opensandbox.spring.core;

import java.time.Clock;
import java.time.Duration;

import org.springframework.util.Assert;

import io.opensandbox.spring.model.SandboxSpec;

/**
 * How a {@link SandboxTemplate} creates sandboxes: the defaults merged under every
 * specification, how endpoints are reached, how readiness is awaited and how much output
 * a collected execution keeps. Built with {@link #builder()}.
 *
 * @param defaults the specification every created sandbox starts from
 * @param useServerProxy whether endpoints are reached through the lifecycle server
 * @param readyTimeout how long to wait for a new sandbox to be ready
 * @param readyPollInterval the longest delay between two readiness checks
 * @param readinessCheck what "ready" means once the sandbox runs
 * @param maxCollectedOutput how many characters of each output stream (stdout, stderr) a
 * collected execution keeps; the rest is counted, not kept
 * @param clock the clock for renewals
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record SandboxTemplateSettings(SandboxSpec defaults, boolean useServerProxy, Duration readyTimeout,
		Duration readyPollInterval, ReadinessCheck readinessCheck, long maxCollectedOutput, Clock clock) {

	/**
	 * The default longest delay between two readiness checks: 10 ms, so that a new
	 * sandbox is seen ready a few milliseconds after it is (the official SDKs poll every
	 * 200 ms).
	 */
	public static final Duration DEFAULT_READY_POLL_INTERVAL = Duration.ofMillis(10);

	/** The default output a collected execution keeps per stream: 16 Mi characters. */
	public static final long DEFAULT_MAX_COLLECTED_OUTPUT = 16L * 1024 * 1024;

	public SandboxTemplateSettings {
		Assert.notNull(defaults, "'defaults' must not be null");
		Assert.isTrue(readyTimeout != null && !readyTimeout.isNegative() && !readyTimeout.isZero(),
				"Ready timeout must be positive");
		Assert.isTrue(readyPollInterval != null && !readyPollInterval.isNegative() && !readyPollInterval.isZero(),
				"Ready poll interval must be positive");
		Assert.notNull(readinessCheck, "'readinessCheck' must not be null");
		Assert.isTrue(maxCollectedOutput >= 0, "Max collected output must not be negative");
		Assert.notNull(clock, "'clock' must not be null");
	}

	/**
	 * The specification new sandboxes start from unless told otherwise: the
	 * {@code tail -f /dev/null} entrypoint that keeps a container alive, a 10 minute time
	 * to live, 1 CPU and 2 GiB of memory (the {@code opensandbox.sandbox.*} defaults).
	 */
	public static final SandboxSpec DEFAULT_SPEC = SandboxSpec.builder()
		.entrypoint("tail", "-f", "/dev/null")
		.timeout(Duration.ofMinutes(10))
		.resource("cpu", "1")
		.resource("memory", "2Gi")
		.build();

	/**
	 * A builder with the defaults: {@link #DEFAULT_SPEC}, direct endpoints, a 30 s ready
	 * timeout polled at most every {@link #DEFAULT_READY_POLL_INTERVAL 10 ms}, execd ping
	 * as readiness check, {@link #DEFAULT_MAX_COLLECTED_OUTPUT 16 Mi} characters of
	 * output, the system clock.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * A builder that starts from these settings.
	 * @return the builder
	 */
	public Builder toBuilder() {
		return new Builder().defaults(this.defaults)
			.useServerProxy(this.useServerProxy)
			.readyTimeout(this.readyTimeout)
			.readyPollInterval(this.readyPollInterval)
			.readinessCheck(this.readinessCheck)
			.maxCollectedOutput(this.maxCollectedOutput)
			.clock(this.clock);
	}

	/**
	 * Builds {@link SandboxTemplateSettings}; what {@link SandboxTemplateCustomizer}s
	 * customize.
	 */
	public static final class Builder {

		private SandboxSpec defaults = DEFAULT_SPEC;

		private boolean useServerProxy;

		private Duration readyTimeout = Duration.ofSeconds(30);

		private Duration readyPollInterval = DEFAULT_READY_POLL_INTERVAL;

		private ReadinessCheck readinessCheck = ReadinessCheck.EXECD_PING;

		private long maxCollectedOutput = DEFAULT_MAX_COLLECTED_OUTPUT;

		private Clock clock = Clock.systemUTC();

		private Builder() {
		}

		/**
		 * The specification every created sandbox starts from.
		 * @param defaults the defaults
		 * @return this builder
		 */
		public Builder defaults(SandboxSpec defaults) {
			this.defaults = defaults;
			return this;
		}

		/**
		 * Whether endpoints are reached through the lifecycle server.
		 * @param useServerProxy {@code true} to go through the server
		 * @return this builder
		 */
		public Builder useServerProxy(boolean useServerProxy) {
			this.useServerProxy = useServerProxy;
			return this;
		}

		/**
		 * How long to wait for a new sandbox to be ready.
		 * @param readyTimeout the timeout
		 * @return this builder
		 */
		public Builder readyTimeout(Duration readyTimeout) {
			this.readyTimeout = readyTimeout;
			return this;
		}

		/**
		 * The longest delay between two readiness checks.
		 * @param readyPollInterval the interval
		 * @return this builder
		 */
		public Builder readyPollInterval(Duration readyPollInterval) {
			this.readyPollInterval = readyPollInterval;
			return this;
		}

		/**
		 * What "ready" means once the sandbox runs.
		 * @param readinessCheck the check
		 * @return this builder
		 */
		public Builder readinessCheck(ReadinessCheck readinessCheck) {
			this.readinessCheck = readinessCheck;
			return this;
		}

		/**
		 * How many characters of each output stream a collected execution keeps.
		 * @param maxCollectedOutput the limit
		 * @return this builder
		 */
		public Builder maxCollectedOutput(long maxCollectedOutput) {
			this.maxCollectedOutput = maxCollectedOutput;
			return this;
		}

		/**
		 * The clock renewals are computed with.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = clock;
			return this;
		}

		/**
		 * Build the settings, checking them.
		 * @return the settings
		 */
		public SandboxTemplateSettings build() {
			return new SandboxTemplateSettings(this.defaults, this.useServerProxy, this.readyTimeout,
					this.readyPollInterval, this.readinessCheck, this.maxCollectedOutput, this.clock);
		}

	}

}
