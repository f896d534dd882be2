package io.opensandbox.spring.test;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that runs an {@link EmbeddedOpenSandboxServer} for a test class and
 * injects it into test and lifecycle methods. Register it with
 * {@code @ExtendWith(EmbeddedOpenSandboxExtension.class)} for the defaults, or as a
 * static field to configure the server: <pre class="code">
 * &#064;RegisterExtension
 * static EmbeddedOpenSandboxExtension openSandbox = new EmbeddedOpenSandboxExtension(
 *         EmbeddedOpenSandboxServer.builder().apiKey("test-key"));
 * </pre>
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class EmbeddedOpenSandboxExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

	private final EmbeddedOpenSandboxServer.Builder builder;

	private @Nullable EmbeddedOpenSandboxServer server;

	/**
	 * An extension whose server has the builder's defaults.
	 */
	public EmbeddedOpenSandboxExtension() {
		this(EmbeddedOpenSandboxServer.builder());
	}

	/**
	 * An extension whose server is built by the given builder.
	 * @param builder the builder
	 */
	public EmbeddedOpenSandboxExtension(EmbeddedOpenSandboxServer.Builder builder) {
		this.builder = builder;
	}

	/**
	 * The running server.
	 * @return the server
	 * @throws IllegalStateException outside the test class's lifetime
	 */
	public EmbeddedOpenSandboxServer getServer() {
		EmbeddedOpenSandboxServer running = this.server;
		if (running == null) {
			throw new IllegalStateException("The embedded OpenSandbox server runs only while the test class runs");
		}
		return running;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.server = this.builder.build().start();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		EmbeddedOpenSandboxServer running = this.server;
		this.server = null;
		if (running != null) {
			running.close();
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == EmbeddedOpenSandboxServer.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
			throws ParameterResolutionException {
		try {
			return getServer();
		}
		catch (IllegalStateException ex) {
			throw new ParameterResolutionException(String.valueOf(ex.getMessage()), ex);
		}
	}

}
