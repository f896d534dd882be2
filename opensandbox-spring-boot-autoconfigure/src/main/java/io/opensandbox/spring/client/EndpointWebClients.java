package io.opensandbox.spring.client;

import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.DefaultUriBuilderFactory;

import io.opensandbox.spring.model.SandboxEndpoint;

/**
 * Builds the {@link WebClient} for one sandbox endpoint (execd, egress): the endpoint's
 * URL, the configured headers, the endpoint's own headers on every request, the wire JSON
 * mapper, and never the API key.
 */
final class EndpointWebClients {

	private EndpointWebClients() {
	}

	static WebClient create(WebClient.Builder builder, SandboxEndpoint endpoint, String protocol,
			Map<String, String> headers, Map<String, String> extraHeaders) {
		return builder.clone()
			.uriBuilderFactory(new DefaultUriBuilderFactory(endpoint.url(protocol)))
			.defaultHeaders((defaults) -> {
				defaults.set(HttpHeaders.USER_AGENT, LifecycleClient.userAgent());
				headers.forEach(defaults::set);
				endpoint.headers().forEach(defaults::set);
				extraHeaders.forEach(defaults::set);
				defaults.remove(LifecycleClient.API_KEY_HEADER);
			})
			.codecs(WireJson::configure)
			.build();
	}

}
