package io.opensandbox.spring.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.util.Assert;

import io.opensandbox.spring.client.LifecycleClient;
import io.opensandbox.spring.error.OpenSandboxNotFoundException;
import io.opensandbox.spring.model.ResultPage;
import io.opensandbox.spring.model.SandboxFilter;
import io.opensandbox.spring.model.SandboxInfo;
import io.opensandbox.spring.model.SnapshotFilter;
import io.opensandbox.spring.model.SnapshotInfo;

/**
 * Reactive administration of every sandbox and snapshot the API key can see. Thread-safe.
 * See {@link SandboxManager} for the blocking twin.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class ReactiveSandboxManager {

	/** Page size used when streaming over all pages. */
	static final int STREAM_PAGE_SIZE = LifecycleClient.MAX_PAGE_SIZE;

	private final LifecycleClient client;

	private final Clock clock;

	/**
	 * Create a manager.
	 * @param client the lifecycle client
	 */
	public ReactiveSandboxManager(LifecycleClient client) {
		this(client, Clock.systemUTC());
	}

	/**
	 * Create a manager with a clock, which decides what "now" is for renewals.
	 * @param client the lifecycle client
	 * @param clock the clock
	 */
	public ReactiveSandboxManager(LifecycleClient client, Clock clock) {
		Assert.notNull(client, "'client' must not be null");
		Assert.notNull(clock, "'clock' must not be null");
		this.client = client;
		this.clock = clock;
	}

	/**
	 * List one page of sandboxes.
	 * @param filter which sandboxes to list
	 * @param page the page number, from 1
	 * @param pageSize the page size, 1 to 200
	 * @return the page
	 */
	public Mono<ResultPage<SandboxInfo>> list(SandboxFilter filter, int page, int pageSize) {
		return this.client.list(filter, page, pageSize);
	}

	/**
	 * Stream every sandbox matching the filter, fetching pages as they are consumed.
	 * @param filter which sandboxes to list
	 * @return the sandboxes
	 */
	public Flux<SandboxInfo> listAll(SandboxFilter filter) {
		return allPages((page) -> this.client.list(filter, page, STREAM_PAGE_SIZE));
	}

	/**
	 * Get a sandbox.
	 * @param sandboxId the sandbox id
	 * @return the sandbox; an unknown id is an {@link OpenSandboxNotFoundException}
	 */
	public Mono<SandboxInfo> get(String sandboxId) {
		return this.client.get(sandboxId);
	}

	/**
	 * Kill a sandbox. A sandbox that is already gone counts as killed.
	 * @param sandboxId the sandbox id
	 * @return completes when the sandbox is being terminated or was already gone
	 */
	public Mono<Void> kill(String sandboxId) {
		return this.client.delete(sandboxId).onErrorResume(OpenSandboxNotFoundException.class, (ex) -> Mono.empty());
	}

	/**
	 * Pause a sandbox.
	 * @param sandboxId the sandbox id
	 * @return completes when the server accepted the request
	 */
	public Mono<Void> pause(String sandboxId) {
		return this.client.pause(sandboxId);
	}

	/**
	 * Resume a paused sandbox.
	 * @param sandboxId the sandbox id
	 * @return completes when the server accepted the request
	 */
	public Mono<Void> resume(String sandboxId) {
		return this.client.resume(sandboxId);
	}

	/**
	 * Let a sandbox live for the given time from now; sends the absolute expiry the server
	 * expects.
	 * @param sandboxId the sandbox id
	 * @param timeToLive how long the sandbox should live from now
	 * @return the new expiry
	 */
	public Mono<Instant> renew(String sandboxId, Duration timeToLive) {
		Assert.isTrue(timeToLive != null && !timeToLive.isNegative() && !timeToLive.isZero(),
				() -> "Time to live must be positive, not " + timeToLive);
		return Mono.defer(() -> this.client.renewExpiration(sandboxId, this.clock.instant().plus(timeToLive)));
	}

	/**
	 * Change a sandbox's metadata: a value adds or replaces a key, {@code null} deletes it.
	 * @param sandboxId the sandbox id
	 * @param patch the changes
	 * @return the sandbox with its new metadata
	 */
	public Mono<SandboxInfo> patchMetadata(String sandboxId, Map<String, ? extends @Nullable String> patch) {
		return this.client.patchMetadata(sandboxId, patch);
	}

	/**
	 * Take a snapshot of a running sandbox.
	 * @param sandboxId the sandbox id
	 * @param name an optional name
	 * @return the new snapshot, in {@code Creating} state
	 */
	public Mono<SnapshotInfo> createSnapshot(String sandboxId, @Nullable String name) {
		return this.client.createSnapshot(sandboxId, name);
	}

	/**
	 * Get a snapshot.
	 * @param snapshotId the snapshot id
	 * @return the snapshot
	 */
	public Mono<SnapshotInfo> getSnapshot(String snapshotId) {
		return this.client.getSnapshot(snapshotId);
	}

	/**
	 * List one page of snapshots.
	 * @param filter which snapshots to list
	 * @param page the page number, from 1
	 * @param pageSize the page size, 1 to 200
	 * @return the page
	 */
	public Mono<ResultPage<SnapshotInfo>> listSnapshots(SnapshotFilter filter, int page, int pageSize) {
		return this.client.listSnapshots(filter, page, pageSize);
	}

	/**
	 * Stream every snapshot matching the filter, fetching pages as they are consumed.
	 * @param filter which snapshots to list
	 * @return the snapshots
	 */
	public Flux<SnapshotInfo> listAllSnapshots(SnapshotFilter filter) {
		return allPages((page) -> this.client.listSnapshots(filter, page, STREAM_PAGE_SIZE));
	}

	/**
	 * Delete a snapshot. A snapshot that is already gone counts as deleted.
	 * @param snapshotId the snapshot id
	 * @return completes when the snapshot is being deleted or was already gone
	 */
	public Mono<Void> deleteSnapshot(String snapshotId) {
		return this.client.deleteSnapshot(snapshotId)
			.onErrorResume(OpenSandboxNotFoundException.class, (ex) -> Mono.empty());
	}

	/**
	 * The lifecycle client underneath, for operations this manager does not wrap.
	 * @return the client
	 */
	public LifecycleClient getClient() {
		return this.client;
	}

	/**
	 * Follows pages until the server says there is no next one. An empty page also ends
	 * the stream, so a server that keeps claiming more pages cannot loop forever.
	 */
	private static <T> Flux<T> allPages(java.util.function.IntFunction<Mono<ResultPage<T>>> fetch) {
		return fetch.apply(1)
			.expand((page) -> (page.hasNextPage() && !page.items().isEmpty()) ? fetch.apply(page.page() + 1)
					: Mono.empty())
			.concatMapIterable(ResultPage::items);
	}

}
