package io.opensandbox.spring.core;

import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import reactor.core.publisher.Mono;

/**
 * The store of a pool that one instance keeps to itself, in memory. Each change is a
 * short critical section over plain collections, with no I/O: safe on event-loop threads.
 *
 * @author OpenSandbox Spring Boot
 */
final class LocalSandboxPoolStore implements SandboxPoolStore {

	private final Map<String, Idle> idle = new LinkedHashMap<>();

	private final Set<String> inUse = new HashSet<>();

	private final Set<String> reservations = new HashSet<>();

	@Override
	public Mono<Idle> claim() {
		return Mono.fromSupplier(() -> {
			synchronized (this) {
				Iterator<Idle> oldestFirst = this.idle.values().iterator();
				if (!oldestFirst.hasNext()) {
					return null;
				}
				Idle oldest = oldestFirst.next();
				oldestFirst.remove();
				this.inUse.add(oldest.id());
				return oldest;
			}
		});
	}

	@Override
	public Mono<String> reserve(int target, int maxTotal, boolean forCaller) {
		return Mono.fromSupplier(() -> {
			synchronized (this) {
				int total = this.idle.size() + this.inUse.size() + this.reservations.size();
				boolean refillAllowed = forCaller || this.idle.size() + this.reservations.size() < target;
				if (total >= maxTotal || !refillAllowed) {
					return null;
				}
				String token = UUID.randomUUID().toString();
				this.reservations.add(token);
				return token;
			}
		});
	}

	@Override
	public Mono<Boolean> created(String token, Idle sandbox) {
		return Mono.fromSupplier(() -> {
			synchronized (this) {
				if (!this.reservations.remove(token)) {
					return false;
				}
				this.idle.put(sandbox.id(), sandbox);
				return true;
			}
		});
	}

	@Override
	public Mono<Void> createdInUse(String token, String sandboxId) {
		return Mono.fromRunnable(() -> {
			synchronized (this) {
				this.reservations.remove(token);
				this.inUse.add(sandboxId);
			}
		});
	}

	@Override
	public Mono<Void> cancel(String token) {
		return Mono.fromRunnable(() -> {
			synchronized (this) {
				this.reservations.remove(token);
			}
		});
	}

	@Override
	public Mono<Void> done(String sandboxId) {
		return Mono.fromRunnable(() -> {
			synchronized (this) {
				this.inUse.remove(sandboxId);
			}
		});
	}

	@Override
	public Mono<Boolean> remove(String sandboxId) {
		return Mono.fromSupplier(() -> {
			synchronized (this) {
				return this.idle.remove(sandboxId) != null;
			}
		});
	}

	@Override
	public Mono<Void> renewed(String sandboxId, Instant expiresAt) {
		return Mono.fromRunnable(() -> {
			synchronized (this) {
				this.idle.computeIfPresent(sandboxId, (id, sandbox) -> new Idle(id, sandbox.createdAt(), expiresAt));
			}
		});
	}

	@Override
	public Mono<List<Idle>> idle() {
		return Mono.fromSupplier(() -> {
			synchronized (this) {
				return List.copyOf(this.idle.values());
			}
		});
	}

	@Override
	public Mono<Counts> counts() {
		return Mono.fromSupplier(() -> {
			synchronized (this) {
				return new Counts(this.idle.size(), this.inUse.size(), this.reservations.size());
			}
		});
	}

	/**
	 * Nothing to keep alive and no other instance to outlive. It must not forget
	 * sandboxes missing from {@code inUse}: the pool names a sandbox there only once its
	 * hand-out is done, after the claim, and the pool reports released ones with
	 * {@link #done(String)}.
	 */
	@Override
	public Mono<List<String>> upkeep(List<String> inUse) {
		return Mono.just(List.of());
	}

	@Override
	public Mono<List<Idle>> drain() {
		return Mono.fromSupplier(() -> {
			synchronized (this) {
				List<Idle> drained = List.copyOf(this.idle.values());
				this.idle.clear();
				return drained;
			}
		});
	}

	@Override
	public Mono<Void> join() {
		return Mono.empty();
	}

}
