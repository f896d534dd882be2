package io.opensandbox.spring.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.model.ResultPage;
import io.opensandbox.spring.model.SandboxEndpoint;
import io.opensandbox.spring.model.SandboxInfo;
import io.opensandbox.spring.model.SnapshotInfo;

/**
 * Reactive administration of every sandbox and snapshot the API key can see. Thread-safe.
 * See {@link SandboxManager} for the blocking twin.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public interface ReactiveSandboxManager {

	/**
	 * List one page of sandboxes.
	 * @param filter which sandboxes to list
	 * @param page the page number, from 1
	 * @param pageSize the page size, 1 to 200
	 * @return the page
	 */
	Mono<ResultPage<SandboxInfo>> list(SandboxInfo.Filter filter, int page, int pageSize);

	/**
	 * Stream every sandbox matching the filter, fetching pages as they are consumed.
	 * @param filter which sandboxes to list
	 * @return the sandboxes
	 */
	Flux<SandboxInfo> listAll(SandboxInfo.Filter filter);

	/**
	 * Get a sandbox.
	 * @param sandboxId the sandbox id
	 * @return the sandbox; an unknown id is an {@link OpenSandboxApiException.NotFound}
	 */
	Mono<SandboxInfo> get(String sandboxId);

	/**
	 * Kill a sandbox. A sandbox that is already gone counts as killed.
	 * @param sandboxId the sandbox id
	 * @return completes when the sandbox is being terminated or was already gone
	 */
	Mono<Void> kill(String sandboxId);

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
	Mono<SandboxInfo.Diagnostics> diagnosticLogs(String sandboxId, String scope);

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
	Mono<SandboxInfo.Diagnostics> diagnosticEvents(String sandboxId, String scope);

	/**
	 * A signed endpoint for a port inside a sandbox: a direct route that the server stops
	 * honouring at the given time.
	 * @param sandboxId the sandbox id
	 * @param port the port, 1 to 65535
	 * @param expires when the route stops working, in the future
	 * @return the endpoint
	 */
	Mono<SandboxEndpoint> signedEndpoint(String sandboxId, int port, Instant expires);

	/**
	 * Pause a sandbox.
	 * @param sandboxId the sandbox id
	 * @return completes when the server accepted the request
	 */
	Mono<Void> pause(String sandboxId);

	/**
	 * Resume a paused sandbox.
	 * @param sandboxId the sandbox id
	 * @return completes when the server accepted the request
	 */
	Mono<Void> resume(String sandboxId);

	/**
	 * Let a sandbox live for the given time from now; sends the absolute expiry the
	 * server expects.
	 * @param sandboxId the sandbox id
	 * @param timeToLive how long the sandbox should live from now
	 * @return the new expiry
	 */
	Mono<Instant> renew(String sandboxId, Duration timeToLive);

	/**
	 * Change a sandbox's metadata: a value adds or replaces a key, {@code null} deletes
	 * it.
	 * @param sandboxId the sandbox id
	 * @param patch the changes
	 * @return the sandbox with its new metadata
	 */
	Mono<SandboxInfo> patchMetadata(String sandboxId, Map<String, ? extends @Nullable String> patch);

	/**
	 * Take a snapshot of a running sandbox.
	 * @param sandboxId the sandbox id
	 * @param name the snapshot's name
	 * @return the new snapshot, in {@code Creating} state
	 */
	Mono<SnapshotInfo> createSnapshot(String sandboxId, String name);

	/**
	 * Take a snapshot of a running sandbox, without a name.
	 * @param sandboxId the sandbox id
	 * @return the new snapshot, in {@code Creating} state
	 */
	Mono<SnapshotInfo> createSnapshot(String sandboxId);

	/**
	 * The lifecycle server's health, as its health endpoint reports it.
	 * @return the status the server reported
	 */
	Mono<String> health();

	/**
	 * Get a snapshot.
	 * @param snapshotId the snapshot id
	 * @return the snapshot
	 */
	Mono<SnapshotInfo> getSnapshot(String snapshotId);

	/**
	 * List one page of snapshots.
	 * @param filter which snapshots to list
	 * @param page the page number, from 1
	 * @param pageSize the page size, 1 to 200
	 * @return the page
	 */
	Mono<ResultPage<SnapshotInfo>> listSnapshots(SnapshotInfo.Filter filter, int page, int pageSize);

	/**
	 * Stream every snapshot matching the filter, fetching pages as they are consumed.
	 * @param filter which snapshots to list
	 * @return the snapshots
	 */
	Flux<SnapshotInfo> listAllSnapshots(SnapshotInfo.Filter filter);

	/**
	 * Delete a snapshot. A snapshot that is already gone counts as deleted.
	 * @param snapshotId the snapshot id
	 * @return completes when the snapshot is being deleted or was already gone
	 */
	Mono<Void> deleteSnapshot(String snapshotId);

	/**
	 * A manager on a connection.
	 * @param connection the connection to the server
	 * @return the manager
	 */
	static ReactiveSandboxManager create(OpenSandboxConnection connection) {
		return new DefaultReactiveSandboxManager(connection.lifecycle(), Clock.systemUTC());
	}

}
