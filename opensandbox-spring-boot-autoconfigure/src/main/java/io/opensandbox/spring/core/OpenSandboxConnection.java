package io.opensandbox.spring.core;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;

import io.opensandbox.spring.client.LifecycleClient;
import io.opensandbox.spring.client.SandboxEndpointClients;
import io.opensandbox.spring.client.ServerAddress;
import io.opensandbox.spring.observation.OpenSandboxObservations;

/**
 * The connection to one OpenSandbox server: where its lifecycle API is, the credentials
 * it takes, and how the endpoints of its sandboxes (execd, egress) are reached.
 * Templates, managers and the cleanup are built on one; it holds the HTTP clients, so
 * build it once and share it. The API key goes to the lifecycle server only, never to a
 * sandbox's endpoints; the execd access token goes to execd only. Thread-safe and
 * immutable.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public final class OpenSandboxConnection {

	private final LifecycleClient lifecycle;

	private final SandboxEndpointClients endpoints;

	private final URI serverUri;

	private final String description;

	private OpenSandboxConnection(Builder builder) {
		ServerAddress address = ServerAddress.of(builder.domain, builder.protocol);
		this.lifecycle = new LifecycleClient(builder.webClientBuilder, address, builder.apiKey, builder.headers,
				builder.observations);
		// Endpoints have no scheme: they are reached with the lifecycle server's protocol
		this.endpoints = new SandboxEndpointClients(builder.webClientBuilder, address.root().getScheme(),
				builder.endpointHeaders, builder.execdAccessToken, builder.streamIdleTimeout, builder.observations);
		if (builder.webSockets != null) {
			this.endpoints.webSockets(builder.webSockets);
		}
		this.serverUri = address.root();
		this.description = "OpenSandboxConnection[" + address.apiBase() + "]";
	}

	// A connection on clients built elsewhere (tests of the wire layer)
	OpenSandboxConnection(LifecycleClient lifecycle, SandboxEndpointClients endpoints) {
		this.lifecycle = lifecycle;
		this.endpoints = endpoints;
		this.serverUri = lifecycle.getAddress().root();
		this.description = "OpenSandboxConnection[" + lifecycle.getAddress().apiBase() + "]";
	}

	/**
	 * Start building a connection on top of a {@link WebClient.Builder}, whose connector,
	 * filters and codecs every client keeps (it is cloned, never changed).
	 * @param webClientBuilder the builder to start from
	 * @return the builder
	 */
	public static Builder builder(WebClient.Builder webClientBuilder) {
		return new Builder(webClientBuilder);
	}

	/**
	 * The lifecycle server's root URI (without the API path).
	 * @return the URI
	 */
	public URI getServerUri() {
		return this.serverUri;
	}

	LifecycleClient lifecycle() {
		return this.lifecycle;
	}

	SandboxEndpointClients endpoints() {
		return this.endpoints;
	}

	@Override
	public String toString() {
		return this.description;
	}

	/**
	 * Builds an {@link OpenSandboxConnection}.
	 */
	public static final class Builder {

		private final WebClient.Builder webClientBuilder;

		private String domain = "localhost:8080";

		private String protocol = "http";

		private @Nullable String apiKey;

		private Map<String, String> headers = Map.of();

		private Map<String, String> endpointHeaders = Map.of();

		private @Nullable String execdAccessToken;

		private Duration streamIdleTimeout = Duration.ofSeconds(30);

		private OpenSandboxObservations observations = OpenSandboxObservations.NOOP;

		private @Nullable HttpClient webSockets;

		private Builder(WebClient.Builder webClientBuilder) {
			Assert.notNull(webClientBuilder, "'webClientBuilder' must not be null");
			this.webClientBuilder = webClientBuilder;
		}

		/**
		 * The lifecycle server's address: a host and port, optionally with a path,
		 * optionally with a scheme, which then wins over {@link #protocol(String)}.
		 * @param domain the address, for example {@code localhost:8080}
		 * @return this builder
		 */
		public Builder domain(String domain) {
			Assert.hasText(domain, "'domain' must not be empty");
			this.domain = domain;
			return this;
		}

		/**
		 * The protocol of the lifecycle server and of the sandboxes' endpoints.
		 * @param protocol {@code http} or {@code https}
		 * @return this builder
		 */
		public Builder protocol(String protocol) {
			Assert.hasText(protocol, "'protocol' must not be empty");
			this.protocol = protocol;
			return this;
		}

		/**
		 * The API key, sent to the lifecycle server only.
		 * @param apiKey the key, or {@code null} for a server without authentication
		 * @return this builder
		 */
		public Builder apiKey(@Nullable String apiKey) {
			this.apiKey = apiKey;
			return this;
		}

		/**
		 * Extra headers for every request to the lifecycle server.
		 * @param headers the headers
		 * @return this builder
		 */
		public Builder headers(Map<String, String> headers) {
			this.headers = Map.copyOf(headers);
			return this;
		}

		/**
		 * Extra headers for every request to a sandbox's endpoints (execd, egress). None
		 * by default: headers for the lifecycle server are not sent there.
		 * @param headers the headers
		 * @return this builder
		 */
		public Builder endpointHeaders(Map<String, String> headers) {
			this.endpointHeaders = Map.copyOf(new LinkedHashMap<>(headers));
			return this;
		}

		/**
		 * execd's access token, sent to execd only.
		 * @param token the token, or {@code null} if execd requires none
		 * @return this builder
		 */
		public Builder execdAccessToken(@Nullable String token) {
			this.execdAccessToken = token;
			return this;
		}

		/**
		 * How long an execd event stream may stay silent before it fails (execd pings
		 * every 3 s while a command runs).
		 * @param timeout the idle timeout
		 * @return this builder
		 */
		public Builder streamIdleTimeout(Duration timeout) {
			Assert.isTrue(timeout != null && !timeout.isNegative() && !timeout.isZero(),
					"Stream idle timeout must be positive");
			this.streamIdleTimeout = timeout;
			return this;
		}

		/**
		 * Where the clients' observations go.
		 * @param observations the observations
		 * @return this builder
		 */
		public Builder observations(OpenSandboxObservations observations) {
			Assert.notNull(observations, "'observations' must not be null");
			this.observations = observations;
			return this;
		}

		/**
		 * The Reactor Netty client that opens WebSockets (PTY sessions): best the one
		 * under the WebClient's connector, so that they take the same proxy, TLS and
		 * timeouts. Without it, a plain {@link HttpClient#create()}.
		 * @param webSockets the client
		 * @return this builder
		 */
		public Builder webSockets(HttpClient webSockets) {
			Assert.notNull(webSockets, "'webSockets' must not be null");
			this.webSockets = webSockets;
			return this;
		}

		/**
		 * Build the connection. Nothing is sent until it is used.
		 * @return the connection
		 */
		public OpenSandboxConnection build() {
			return new OpenSandboxConnection(this);
		}

	}

}
