package io.opensandbox.spring.core;

import java.time.Duration;

import org.springframework.util.Assert;

import io.opensandbox.spring.model.SandboxSpec;

/**
 * The blocking {@link SandboxPool}: a mechanical adapter of its reactive twin.
 *
 * @author OpenSandbox Spring Boot
 */
final class DefaultSandboxPool implements SandboxPool {

	private final ReactiveSandboxPool reactive;

	DefaultSandboxPool(ReactiveSandboxPool reactive) {
		Assert.notNull(reactive, "'reactive' must not be null");
		this.reactive = reactive;
	}

	@Override
	public String name() {
		return this.reactive.name();
	}

	@Override
	public SandboxSpec spec() {
		return this.reactive.spec();
	}

	@Override
	public Sandbox acquire() {
		return new DefaultSandbox(Blocking.get(this.reactive.acquire()));
	}

	@Override
	public Sandbox acquire(Duration timeout) {
		return new DefaultSandbox(Blocking.get(this.reactive.acquire(timeout)));
	}

	@Override
	public void release(Sandbox sandbox) {
		Assert.notNull(sandbox, "'sandbox' must not be null");
		Blocking.run(this.reactive.release(sandbox.reactive()));
	}

	@Override
	public <T, E extends Exception> T execute(SandboxCallback<T, E> callback) throws E {
		Assert.notNull(callback, "'callback' must not be null");
		return SandboxTemplate.useAndKill(acquire(), callback);
	}

	@Override
	public ReactiveSandboxPool.Status status() {
		return this.reactive.status();
	}

	@Override
	public void close() {
		this.reactive.close();
	}

	@Override
	public ReactiveSandboxPool reactive() {
		return this.reactive;
	}

	@Override
	public String toString() {
		return this.reactive.toString();
	}

}
