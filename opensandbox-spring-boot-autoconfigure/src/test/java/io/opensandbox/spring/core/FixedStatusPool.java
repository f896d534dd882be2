package io.opensandbox.spring.core;

import java.time.Duration;
import java.util.function.Function;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.model.SandboxSpec;

/**
 * A pool that only reports a given status, for the tests of what shows pools (health,
 * actuator): it hands out nothing.
 *
 * @param status the status it reports
 * @author OpenSandbox Spring Boot
 */
public record FixedStatusPool(ReactiveSandboxPool.Status status) implements ReactiveSandboxPool {

	/**
	 * A pool's status with the given counts and no failures.
	 * @param name the pool's name
	 * @param idle idle sandboxes
	 * @param inUse sandboxes in use
	 * @return the status
	 */
	public static Status healthy(String name, int idle, int inUse) {
		return new Status(name, idle, inUse, 0, idle, 0, 0, null, null, true);
	}

	@Override
	public String name() {
		return this.status.name();
	}

	@Override
	public SandboxSpec spec() {
		return SandboxSpec.ofImage("python:3.12");
	}

	@Override
	public Mono<ReactiveSandbox> acquire() {
		return Mono.error(new UnsupportedOperationException());
	}

	@Override
	public Mono<ReactiveSandbox> acquire(Duration timeout) {
		return acquire();
	}

	@Override
	public Mono<Void> release(ReactiveSandbox sandbox) {
		return Mono.empty();
	}

	@Override
	public <T> Flux<T> execute(Function<ReactiveSandbox, ? extends Publisher<T>> callback) {
		return Flux.error(new UnsupportedOperationException());
	}

	@Override
	public void close() {
	}

}
