package io.opensandbox.spring.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.model.ResultPage;
import io.opensandbox.spring.model.SandboxEndpoint;
import io.opensandbox.spring.model.SandboxInfo;
import io.opensandbox.spring.model.SnapshotInfo;

/**
 * A {@link SandboxManager} that blocks on a {@link ReactiveSandboxManager}.
 *
 * @author OpenSandbox Spring Boot
 */
final class DefaultSandboxManager implements SandboxManager {

	private final ReactiveSandboxManager reactive;

	DefaultSandboxManager(ReactiveSandboxManager reactive) {
		Arguments.notNull(reactive, "Reactive manager");
		this.reactive = reactive;
	}

	@Override
	public ResultPage<SandboxInfo> list(SandboxInfo.Filter filter, int page, int pageSize) {
		return Blocking.get(this.reactive.list(filter, page, pageSize));
	}

	@Override
	public Stream<SandboxInfo> listAll(SandboxInfo.Filter filter) {
		return Blocking.stream(this.reactive.listAll(filter));
	}

	@Override
	public SandboxInfo get(String sandboxId) {
		return Blocking.get(this.reactive.get(sandboxId));
	}

	@Override
	public void kill(String sandboxId) {
		Blocking.run(this.reactive.kill(sandboxId));
	}

	@Override
	public SandboxInfo.Diagnostics diagnosticLogs(String sandboxId, String scope) {
		return Blocking.get(this.reactive.diagnosticLogs(sandboxId, scope));
	}

	@Override
	public SandboxInfo.Diagnostics diagnosticEvents(String sandboxId, String scope) {
		return Blocking.get(this.reactive.diagnosticEvents(sandboxId, scope));
	}

	@Override
	public SandboxEndpoint signedEndpoint(String sandboxId, int port, Instant expires) {
		return Blocking.get(this.reactive.signedEndpoint(sandboxId, port, expires));
	}

	@Override
	public void pause(String sandboxId) {
		Blocking.run(this.reactive.pause(sandboxId));
	}

	@Override
	public void resume(String sandboxId) {
		Blocking.run(this.reactive.resume(sandboxId));
	}

	@Override
	public Instant renew(String sandboxId, Duration timeToLive) {
		return Blocking.get(this.reactive.renew(sandboxId, timeToLive));
	}

	@Override
	public SandboxInfo patchMetadata(String sandboxId, Map<String, ? extends @Nullable String> patch) {
		return Blocking.get(this.reactive.patchMetadata(sandboxId, patch));
	}

	@Override
	public SnapshotInfo createSnapshot(String sandboxId, String name) {
		return Blocking.get(this.reactive.createSnapshot(sandboxId, name));
	}

	@Override
	public SnapshotInfo createSnapshot(String sandboxId) {
		return Blocking.get(this.reactive.createSnapshot(sandboxId));
	}

	@Override
	public String health() {
		return Blocking.get(this.reactive.health());
	}

	@Override
	public SnapshotInfo getSnapshot(String snapshotId) {
		return Blocking.get(this.reactive.getSnapshot(snapshotId));
	}

	@Override
	public ResultPage<SnapshotInfo> listSnapshots(SnapshotInfo.Filter filter, int page, int pageSize) {
		return Blocking.get(this.reactive.listSnapshots(filter, page, pageSize));
	}

	@Override
	public Stream<SnapshotInfo> listAllSnapshots(SnapshotInfo.Filter filter) {
		return Blocking.stream(this.reactive.listAllSnapshots(filter));
	}

	@Override
	public void deleteSnapshot(String snapshotId) {
		Blocking.run(this.reactive.deleteSnapshot(snapshotId));
	}

	@Override
	public ReactiveSandboxManager reactive() {
		return this.reactive;
	}

}
