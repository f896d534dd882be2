package io.opensandbox.spring.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.model.ResultPage;
import io.opensandbox.spring.model.SandboxEndpoint;
import io.opensandbox.spring.model.SandboxInfo;
import io.opensandbox.spring.model.SnapshotInfo;

/**
 * Administration of every sandbox and snapshot the API key can see; calls block the
 * calling thread. The methods are those of {@link ReactiveSandboxManager}. Thread-safe.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public interface SandboxManager {

	/**
	 * List one page of sandboxes.
	 * @param filter which sandboxes to list
	 * @param page the page number, from 1
	 * @param pageSize the page size, 1 to 200
	 * @return the page
	 */
	ResultPage<SandboxInfo> list(SandboxInfo.Filter filter, int page, int pageSize);

	/**
	 * Every sandbox matching the filter, fetching pages as the stream is consumed.
	 * @param filter which sandboxes to list
	 * @return the sandboxes
	 */
	Stream<SandboxInfo> listAll(SandboxInfo.Filter filter);

	/**
	 * Get a sandbox.
	 * @param sandboxId the sandbox id
	 * @return the sandbox; an unknown id is an {@link OpenSandboxApiException.NotFound}
	 */
	SandboxInfo get(String sandboxId);

	/**
	 * Kill a sandbox. A sandbox that is already gone counts as killed.
	 * @param sandboxId the sandbox id
	 */
	void kill(String sandboxId);

	/**
	 * The lifecycle server's diagnostic logs of a sandbox, for people and troubleshooting
	 * agents.
	 * @param sandboxId the sandbox id
	 * @param scope the scope, for example {@code container}, {@code lifecycle},
	 * {@code runtime} or {@code all} (which scopes exist is up to the server)
	 * @return the diagnostic text, inline or as a download URL; a server without the
	 * diagnostics API answers with an
	 * {@link io.opensandbox.spring.error.OpenSandboxApiException}
	 */
	SandboxInfo.Diagnostics diagnosticLogs(String sandboxId, String scope);

	/**
	 * The lifecycle server's diagnostic events of a sandbox, for people and
	 * troubleshooting agents.
	 * @param sandboxId the sandbox id
	 * @param scope the scope, for example {@code container}, {@code lifecycle},
	 * {@code runtime} or {@code all} (which scopes exist is up to the server)
	 * @return the diagnostic text, inline or as a download URL; a server without the
	 * diagnostics API answers with an
	 * {@link io.opensandbox.spring.error.OpenSandboxApiException}
	 */
	SandboxInfo.Diagnostics diagnosticEvents(String sandboxId, String scope);

	/**
	 * A signed endpoint for a port inside a sandbox: a direct route that the server stops
	 * honouring at the given time.
	 * @param sandboxId the sandbox id
	 * @param port the port, 1 to 65535
	 * @param expires when the route stops working, in the future
	 * @return the endpoint
	 */
	SandboxEndpoint signedEndpoint(String sandboxId, int port, Instant expires);

	/**
	 * Pause a sandbox.
	 * @param sandboxId the sandbox id
	 */
	void pause(String sandboxId);

	/**
	 * Resume a paused sandbox.
	 * @param sandboxId the sandbox id
	 */
	void resume(String sandboxId);

	/**
	 * Let a sandbox live for the given time from now; sends the absolute expiry the
	 * server expects.
	 * @param sandboxId the sandbox id
	 * @param timeToLive how long the sandbox should live from now
	 * @return the new expiry
	 */
	Instant renew(String sandboxId, Duration timeToLive);

	/**
	 * Change a sandbox's metadata: a value adds or replaces a key, {@code null} deletes
	 * it.
	 * @param sandboxId the sandbox id
	 * @param patch the changes
	 * @return the sandbox with its new metadata
	 */
	SandboxInfo patchMetadata(String sandboxId, Map<String, ? extends @Nullable String> patch);

	/**
	 * Take a snapshot of a running sandbox.
	 * @param sandboxId the sandbox id
	 * @param name the snapshot's name
	 * @return the new snapshot, in {@code Creating} state
	 */
	SnapshotInfo createSnapshot(String sandboxId, String name);

	/**
	 * Take a snapshot of a running sandbox, without a name.
	 * @param sandboxId the sandbox id
	 * @return the new snapshot, in {@code Creating} state
	 */
	SnapshotInfo createSnapshot(String sandboxId);

	/**
	 * The lifecycle server's health, as its health endpoint reports it.
	 * @return the status the server reported
	 */
	String health();

	/**
	 * Get a snapshot.
	 * @param snapshotId the snapshot id
	 * @return the snapshot
	 */
	SnapshotInfo getSnapshot(String snapshotId);

	/**
	 * List one page of snapshots.
	 * @param filter which snapshots to list
	 * @param page the page number, from 1
	 * @param pageSize the page size, 1 to 200
	 * @return the page
	 */
	ResultPage<SnapshotInfo> listSnapshots(SnapshotInfo.Filter filter, int page, int pageSize);

	/**
	 * Every snapshot matching the filter, fetching pages as the stream is consumed.
	 * @param filter which snapshots to list
	 * @return the snapshots
	 */
	Stream<SnapshotInfo> listAllSnapshots(SnapshotInfo.Filter filter);

	/**
	 * Delete a snapshot. A snapshot that is already gone counts as deleted.
	 * @param snapshotId the snapshot id
	 */
	void deleteSnapshot(String snapshotId);

	/**
	 * The reactive twin.
	 * @return the reactive manager
	 */
	ReactiveSandboxManager reactive();

	/**
	 * A blocking manager on a reactive one.
	 * @param reactive the reactive manager
	 * @return the blocking manager
	 */
	static SandboxManager of(ReactiveSandboxManager reactive) {
		return new DefaultSandboxManager(reactive);
	}

}
