package io.opensandbox.spring.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpStatusClass;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.ReactorHttpClientBuilder;
import org.springframework.boot.http.client.autoconfigure.HttpClientSettingsPropertyMapper;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.StringUtils;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.transport.ProxyProvider;

import io.opensandbox.spring.client.MaskingWiretapHandler;
import io.opensandbox.spring.client.ResponseReadTimeoutHandler;

/**
 * Builds the Reactor Netty connector every OpenSandbox client shares, from
 * {@code opensandbox.http.*} and {@code opensandbox.proxy.*}. It is OpenSandbox's own, so
 * its timeouts, proxy and SSL bundle do not change the application's other HTTP clients.
 *
 * @author OpenSandbox Spring Boot
 */
final class OpenSandboxHttpConnectorFactory {

	private static final String WIRETAP_HANDLER = "opensandbox.wiretap";

	private OpenSandboxHttpConnectorFactory() {
	}

	/*
	 * The connection pool of OpenSandbox's clients. Reactor Netty's default pool allows
	 * only 16 connections per host on small machines, too few for streams that stay open
	 * or for killing many sandboxes at shutdown.
	 */
	static ConnectionProvider connectionProvider(OpenSandboxProperties.Http http) {
		return ConnectionProvider.builder("opensandbox")
			.maxConnections(http.getMaxConnections())
			.pendingAcquireMaxCount(-1)
			.pendingAcquireTimeout(http.getPendingAcquireTimeout())
			.maxIdleTime(Duration.ofSeconds(30))
			.build();
	}

	static HttpClient create(OpenSandboxProperties properties, OpenSandboxConnectionDetails connectionDetails,
			@Nullable SslBundles sslBundles, ConnectionProvider connectionProvider) {
		HttpClientSettings settings = new HttpClientSettingsPropertyMapper(sslBundles, null).map(properties.getHttp());
		if (connectionDetails.getSslBundle() != null) {
			settings = settings.withSslBundle(connectionDetails.getSslBundle());
		}
		// The read timeout is kept per connection, not by Reactor Netty's per-request
		// response timeout, whose handler every call would add and remove
		Duration readTimeout = settings.readTimeout();
		settings = settings.withReadTimeout(null);
		ReactorHttpClientBuilder builder = new ReactorHttpClientBuilder()
			.withHttpClientFactory(() -> HttpClient.create(connectionProvider))
			// Spring's defaults minus compression: no OpenSandbox component compresses
			// its answers, and the decompressing handler would still look at every buffer
			// of every download and event stream
			.withHttpClientCustomizer((httpClient) -> httpClient.compress(false).proxyWithSystemProperties());
		builder = builder.withHttpClientCustomizer(OpenSandboxHttpConnectorFactory::sameOriginRedirectsOnly);
		if (readTimeout != null) {
			builder = builder.withHttpClientCustomizer((httpClient) -> httpClient
				.doOnConnected((connection) -> addReadTimeout(connection.channel().pipeline(), readTimeout)));
		}
		OpenSandboxProperties.Proxy proxy = properties.getProxy();
		String proxyHost = proxy.getHost();
		if (StringUtils.hasText(proxyHost)) {
			builder = builder.withHttpClientCustomizer((httpClient) -> withProxy(httpClient, proxyHost, proxy));
		}
		if (properties.getHttp().isWiretap()) {
			List<String> secrets = new ArrayList<>();
			secrets.add(connectionDetails.getApiKey());
			secrets.add(proxy.getPassword());
			secrets.add(connectionDetails.getExecdAccessToken());
			secrets.addAll(properties.getHeaders().values());
			secrets.addAll(properties.getEndpointHeaders().values());
			MaskingWiretapHandler handler = new MaskingWiretapHandler(secrets);
			builder = builder.withHttpClientCustomizer((httpClient) -> httpClient
				.doOnConnected((connection) -> connection.addHandlerLast(WIRETAP_HANDLER, handler)));
		}
		return builder.build(settings);
	}

