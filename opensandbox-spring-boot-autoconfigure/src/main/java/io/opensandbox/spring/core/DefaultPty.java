package io.opensandbox.spring.core;

import io.opensandbox.spring.model.PtySpec;
import io.opensandbox.spring.model.PtyStatus;

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
	public String create(PtySpec spec) {
		return Blocking.get(this.reactive.create(spec));
	}

	@Override
	public PtyConnection open(PtySpec spec) {
		return new DefaultPtyConnection(Blocking.get(this.reactive.open(spec)));
	}

	@Override
	public PtyConnection attach(String sessionId, PtySpec.Attach options) {
		return new DefaultPtyConnection(Blocking.get(this.reactive.attach(sessionId, options)));
	}

	@Override
	public PtyStatus status(String sessionId) {
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
