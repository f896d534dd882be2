package io.opensandbox.spring.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.util.Assert;

import io.opensandbox.spring.model.ResultPage;
import io.opensandbox.spring.model.SandboxFilter;
import io.opensandbox.spring.model.SandboxInfo;
import io.opensandbox.spring.model.SnapshotFilter;
import io.opensandbox.spring.model.SnapshotInfo;

/**
 * Blocking administration of every sandbox and snapshot the API key can see: paged
 * listing with state and metadata filters, a stream over all pages, get, kill, pause,
 * resume, renew, metadata changes and snapshots. Thread-safe. Each method blocks the
 * calling thread only; never call it from a reactive pipeline, use {@link #reactive()}
 * there.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class SandboxManager {

	private final ReactiveSandboxManager reactive;

	/**
	 * Create a manager on top of its reactive twin.
	 * @param reactive the reactive manager
	 */
	public SandboxManager(ReactiveSandboxManager reactive) {
		Assert.notNull(reactive, "'reactive' must not be null");
		this.reactive = reactive;
	}

	/**
	 * The reactive twin of this manager.
	 * @return the reactive manager
	 */
	public ReactiveSandboxManager reactive() {
		return this.reactive;
	}

	/**
	 * List one page of sandboxes.
	 * @param filter which sandboxes to list
	 * @param page the page number, from 1
	 * @param pageSize the page size, 1 to 200
	 * @return the page
	 */
	public ResultPage<SandboxInfo> list(SandboxFilter filter, int page, int pageSize) {
		return block(this.reactive.list(filter, page, pageSize));
	}

	/**
	 * Stream every sandbox matching the filter; pages are fetched as the stream is
	 * consumed. Close the stream when done early.
	 * @param filter which sandboxes to list
	 * @return the sandboxes
	 */
	public Stream<SandboxInfo> listAll(SandboxFilter filter) {
		return this.reactive.listAll(filter).toStream(ReactiveSandboxManager.STREAM_PAGE_SIZE);
	}

	/**
	 * Get a sandbox.
	 * @param sandboxId the sandbox id
	 * @return the sandbox
	 * @throws io.opensandbox.spring.error.OpenSandboxNotFoundException if there is no
	 * such sandbox
	 */
	public SandboxInfo get(String sandboxId) {
		return block(this.reactive.get(sandboxId));
	}

	/**
	 * Kill a sandbox. A sandbox that is already gone counts as killed.
	 * @param sandboxId the sandbox id
	 */
	public void kill(String sandboxId) {
		this.reactive.kill(sandboxId).block();
	}

	/**
	 * Pause a sandbox.
	 * @param sandboxId the sandbox id
	 */
	public void pause(String sandboxId) {
		this.reactive.pause(sandboxId).block();
	}

	/**
	 * Resume a paused sandbox.
	 * @param sandboxId the sandbox id
	 */
	public void resume(String sandboxId) {
		this.reactive.resume(sandboxId).block();
	}

	/**
	 * Let a sandbox live for the given time from now.
	 * @param sandboxId the sandbox id
	 * @param timeToLive how long the sandbox should live from now
	 * @return the new expiry
	 */
	public Instant renew(String sandboxId, Duration timeToLive) {
		return block(this.reactive.renew(sandboxId, timeToLive));
	}

	/**
	 * Change a sandbox's metadata: a value adds or replaces a key, {@code null} deletes it.
	 * @param sandboxId the sandbox id
	 * @param patch the changes
	 * @return the sandbox with its new metadata
	 */
	public SandboxInfo patchMetadata(String sandboxId, Map<String, ? extends @Nullable String> patch) {
		return block(this.reactive.patchMetadata(sandboxId, patch));
	}

	/**
	 * Take a snapshot of a running sandbox.
	 * @param sandboxId the sandbox id
	 * @param name an optional name
	 * @return the new snapshot, in {@code Creating} state
	 */
	public SnapshotInfo createSnapshot(String sandboxId, @Nullable String name) {
		return block(this.reactive.createSnapshot(sandboxId, name));
	}

	/**
	 * Get a snapshot.
	 * @param snapshotId the snapshot id
	 * @return the snapshot
	 */
	public SnapshotInfo getSnapshot(String snapshotId) {
		return block(this.reactive.getSnapshot(snapshotId));
	}

	/**
	 * List one page of snapshots.
	 * @param filter which snapshots to list
	 * @param page the page number, from 1
	 * @param pageSize the page size, 1 to 200
	 * @return the page
	 */
	public ResultPage<SnapshotInfo> listSnapshots(SnapshotFilter filter, int page, int pageSize) {
		return block(this.reactive.listSnapshots(filter, page, pageSize));
	}

	/**
	 * Every snapshot matching the filter, from all pages.
	 * @param filter which snapshots to list
	 * @return the snapshots
	 */
	public List<SnapshotInfo> listAllSnapshots(SnapshotFilter filter) {
		return block(this.reactive.listAllSnapshots(filter).collectList());
	}

	/**
	 * Delete a snapshot. A snapshot that is already gone counts as deleted.
	 * @param snapshotId the snapshot id
	 */
	public void deleteSnapshot(String snapshotId) {
		this.reactive.deleteSnapshot(snapshotId).block();
	}

	private static <T> T block(Mono<T> mono) {
		return Blocking.get(mono);
	}

}
