package io.opensandbox.spring.core;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

import io.opensandbox.spring.model.SandboxSpec;

/**
 * The main entry point for using sandboxes from application code: create (with the
 * configured defaults and readiness), connect, execute a callback in a sandbox that is
 * killed afterwards, or run a single command. Thread-safe; configure once and inject.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class SandboxTemplate implements SandboxOperations {

	private final ReactiveSandboxTemplate reactive;

	/**
	 * Create the blocking twin of a reactive template.
	 * @param reactive the reactive template
	 */
	public SandboxTemplate(ReactiveSandboxTemplate reactive) {
		Assert.notNull(reactive, "'reactive' must not be null");
		this.reactive = reactive;
	}

	@Override
	public Sandbox create(SandboxSpec spec) {
		return new DefaultSandbox(Blocking.get(this.reactive.create(spec)));
	}

	@Override
	public Sandbox create(SandboxSpec spec, Readiness readiness) {
		return new DefaultSandbox(Blocking.get(this.reactive.create(spec, readiness)));
	}

	@Override
	public Sandbox connect(String sandboxId) {
		return new DefaultSandbox(Blocking.get(this.reactive.connect(sandboxId)));
	}

	@Override
	public Sandbox connect(String sandboxId, Readiness readiness) {
		return new DefaultSandbox(Blocking.get(this.reactive.connect(sandboxId, readiness)));
	}

	/**
	 * A handle for a sandbox id, without contacting the server.
	 * @param sandboxId the sandbox id
	 * @return the handle
	 */
	public Sandbox handle(String sandboxId) {
		return new DefaultSandbox(this.reactive.handle(sandboxId));
	}

	@Override
	public <T, E extends Exception> T execute(SandboxSpec spec, SandboxCallback<T, E> callback) throws E {
		Assert.notNull(callback, "'callback' must not be null");
		return useAndKill(create(spec), callback);
	}

	/*
	 * Hand a sandbox to a callback and kill it afterwards, however the callback ends.
	 */
	static <T, E extends Exception> T useAndKill(Sandbox sandbox, SandboxCallback<T, E> callback) throws E {
		@Nullable Exception failure = null;
		try {
			return callback.doInSandbox(sandbox);
		}
		catch (Exception ex) {
			failure = ex;
			throw ex;
		}
		finally {
			killAfterUse(sandbox, failure);
		}
	}

	/*
	 * Kill a sandbox whose callback ended, also when the thread was interrupted (the
	 * interrupt is restored afterwards) and without hiding the callback's own failure.
	 */
	private static void killAfterUse(Sandbox sandbox, @Nullable Exception failure) {
		boolean interrupted = Thread.interrupted();
		try {
			sandbox.kill();
		}
		catch (RuntimeException ex) {
			if (failure == null) {
				throw ex;
			}
			failure.addSuppressed(ex);
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public ReactiveSandboxTemplate reactive() {
		return this.reactive;
	}

}
