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
 * @param readiness how to wait until a sandbox is ready, unless a call says otherwise
 * @param maxCollectedOutput how many characters of each output stream (stdout, stderr) a
 * collected execution keeps; the rest is counted, not kept
 * @param clock the clock for renewals
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record SandboxTemplateSettings(SandboxSpec defaults, boolean useServerProxy, Readiness readiness,
		long maxCollectedOutput, Clock clock) {

	/** The default output a collected execution keeps per stream: 16 Mi characters. */
	public static final long DEFAULT_MAX_COLLECTED_OUTPUT = 16L * 1024 * 1024;

	public SandboxTemplateSettings {
		Assert.notNull(defaults, "'defaults' must not be null");
		Assert.notNull(readiness, "'readiness' must not be null");
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
	 * A builder with the defaults: {@link #DEFAULT_SPEC}, direct endpoints,
	 * {@link Readiness#defaults()}, {@link #DEFAULT_MAX_COLLECTED_OUTPUT 16 Mi}
	 * characters of output, the system clock.
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
			.readiness(this.readiness)
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

		private Readiness readiness = Readiness.defaults();

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
		 * How to wait until a sandbox is ready, unless a call says otherwise.
		 * @param readiness the readiness
		 * @return this builder
		 */
		public Builder readiness(Readiness readiness) {
			this.readiness = readiness;
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
			return new SandboxTemplateSettings(this.defaults, this.useServerProxy, this.readiness,
					this.maxCollectedOutput, this.clock);
		}

	}

}
