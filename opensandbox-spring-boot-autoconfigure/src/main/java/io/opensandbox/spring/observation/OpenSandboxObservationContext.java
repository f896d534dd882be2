package io.opensandbox.spring.observation;

import java.util.Locale;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * Context of every OpenSandbox observation: which observation it is, what was done, how
 * it ended, and the values that observation records. A value an observation does not
 * record stays at its initial value ({@code null} or zero).
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class OpenSandboxObservationContext extends Observation.Context {

	private final OpenSandboxObservationDocumentation observation;

	private final String operation;

	private Outcome outcome = Outcome.SUCCESS;

	private @Nullable String sandboxId;

	private @Nullable String commandId;

	private @Nullable Integer exitCode;

	private long bytes;

	private int tracked;

	private int killed;

	private int failed;

	private String source = "none";

	/**
	 * Create a context.
	 * @param observation the observation this context belongs to
	 * @param operation what was done: the lifecycle call ({@code create}, {@code get},
	 * ...), {@code ready}, the execution kind ({@code command}, {@code session},
	 * {@code code}), the transfer direction ({@code upload}, {@code download}) or
	 * {@code cleanup}, or the pool's name for an acquire
	 */
	public OpenSandboxObservationContext(OpenSandboxObservationDocumentation observation, String operation) {
		Assert.notNull(observation, "'observation' must not be null");
		Assert.hasText(operation, "'operation' must not be empty");
		this.observation = observation;
		this.operation = operation;
	}

	/**
	 * The observation this context belongs to.
	 * @return the observation
	 */
	public OpenSandboxObservationDocumentation getObservation() {
		return this.observation;
	}

	/**
	 * What was done (a bounded value).
	 * @return the operation, execution kind or transfer direction
	 */
	public String getOperation() {
		return this.operation;
	}

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
	 * The id execd assigned to an execution, once known.
	 * @return the id or {@code null}
	 */
	public @Nullable String getCommandId() {
		return this.commandId;
	}

	/**
	 * Record the id of an execution.
	 * @param commandId the id
	 */
	public void setCommandId(@Nullable String commandId) {
		this.commandId = commandId;
	}

	/**
	 * An execution's exit code, once known.
	 * @return the exit code or {@code null}
	 */
	public @Nullable Integer getExitCode() {
		return this.exitCode;
	}

	/**
	 * Record an execution's exit code.
	 * @param exitCode the exit code
	 */
	public void setExitCode(@Nullable Integer exitCode) {
		this.exitCode = exitCode;
	}

	/**
	 * The bytes a file transfer moved.
	 * @return the byte count
	 */
	public long getBytes() {
		return this.bytes;
	}

	/**
	 * Record the bytes a file transfer moved.
	 * @param bytes the byte count
	 */
	public void setBytes(long bytes) {
		this.bytes = bytes;
	}

	/**
	 * How many sandboxes the shutdown sweep found tracked.
	 * @return the count
	 */
	public int getTracked() {
		return this.tracked;
	}

	/**
	 * Record how many sandboxes the shutdown sweep found tracked.
	 * @param tracked the count
	 */
	public void setTracked(int tracked) {
		this.tracked = tracked;
	}

	/**
	 * How many sandboxes the shutdown sweep killed.
	 * @return the count
	 */
	public int getKilled() {
		return this.killed;
	}

	/**
	 * Record how many sandboxes the shutdown sweep killed.
	 * @param killed the count
	 */
	public void setKilled(int killed) {
		this.killed = killed;
	}

	/**
	 * How many of the shutdown sweep's kills failed.
	 * @return the count
	 */
	public int getFailed() {
		return this.failed;
	}

	/**
	 * Record how many of the shutdown sweep's kills failed.
	 * @param failed the count
	 */
	public void setFailed(int failed) {
		this.failed = failed;
	}

	/**
	 * Where a pool's acquire found its sandbox.
	 * @return {@code idle}, {@code created}, {@code waited} or {@code none}
	 */
	public String getSource() {
		return this.source;
	}

	/**
	 * Set where a pool's acquire found its sandbox.
	 * @param source {@code idle}, {@code created}, {@code waited} or {@code none}
	 */
	public void setSource(String source) {
		this.source = source;
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
			return name().toLowerCase(Locale.ROOT);
		}

	}

}
