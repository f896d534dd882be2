package io.opensandbox.spring.core;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Where a {@link ReactiveSandboxPool} keeps its books: which sandboxes are idle, which
 * are in use, how many are being created. Every change is atomic, so that concurrent
 * acquires (of one instance, or of several sharing a Redis store) never get the same
 * sandbox and never create beyond the pool's limits.
 *
 * @author OpenSandbox Spring Boot
 */
interface SandboxPoolStore {

	/**
	 * Take the oldest idle sandbox and hold it as in use by this instance.
	 * @return the sandbox, or empty when none is idle
	 */
	Mono<Idle> claim();

	/**
	 * Reserve the creation of one sandbox.
	 * @param target how many idle and creating sandboxes a refill may reach; ignored for
	 * a creation for a caller
	 * @param maxTotal how many sandboxes the pool may have in all
	 * @param forCaller whether the sandbox is created for a waiting caller (limited by
	 * the total only) rather than for the refill
	 * @return a token for the reservation, or empty when the limits refuse it
	 */
	Mono<String> reserve(int target, int maxTotal, boolean forCaller);

	/**
	 * Turn a reservation into an idle sandbox.
	 * @param token the reservation
	 * @param idle the new sandbox
	 * @return {@code false} if the reservation had lapsed (the sandbox is not the pool's
	 * and must be killed)
	 */
	Mono<Boolean> created(String token, Idle idle);

	/**
	 * Turn a reservation into a sandbox in use by this instance.
	 * @param token the reservation
	 * @param sandboxId the new sandbox
	 * @return completes when recorded
	 */
	Mono<Void> createdInUse(String token, String sandboxId);

	/**
	 * Drop a reservation whose creation failed.
	 * @param token the reservation
	 * @return completes when dropped
	 */
	Mono<Void> cancel(String token);

	/**
	 * Forget a sandbox in use: it was killed or released.
	 * @param sandboxId the sandbox
	 * @return completes when forgotten
	 */
	Mono<Void> done(String sandboxId);

	/**
	 * Take a given idle sandbox out of the pool (to replace it).
	 * @param sandboxId the sandbox
	 * @return whether it was idle (and nobody claimed it first)
	 */
	Mono<Boolean> remove(String sandboxId);

	/**
	 * Record an idle sandbox's new expiry.
	 * @param sandboxId the sandbox
	 * @param expiresAt its new expiry
	 * @return completes when recorded
	 */
	Mono<Void> renewed(String sandboxId, Instant expiresAt);

	/**
	 * The idle sandboxes, oldest first.
	 * @return a snapshot
	 */
	Mono<List<Idle>> idle();

	/**
	 * The counts, as of now.
	 * @return the counts
	 */
	Mono<Counts> counts();

	/**
	 * Keep this instance's claims and reservations alive, and take the sandboxes in use
	 * whose instance let its lease lapse (it died): the caller kills them.
	 * @param inUse the sandboxes this instance still has in use
	 * @return the ids of the sandboxes whose lease lapsed
	 */
	Mono<List<String>> upkeep(List<String> inUse);

	/**
	 * Take the idle sandboxes out of the pool for killing, when this instance is the last
	 * that uses the pool (with a shared store, the others keep them), and leave.
	 * @return the sandboxes to kill
	 */
	Mono<List<Idle>> drain();

	/**
	 * Join the instances that use the pool (again).
	 * @return completes when joined
	 */
	Mono<Void> join();

	/**
	 * An idle sandbox.
	 *
	 * @param id the sandbox id
	 * @param createdAt when it became idle
	 * @param expiresAt when it expires unless renewed, or {@code null} if it never
	 * expires
	 */
	record Idle(String id, Instant createdAt, @Nullable Instant expiresAt) {

	}

	/**
	 * How many sandboxes are where.
	 *
	 * @param idle idle
	 * @param inUse in use
	 * @param creating being created
	 */
	record Counts(int idle, int inUse, int creating) {

	}

}
