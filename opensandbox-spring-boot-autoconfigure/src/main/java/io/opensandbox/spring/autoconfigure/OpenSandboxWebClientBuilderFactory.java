package io.opensandbox.spring.autoconfigure;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Hands out copies of the one {@link WebClient.Builder} every OpenSandbox client is built
 * from: the application's builder (observations, codecs, its customizers) with
 * OpenSandbox's own connector (timeouts, proxy, SSL bundle, wiretap) and the
 * {@link OpenSandboxWebClientCustomizer}s applied. All OpenSandbox clients share its
 * connection pool.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public final class OpenSandboxWebClientBuilderFactory implements DisposableBean {

	private final WebClient.Builder builder;

	private final ConnectionProvider connectionProvider;

	private final HttpClient httpClient;

	OpenSandboxWebClientBuilderFactory(WebClient.Builder builder, ConnectionProvider connectionProvider,
			HttpClient httpClient) {
		this.builder = builder;
		this.connectionProvider = connectionProvider;
		this.httpClient = httpClient;
	}

	/**
	 * The Reactor Netty client under the builder's connector, for what a WebClient cannot
	 * do (PTY sessions' WebSockets).
	 * @return the client
	 */
	public HttpClient httpClient() {
		return this.httpClient;
	}

	/**
	 * Close the connection pool. Runs when singletons are destroyed, after the shutdown
	 * sweep of the sandboxes has used it.
	 */
	@Override
	public void destroy() {
		this.connectionProvider.dispose();
	}

	/**
	 * A new copy of the builder, free to change.
	 * @return the builder
	 */
	public WebClient.Builder builder() {
		return this.builder.clone();
	}

}
