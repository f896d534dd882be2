package io.opensandbox.spring.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.model.SandboxEndpoint;
import io.opensandbox.spring.model.SandboxInfo;
import io.opensandbox.spring.model.SandboxMetrics;

/**
 * A {@link Sandbox} that blocks on a {@link ReactiveSandbox}.
 *
 * @author OpenSandbox Spring Boot
 */
final class DefaultSandbox implements Sandbox {

	private final ReactiveSandbox reactive;

	private final Commands commands;

	private final Codes codes;

	private final Pty pty;

	private final Egress egress;

	private final Files files;

	DefaultSandbox(ReactiveSandbox reactive) {
		this.reactive = reactive;
		this.commands = new DefaultCommands(reactive.commands());
		this.codes = new DefaultCodes(reactive.codes());
		this.pty = new DefaultPty(reactive.pty());
		this.egress = new DefaultEgress(reactive.egress());
		this.files = new DefaultFiles(reactive.files());
	}

	@Override
	public String id() {
		return this.reactive.id();
	}

	@Override
	public SandboxInfo info() {
		return Blocking.get(this.reactive.info());
	}

	@Override
	public void ping() {
		Blocking.run(this.reactive.ping());
	}

	@Override
	public SandboxEndpoint endpoint(int port) {
		return Blocking.get(this.reactive.endpoint(port));
	}

	@Override
	public SandboxEndpoint signedEndpoint(int port, Instant expires) {
		return Blocking.get(this.reactive.signedEndpoint(port, expires));
	}

	@Override
	public SandboxInfo.Diagnostics diagnosticLogs(String scope) {
		return Blocking.get(this.reactive.diagnosticLogs(scope));
	}

	@Override
	public SandboxInfo.Diagnostics diagnosticEvents(String scope) {
		return Blocking.get(this.reactive.diagnosticEvents(scope));
	}

	@Override
	public String endpointUrl(int port) {
		return Blocking.get(this.reactive.endpointUrl(port));
	}

	@Override
	public Instant renew(Duration timeToLive) {
		return Blocking.get(this.reactive.renew(timeToLive));
	}

	@Override
	public void pause() {
		Blocking.run(this.reactive.pause());
	}

	@Override
	public void resume() {
		Blocking.run(this.reactive.resume());
	}

	@Override
	public void resume(Readiness readiness) {
		Blocking.run(this.reactive.resume(readiness));
	}

	@Override
	public boolean isHealthy() {
		return Blocking.get(this.reactive.isHealthy());
	}

	@Override
	public void waitUntilReady(Duration timeout) {
		Blocking.run(this.reactive.waitUntilReady(timeout));
	}

	@Override
	public void waitUntilReady(Readiness readiness) {
		Blocking.run(this.reactive.waitUntilReady(readiness));
	}

	@Override
	public SandboxInfo patchMetadata(Map<String, ? extends @Nullable String> patch) {
		return Blocking.get(this.reactive.patchMetadata(patch));
	}

	@Override
	public void kill() {
		Blocking.run(this.reactive.kill());
	}

	@Override
	public boolean release() {
		return this.reactive.release();
	}

	@Override
	public Commands commands() {
		return this.commands;
	}

	@Override
	public Files files() {
		return this.files;
	}

	@Override
	public Codes codes() {
		return this.codes;
	}

	@Override
	public Pty pty() {
		return this.pty;
	}

	@Override
	public Egress egress() {
		return this.egress;
	}

	@Override
	public SandboxMetrics metrics() {
		return Blocking.get(this.reactive.metrics());
	}

	@Override
	public Stream<SandboxMetrics> watchMetrics() {
		return Blocking.stream(this.reactive.watchMetrics());
	}

	@Override
	public void close() {
		kill();
	}

	@Override
	public ReactiveSandbox reactive() {
		return this.reactive;
	}

	@Override
	public String toString() {
		return "Sandbox[" + id() + "]";
	}

}
