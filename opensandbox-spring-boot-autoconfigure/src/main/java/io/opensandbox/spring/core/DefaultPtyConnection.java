package io.opensandbox.spring.core;

import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.model.PtyOutput;
import io.opensandbox.spring.model.PtySpec;

/**
 * The blocking twin of a {@link ReactivePtyConnection}.
 *
 * @author OpenSandbox Spring Boot
 */
final class DefaultPtyConnection implements PtyConnection {

	private final ReactivePtyConnection reactive;

	DefaultPtyConnection(ReactivePtyConnection reactive) {
		this.reactive = reactive;
	}

	@Override
	public String sessionId() {
		return this.reactive.sessionId();
	}

	@Override
	public PtySpec.Mode mode() {
		return this.reactive.mode();
	}

	@Override
	public Stream<PtyOutput> output() {
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
	public ReactivePtyConnection reactive() {
		return this.reactive;
	}

	@Override
	public void close() {
		Blocking.run(this.reactive.close());
	}

	@Override
	public String toString() {
		return "PtyConnection[" + this.reactive.sessionId() + "]";
	}

}
