package io.opensandbox.spring.test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.test.server.SandboxServer;
import io.opensandbox.spring.test.server.ServerSettings;
import io.opensandbox.spring.test.server.ServerSettings.Isolation;

/**
 * An OpenSandbox-compatible server in the JVM, on 127.0.0.1: the lifecycle API (with and
 * without {@code /v1}), execd for every sandbox (direct and through the server proxy) and
 * the egress policy API of sandboxes created with a network policy. It reproduces the
 * real components' wire behaviour, and commands really run, each sandbox isolated in its
 * own namespaces with its own root (bubblewrap or {@code unshare}).
 * <p>
 * Use it in tests through {@link EmbeddedOpenSandbox @EmbeddedOpenSandbox} or
 * {@link EmbeddedOpenSandboxExtension}, in local development through
 * {@link EmbeddedOpenSandboxConfiguration}, or standalone with
 * {@code java -jar opensandbox-spring-boot-test-<version>-server.jar --port=8080}.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public final class EmbeddedOpenSandboxServer implements AutoCloseable {

	private final SandboxServer server;

	private final @Nullable String apiKey;

	private volatile boolean started;

	private EmbeddedOpenSandboxServer(Builder builder) {
		this.apiKey = builder.apiKey;
		this.server = new SandboxServer(new ServerSettings(builder.port, builder.apiKey, builder.readyDelay,
				builder.creationDelay, builder.execdAccessToken, builder.isolation, builder.workDirectory));
	}

	/**
	 * A builder with the defaults: a free port, no API key, sandboxes ready at once,
	 * automatic isolation that refuses commands when no isolation works.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Start listening; returns once the server accepts requests.
	 * @return this server
	 */
	public synchronized EmbeddedOpenSandboxServer start() {
		if (!this.started) {
			this.server.start();
			this.started = true;
		}
		return this;
	}

	/**
	 * The port the server listens on.
	 * @return the port
	 */
	public int getPort() {
		return this.server.port();
	}

	/**
	 * The domain to configure clients with: {@code 127.0.0.1:<port>}.
	 * @return the domain
	 */
	public String getDomain() {
		return "127.0.0.1:" + getPort();
	}

	/**
	 * The base URL of the lifecycle API without {@code /v1}.
	 * @return the URL
	 */
	public String getUrl() {
		return "http://" + getDomain();
	}

	/**
	 * The API key the server requires.
	 * @return the API key, or {@code null} if the server requires none
	 */
	public @Nullable String getApiKey() {
		return this.apiKey;
	}

	/**
	 * How commands are isolated: {@code bubblewrap}, {@code unshare}, {@code none}, or
	 * why commands are refused.
	 * @return the isolation in use
	 */
	public String getIsolation() {
		return this.server.isolationDescription();
	}

	/**
	 * The sandboxes the server holds now, oldest first; killed and expired sandboxes are
	 * gone.
	 * @return the sandboxes
	 */
	public List<EmbeddedSandbox> getSandboxes() {
		return this.server.sandboxes()
			.stream()
			.map((view) -> new EmbeddedSandbox(view.id(), view.state(), view.image(), view.metadata(), view.directory(),
					view.processCount()))
			.toList();
	}

	/**
	 * Where a file of a sandbox lives on the host, to check what a sandbox wrote without
	 * going through execd (for example while it is paused).
	 * @param sandboxId the sandbox id
	 * @param path an absolute path inside the sandbox
	 * @return the host path
	 * @throws IllegalArgumentException if the server holds no such sandbox
	 */
	public Path getFile(String sandboxId, String path) {
		return this.server.hostPath(sandboxId, path);
	}

	/**
	 * Kill every sandbox (its processes and everything it wrote) and stop listening.
	 */
	@Override
	public void close() {
		this.server.close();
	}

	@Override
	public String toString() {
		return "EmbeddedOpenSandboxServer[" + (this.started ? getUrl() : "not started") + "]";
	}

	/**
	 * Builds an {@link EmbeddedOpenSandboxServer}.
	 */
	public static final class Builder {

		private int port;

		private @Nullable String apiKey;

		private Duration readyDelay = Duration.ZERO;

		private Duration creationDelay = Duration.ZERO;

		private @Nullable String execdAccessToken;

		private Isolation isolation = Isolation.AUTO;

		private @Nullable Path workDirectory;

		private Builder() {
		}

		/**
		 * The port on 127.0.0.1; {@code 0} (the default) picks a free one.
		 * @param port the port
		 * @return this builder
		 */
		public Builder port(int port) {
			if (port < 0 || port > 65535) {
				throw new IllegalArgumentException("port must be between 0 and 65535, but was " + port);
			}
			this.port = port;
			return this;
		}

		/**
		 * Require this API key on the lifecycle API ({@code OPEN-SANDBOX-API-KEY}).
		 * @param apiKey the key, or {@code null} for none
		 * @return this builder
		 */
		public Builder apiKey(@Nullable String apiKey) {
			this.apiKey = (apiKey != null && !apiKey.isBlank()) ? apiKey : null;
			return this;
		}

		/**
		 * How long a new sandbox stays {@code Pending} before it is {@code Running}.
		 * @param readyDelay the delay, zero by default
		 * @return this builder
		 */
		public Builder readyDelay(Duration readyDelay) {
			if (readyDelay.isNegative()) {
				throw new IllegalArgumentException("readyDelay must not be negative");
			}
			this.readyDelay = readyDelay;
			return this;
		}

		/**
		 * How long a create request takes to be answered; the sandbox exists (and its
		 * ready delay runs) meanwhile, as on a server that starts the container before it
		 * answers. Makes the cost of a create, and what a warm pool saves, visible.
		 * @param creationDelay the delay, zero by default
		 * @return this builder
		 */
		public Builder creationDelay(Duration creationDelay) {
			if (creationDelay.isNegative()) {
				throw new IllegalArgumentException("creationDelay must not be negative");
			}
			this.creationDelay = creationDelay;
			return this;
		}

		/**
		 * Require this {@code X-EXECD-ACCESS-TOKEN} on every execd request.
		 * @param token the token, or {@code null} for none
		 * @return this builder
		 */
		public Builder execdAccessToken(@Nullable String token) {
			this.execdAccessToken = token;
			return this;
		}

		/**
		 * Whether commands may run as plain host processes when neither bubblewrap nor
		 * {@code unshare} works here; {@code false} by default, when such a server
		 * answers every command with an error that says so.
		 * @param allowUnisolated whether to allow unisolated commands
		 * @return this builder
		 */
		public Builder allowUnisolated(boolean allowUnisolated) {
			this.isolation = allowUnisolated ? Isolation.AUTO_OR_UNISOLATED : Isolation.AUTO;
			return this;
		}

		/**
		 * Choose the isolation explicitly.
		 * @param isolation the isolation
		 * @return this builder
		 */
		public Builder isolation(Isolation isolation) {
			this.isolation = isolation;
			return this;
		}

		/**
		 * Where sandbox directories live; by default a new temporary directory removed at
		 * shutdown.
		 * @param workDirectory the directory
		 * @return this builder
		 */
		public Builder workDirectory(@Nullable Path workDirectory) {
			this.workDirectory = workDirectory;
			return this;
		}

		/**
		 * Build the server (not started).
		 * @return the server
		 */
		public EmbeddedOpenSandboxServer build() {
			return new EmbeddedOpenSandboxServer(this);
		}

	}

}