	/*
	 * Once per connection (this runs at every acquisition of a pooled one), straight into
	 * Netty's pipeline in front of Reactor Netty's bridge: a handler added through the
	 * connection would be removed when its first request ends.
	 */
	private static void addReadTimeout(ChannelPipeline pipeline, Duration readTimeout) {
		if (pipeline.get(ResponseReadTimeoutHandler.NAME) != null) {
			return;
		}
		ResponseReadTimeoutHandler handler = new ResponseReadTimeoutHandler(readTimeout);
		if (pipeline.get(NettyPipeline.ReactiveBridge) != null) {
			pipeline.addBefore(NettyPipeline.ReactiveBridge, ResponseReadTimeoutHandler.NAME, handler);
		}
		else {
			pipeline.addLast(ResponseReadTimeoutHandler.NAME, handler);
		}
	}

	/*
	 * Follow redirects, where enabled, only within the origin of the request. Reactor
	 * Netty sends a redirected request with the original headers again, so following a
	 * redirect to another server would hand it the API key or a sandbox's access token.
	 * Only a redirection status is looked at further: the predicate runs for every
	 * response, and Reactor Netty's own one matches the status with a regular expression.
	 */
	private static HttpClient sameOriginRedirectsOnly(HttpClient httpClient) {
		BiPredicate<HttpClientRequest, HttpClientResponse> follow = httpClient.configuration()
			.followRedirectPredicate();
		if (follow == null) {
			return httpClient;
		}
		return httpClient
			.followRedirect((request, response) -> response.status().codeClass() == HttpStatusClass.REDIRECTION
					&& follow.test(request, response) && isSameOrigin(request, response));
	}

	private static boolean isSameOrigin(HttpClientRequest request, HttpClientResponse response) {
		String location = response.responseHeaders().get(HttpHeaderNames.LOCATION);
		if (location == null) {
			return false;
		}
		try {
			URI from = URI.create(request.resourceUrl());
			URI to = from.resolve(location.strip());
			return from.getScheme() != null && from.getScheme().equalsIgnoreCase(to.getScheme())
					&& from.getHost() != null && from.getHost().equalsIgnoreCase(to.getHost())
					&& port(from) == port(to);
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private static int port(URI uri) {
		if (uri.getPort() != -1) {
			return uri.getPort();
		}
		return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
	}

	private static HttpClient withProxy(HttpClient httpClient, String host, OpenSandboxProperties.Proxy proxy) {
		return httpClient.proxy((spec) -> {
			ProxyProvider.Builder builder = spec.type(ProxyProvider.Proxy.HTTP).host(host).port(proxy.getPort());
			if (proxy.getUsername() != null) {
				String password = proxy.getPassword();
				builder.username(proxy.getUsername()).password((user) -> password);
			}
			String nonProxyHosts = nonProxyHostsPattern(proxy.getNonProxyHosts());
			if (nonProxyHosts != null) {
				builder.nonProxyHosts(nonProxyHosts);
			}
		});
	}

	/**
	 * Turn host entries with leading or trailing {@code *} wildcards into the regular
	 * expression Reactor Netty expects.
	 * @param hosts the entries
	 * @return the pattern, or {@code null} if there are no entries
	 */
	static @Nullable String nonProxyHostsPattern(List<String> hosts) {
		String pattern = hosts.stream()
			.map(String::strip)
			.filter(StringUtils::hasText)
			.map(OpenSandboxHttpConnectorFactory::wildcardToRegex)
			.collect(Collectors.joining("|"));
		return pattern.isEmpty() ? null : pattern;
	}

	private static String wildcardToRegex(String host) {
		String prefix = host.startsWith("*") ? ".*" : "";
		String suffix = (host.endsWith("*") && host.length() > 1) ? ".*" : "";
		String literal = host.substring(prefix.isEmpty() ? 0 : 1, host.length() - (suffix.isEmpty() ? 0 : 1));
		return prefix + (literal.isEmpty() ? "" : Pattern.quote(literal)) + suffix;
	}

}
