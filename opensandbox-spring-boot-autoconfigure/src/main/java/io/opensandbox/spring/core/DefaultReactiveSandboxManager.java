package io.opensandbox.spring.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.client.LifecycleClient;
import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.model.ResultPage;
import io.opensandbox.spring.model.SandboxEndpoint;
import io.opensandbox.spring.model.SandboxInfo;
import io.opensandbox.spring.model.SnapshotInfo;

/**
 * The {@link ReactiveSandboxManager} on the lifecycle client.
 *
 * @author OpenSandbox Spring Boot
 */
final class DefaultReactiveSandboxManager implements ReactiveSandboxManager {

	/** Page size used when streaming over all pages. */
	static final int STREAM_PAGE_SIZE = LifecycleClient.MAX_PAGE_SIZE;

	private final LifecycleClient client;

	private final Clock clock;

	DefaultReactiveSandboxManager(LifecycleClient client) {
		this(client, Clock.systemUTC());
	}

	DefaultReactiveSandboxManager(LifecycleClient client, Clock clock) {
		Assert.notNull(client, "'client' must not be null");
		Assert.notNull(clock, "'clock' must not be null");
		this.client = client;
		this.clock = clock;
	}

	@Override
	public Mono<ResultPage<SandboxInfo>> list(SandboxInfo.Filter filter, int page, int pageSize) {
		return this.client.list(filter, page, pageSize);
	}

	@Override
	public Flux<SandboxInfo> listAll(SandboxInfo.Filter filter) {
		return allPages((page) -> this.client.list(filter, page, STREAM_PAGE_SIZE));
	}

	@Override
	public Mono<SandboxInfo> get(String sandboxId) {
		return this.client.get(sandboxId);
	}

	@Override
	public Mono<Void> kill(String sandboxId) {
		return this.client.delete(sandboxId)
			.onErrorResume(OpenSandboxApiException.NotFound.class, (ex) -> Mono.empty());
	}

	@Override
	public Mono<SandboxInfo.Diagnostics> diagnosticLogs(String sandboxId, String scope) {
		Arguments.text(scope, "Scope");
		return this.client.diagnostics(sandboxId, "logs", scope);
	}

	@Override
	public Mono<SandboxInfo.Diagnostics> diagnosticEvents(String sandboxId, String scope) {
		Arguments.text(scope, "Scope");
		return this.client.diagnostics(sandboxId, "events", scope);
	}

	@Override
	public Mono<SandboxEndpoint> signedEndpoint(String sandboxId, int port, Instant expires) {
		Arguments.future(expires, this.clock, "Expiry");
		return this.client.endpoint(sandboxId, port, false, expires);
	}

	@Override
	public Mono<Void> pause(String sandboxId) {
		return this.client.pause(sandboxId);
	}

	@Override
	public Mono<Void> resume(String sandboxId) {
		return this.client.resume(sandboxId);
	}

	@Override
	public Mono<Instant> renew(String sandboxId, Duration timeToLive) {
		Assert.isTrue(timeToLive != null && !timeToLive.isNegative() && !timeToLive.isZero(),
				() -> "Time to live must be positive, not " + timeToLive);
		return Mono.defer(() -> this.client.renewExpiration(sandboxId, this.clock.instant().plus(timeToLive)));
	}

	@Override
	public Mono<SandboxInfo> patchMetadata(String sandboxId, Map<String, ? extends @Nullable String> patch) {
		return this.client.patchMetadata(sandboxId, patch);
	}

	@Override
	public Mono<SnapshotInfo> createSnapshot(String sandboxId, String name) {
		Arguments.text(name, "Snapshot name");
		return this.client.createSnapshot(sandboxId, name);
	}

	@Override
	public Mono<SnapshotInfo> createSnapshot(String sandboxId) {
		return this.client.createSnapshot(sandboxId, null);
	}

	@Override
	public Mono<String> health() {
		return this.client.health();
	}

	@Override
	public Mono<SnapshotInfo> getSnapshot(String snapshotId) {
		return this.client.getSnapshot(snapshotId);
	}

	@Override
	public Mono<ResultPage<SnapshotInfo>> listSnapshots(SnapshotInfo.Filter filter, int page, int pageSize) {
		return this.client.listSnapshots(filter, page, pageSize);
	}

	@Override
	public Flux<SnapshotInfo> listAllSnapshots(SnapshotInfo.Filter filter) {
		return allPages((page) -> this.client.listSnapshots(filter, page, STREAM_PAGE_SIZE));
	}

	@Override
	public Mono<Void> deleteSnapshot(String snapshotId) {
		return this.client.deleteSnapshot(snapshotId)
			.onErrorResume(OpenSandboxApiException.NotFound.class, (ex) -> Mono.empty());
	}

	/*
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
