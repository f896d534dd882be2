package io.opensandbox.spring.observation;

/**
 * Context of the shutdown sweep ({@code opensandbox.cleanup}).
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class CleanupContext extends OpenSandboxObservationContext {

	private int tracked;

	private int killed;

	private int failed;

	/**
	 * How many sandboxes were tracked when the sweep started.
	 * @return the count
	 */
	public int getTracked() {
		return this.tracked;
	}

	/**
	 * Record how many sandboxes were tracked.
	 * @param tracked the count
	 */
	public void setTracked(int tracked) {
		this.tracked = tracked;
	}

	/**
	 * How many sandboxes were killed.
	 * @return the count
	 */
	public int getKilled() {
		return this.killed;
	}

	/**
	 * Record how many sandboxes were killed.
	 * @param killed the count
	 */
	public void setKilled(int killed) {
		this.killed = killed;
	}

	/**
	 * How many kills failed.
	 * @return the count
	 */
	public int getFailed() {
		return this.failed;
	}

	/**
	 * Record how many kills failed.
	 * @param failed the count
	 */
	public void setFailed(int failed) {
		this.failed = failed;
	}

}
