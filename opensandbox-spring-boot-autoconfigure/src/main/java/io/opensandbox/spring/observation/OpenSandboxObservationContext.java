package io.opensandbox.spring.observation;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * Base of every OpenSandbox observation context: how the observed work ended, and the
 * sandbox it concerned (a high-cardinality value).
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public abstract class OpenSandboxObservationContext extends Observation.Context {

	private Outcome outcome = Outcome.SUCCESS;

	private @Nullable String sandboxId;

	/**
	 * How the observed work ended.
	 * @return the outcome
	 */
	public Outcome getOutcome() {
		return this.outcome;
	}

	/**
	 * Record how the observed work ended.
	 * @param outcome the outcome
	 */
	public void setOutcome(Outcome outcome) {
		this.outcome = outcome;
	}

	/**
	 * The sandbox the work concerned, if known.
	 * @return the sandbox id or {@code null}
	 */
	public @Nullable String getSandboxId() {
		return this.sandboxId;
	}

	/**
	 * Record the sandbox the work concerned.
	 * @param sandboxId the sandbox id
	 */
	public void setSandboxId(@Nullable String sandboxId) {
		this.sandboxId = sandboxId;
	}

	/**
	 * How observed work ended.
	 */
	public enum Outcome {

		/** It succeeded. */
		SUCCESS,

		/** It failed. */
		ERROR,

		/** The caller gave up on it. */
		CANCELLED;

		/**
		 * The value used as a key value.
		 * @return the lowercase name
		 */
		public String value() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

}
