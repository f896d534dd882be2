package io.opensandbox.spring.core;

import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.model.PtySession;

/**
 * The blocking twin of a {@link ReactivePty.Connection}.
 *
 * @author OpenSandbox Spring Boot
 */
final class DefaultPtyConnection implements Pty.Connection {

	private final ReactivePty.Connection reactive;

	DefaultPtyConnection(ReactivePty.Connection reactive) {
		this.reactive = reactive;
	}

	@Override
	public String sessionId() {
		return this.reactive.sessionId();
	}

	@Override
	public PtySession.Mode mode() {
		return this.reactive.mode();
	}

	@Override
	public Stream<PtySession.Output> output() {
		return Blocking.stream(this.reactive.output());
	}

	@Override
	public @Nullable Integer exitCode() {
		return this.reactive.exitCode().block();
	}

	@Override
	public void write(byte[] input) {
		Blocking.run(this.reactive.write(input));
	}

	@Override
	public void write(String text) {
		Blocking.run(this.reactive.write(text));
	}

	@Override
	public void resize(int columns, int rows) {
		Blocking.run(this.reactive.resize(columns, rows));
	}

	@Override
	public void signal(String signal) {
		Blocking.run(this.reactive.signal(signal));
	}

	@Override
	public long offset() {
		return this.reactive.offset();
	}

	@Override
	public ReactivePty.Connection reactive() {
		return this.reactive;
	}

	@Override
	public void close() {
		Blocking.run(this.reactive.close());
	}

	@Override
	public String toString() {
		return "Pty.Connection[" + this.reactive.sessionId() + "]";
	}

}
