package io.opensandbox.spring.client;

import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;

import io.opensandbox.spring.model.SandboxEndpoint;
import io.opensandbox.spring.observation.OpenSandboxObservations;

/**
 * Creates the clients for a sandbox's endpoints (execd, egress) from one shared
 * configuration: the base {@link WebClient.Builder}, protocol, extra headers, execd's
 * access token and the stream idle timeout. Thread-safe.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public final class SandboxEndpointClients {

	private final WebClient.Builder builder;

	private final String protocol;

	private final Map<String, String> headers;

	private final @Nullable String execdAccessToken;

	private final Duration streamIdleTimeout;

	private final OpenSandboxObservations observations;

	private HttpClient webSockets = HttpClient.create();

	/**
	 * Create a factory.
	 * @param builder the builder every client starts from (it is cloned, never changed)
	 * @param protocol {@code http} or {@code https}
	 * @param headers extra headers for every request
	 * @param execdAccessToken execd's access token, if it requires one
	 * @param streamIdleTimeout how long an execd stream may stay silent
	 */
	public SandboxEndpointClients(WebClient.Builder builder, String protocol, Map<String, String> headers,
			@Nullable String execdAccessToken, Duration streamIdleTimeout) {
		this(builder, protocol, headers, execdAccessToken, streamIdleTimeout, OpenSandboxObservations.NOOP);
	}

	/**
	 * Create a factory whose clients record observations.
	 * @param builder the builder every client starts from (it is cloned, never changed)
	 * @param protocol {@code http} or {@code https}
	 * @param headers extra headers for every request
	 * @param execdAccessToken execd's access token, if it requires one
	 * @param streamIdleTimeout how long an execd stream may stay silent
	 * @param observations where observations go
	 */
	public SandboxEndpointClients(WebClient.Builder builder, String protocol, Map<String, String> headers,
			@Nullable String execdAccessToken, Duration streamIdleTimeout, OpenSandboxObservations observations) {
		Assert.notNull(builder, "'builder' must not be null");
		this.observations = observations;
		Assert.hasText(protocol, "'protocol' must not be empty");
		this.builder = builder.clone();
		this.protocol = protocol;
		this.headers = Map.copyOf(headers);
		this.execdAccessToken = execdAccessToken;
		this.streamIdleTimeout = streamIdleTimeout;
	}

	/**
	 * A client for the execd endpoint of a sandbox.
	 * @param endpoint the endpoint of port {@value ExecdClient#PORT}
	 * @return the client
	 */
	public ExecdClient execd(SandboxEndpoint endpoint) {
		return new ExecdClient(this.builder, endpoint, this.protocol, this.execdAccessToken, this.headers,
				this.streamIdleTimeout, this.observations);
	}

	/**
	 * A client for the file operations of execd in a sandbox.
	 * @param endpoint the endpoint of port {@value ExecdClient#PORT}
	 * @return the client
	 */
	public ExecdFilesClient files(SandboxEndpoint endpoint) {
		return new ExecdFilesClient(this.builder, endpoint, this.protocol, this.execdAccessToken, this.headers,
				this.observations);
	}

	/**
	 * A client of execd's PTY sessions.
	 * @param endpoint execd's endpoint
	 * @return the client
	 */
	public ExecdPtyClient pty(SandboxEndpoint endpoint) {
		return new ExecdPtyClient(this.builder, this.webSockets, endpoint, this.protocol, this.execdAccessToken,
				this.headers);
	}

	/**
	 * Open WebSockets (PTY sessions) with this Reactor Netty client: the one under the
	 * WebClient's connector, so that they go through the same proxy, TLS and timeouts.
	 * @param webSockets the client
	 * @return these clients
	 */
	public SandboxEndpointClients webSockets(HttpClient webSockets) {
		Assert.notNull(webSockets, "'webSockets' must not be null");
		this.webSockets = webSockets;
		return this;
	}

	/**
	 * A client for the egress sidecar of a sandbox.
	 * @param endpoint the endpoint of port {@value EgressClient#PORT}
	 * @return the client
	 */
	public EgressClient egress(SandboxEndpoint endpoint) {
		return new EgressClient(this.builder, endpoint, this.protocol, this.headers);
	}

	/**
	 * Where observations of the endpoint clients go.
	 * @return the observations
	 */
	public OpenSandboxObservations getObservations() {
		return this.observations;
	}

	/**
	 * The protocol endpoints are reached with.
	 * @return {@code http} or {@code https}
	 */
	public String getProtocol() {
		return this.protocol;
	}

}
