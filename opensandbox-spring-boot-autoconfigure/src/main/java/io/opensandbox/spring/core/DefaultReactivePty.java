package io.opensandbox.spring.core;

import reactor.core.publisher.Mono;

import io.opensandbox.spring.client.ExecdPtyClient;
import io.opensandbox.spring.model.PtySession;

/**
 * PTY sessions of one sandbox, on its execd endpoint.
 *
 * @author OpenSandbox Spring Boot
 */
final class DefaultReactivePty implements ReactivePty {

	private final DefaultReactiveSandbox sandbox;

	DefaultReactivePty(DefaultReactiveSandbox sandbox) {
		this.sandbox = sandbox;
	}

	@Override
	public Mono<String> create(PtySession.Spec spec) {
		Arguments.notNull(spec, "Spec");
		return this.sandbox.ptyClient().flatMap((pty) -> pty.create(spec.workingDirectory(), spec.command()));
	}

	@Override
	public Mono<ReactivePty.Connection> open(PtySession.Spec spec) {
		Arguments.notNull(spec, "Spec");
		PtySession.Attach options = (spec.mode() == PtySession.Mode.PIPE) ? PtySession.Attach.DEFAULTS.withPipes()
				: PtySession.Attach.DEFAULTS;
		return create(spec).flatMap((id) -> attach(id, options))
			.flatMap((connection) -> (spec.columns() > 0)
					? connection.resize(spec.columns(), spec.rows()).thenReturn(connection) : Mono.just(connection));
	}

	@Override
	public Mono<ReactivePty.Connection> attach(String sessionId, PtySession.Attach options) {
		Arguments.text(sessionId, "Session id");
		Arguments.notNull(options, "Options");
		return this.sandbox.ptyClient().flatMap((pty) -> connect(pty, sessionId, options));
	}

	private Mono<ReactivePty.Connection> connect(ExecdPtyClient pty, String sessionId, PtySession.Attach options) {
		DefaultReactivePtyConnection connection = new DefaultReactivePtyConnection(pty, sessionId,
				options.mode() == PtySession.Mode.PIPE, this.sandbox.observations().getPtyTraffic());
		return connection.attach(options.since(), options.takeover());
	}

	@Override
	public Mono<PtySession> status(String sessionId) {
		Arguments.text(sessionId, "Session id");
		return this.sandbox.ptyClient().flatMap((pty) -> pty.status(sessionId));
	}

	@Override
	public Mono<Void> delete(String sessionId) {
		Arguments.text(sessionId, "Session id");
		return this.sandbox.ptyClient().flatMap((pty) -> pty.delete(sessionId));
	}

}
