package io.opensandbox.spring.core;

import io.opensandbox.spring.model.PtySession;

/**
 * The blocking twin of {@link DefaultReactivePty}.
 *
 * @author OpenSandbox Spring Boot
 */
final class DefaultPty implements Pty {

	private final ReactivePty reactive;

	DefaultPty(ReactivePty reactive) {
		this.reactive = reactive;
	}

	@Override
	public String create(PtySession.Spec spec) {
		return Blocking.get(this.reactive.create(spec));
	}

	@Override
	public Pty.Connection open(PtySession.Spec spec) {
		return new DefaultPtyConnection(Blocking.get(this.reactive.open(spec)));
	}

	@Override
	public Pty.Connection attach(String sessionId, PtySession.Attach options) {
		return new DefaultPtyConnection(Blocking.get(this.reactive.attach(sessionId, options)));
	}

	@Override
	public PtySession status(String sessionId) {
		return Blocking.get(this.reactive.status(sessionId));
	}

	@Override
	public void delete(String sessionId) {
		Blocking.run(this.reactive.delete(sessionId));
	}

	@Override
	public ReactivePty reactive() {
		return this.reactive;
	}

}
