package io.opensandbox.spring.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.model.SandboxEndpoint;
import io.opensandbox.spring.model.SandboxInfo;
import io.opensandbox.spring.model.SandboxMetrics;

/**
 * One live sandbox. Calls block the calling thread; {@link #reactive()} gives the same
 * operations as {@code Mono}/{@code Flux}. {@link #close()} kills the sandbox, so a
 * sandbox in try-with-resources ends with the block. Thread-safe.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class Sandbox implements AutoCloseable {

	private final ReactiveSandbox reactive;

	private final Commands commands;

	private final Codes codes;

	private final Egress egress;

	private final Files files;

	/**
	 * Create the blocking twin of a reactive sandbox.
	 * @param reactive the reactive sandbox
	 */
	public Sandbox(ReactiveSandbox reactive) {
		this.reactive = reactive;
		this.commands = new Commands(reactive.commands());
		this.codes = new Codes(reactive.codes());
		this.egress = new Egress(reactive.egress());
		this.files = new Files(reactive.files());
	}

	/**
	 * The sandbox id.
	 * @return the id
	 */
	public String id() {
		return this.reactive.id();
	}

	/**
	 * What the server knows of this sandbox now.
	 * @return the information
	 */
	public SandboxInfo info() {
		return Blocking.get(this.reactive.info());
	}

	/**
	 * Shell commands.
	 * @return the commands API
	 */
	public Commands commands() {
		return this.commands;
	}

	/**
	 * Files and directories.
	 * @return the files API
	 */
	public Files files() {
		return this.files;
	}

	/**
	 * The code interpreter.
	 * @return the code API
	 */
	public Codes codes() {
		return this.codes;
	}

	/**
	 * The outbound network policy.
	 * @return the egress API
	 */
	public Egress egress() {
		return this.egress;
	}

	/**
	 * Resource usage inside the sandbox now.
	 * @return the metrics
	 */
	public SandboxMetrics metrics() {
		return Blocking.get(this.reactive.metrics());
	}

	/**
	 * The endpoint for a port inside the sandbox. Its headers must go on every request.
	 * @param port the port
	 * @return the endpoint
	 */
	public SandboxEndpoint endpoint(int port) {
		return Blocking.get(this.reactive.endpoint(port));
	}

	/**
	 * The URL for a port inside the sandbox.
	 * @param port the port
	 * @return the URL
	 */
	public String endpointUrl(int port) {
		return Blocking.get(this.reactive.endpointUrl(port));
	}

	/**
	 * Let the sandbox live for the given time from now.
	 * @param timeToLive the time to live
	 * @return the new expiry
	 */
	public Instant renew(Duration timeToLive) {
		return Blocking.get(this.reactive.renew(timeToLive));
	}

	/**
	 * Pause the sandbox.
	 */
	public void pause() {
		Blocking.run(this.reactive.pause());
	}

	/**
	 * Resume the paused sandbox.
	 */
	public void resume() {
		Blocking.run(this.reactive.resume());
	}

	/**
	 * Change the sandbox's metadata: a value adds or replaces a key, {@code null} deletes
	 * it.
	 * @param patch the changes
	 * @return the sandbox with its new metadata
	 */
	public SandboxInfo patchMetadata(Map<String, ? extends @Nullable String> patch) {
		return Blocking.get(this.reactive.patchMetadata(patch));
	}

	/**
	 * Kill the sandbox. A sandbox that is already gone counts as killed.
	 */
	public void kill() {
		Blocking.run(this.reactive.kill());
	}

	/**
	 * Stop tracking this sandbox without killing it: it is no longer renewed, nor killed
	 * when the application stops, and becomes the caller's to manage.
	 * @return whether the application tracked it
	 */
	public boolean release() {
		return this.reactive.release();
	}

	/**
	 * Kill the sandbox.
	 */
	@Override
	public void close() {
		kill();
	}

	/**
	 * The reactive twin of this sandbox.
	 * @return the reactive sandbox
	 */
	public ReactiveSandbox reactive() {
		return this.reactive;
	}

	@Override
	public String toString() {
		return "Sandbox[" + id() + "]";
	}

}
