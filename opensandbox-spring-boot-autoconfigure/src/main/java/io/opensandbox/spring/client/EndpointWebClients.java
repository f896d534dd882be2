package io.opensandbox.spring.client;

import java.util.Map;

import io.micrometer.common.KeyValue;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.ClientRequestObservationContext;
import org.springframework.web.reactive.function.client.ClientRequestObservationConvention;
import org.springframework.web.reactive.function.client.DefaultClientRequestObservationConvention;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.DefaultUriBuilderFactory;

import io.opensandbox.spring.model.SandboxEndpoint;

/**
 * Builds the {@link WebClient} for one sandbox endpoint (execd, egress): the endpoint's
 * URL, the configured headers, the endpoint's own headers on every request, the wire JSON
 * mapper, and never the API key.
 *
 * @author OpenSandbox Spring Boot
 */
final class EndpointWebClients {

	/** {@code client.name} of every request to a sandbox endpoint. */
	static final String CLIENT_NAME = "opensandbox-sandbox";

	/**
	 * Every sandbox has its own host: naming the client after it, as the default
	 * convention does, would give {@code http.client.requests} one series per sandbox.
	 */
	private static final ClientRequestObservationConvention SANDBOX_ENDPOINT_CONVENTION = new DefaultClientRequestObservationConvention() {

		@Override
		protected KeyValue clientName(ClientRequestObservationContext context) {
			return KeyValue.of("client.name", CLIENT_NAME);
		}

	};

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
			.observationConvention(SANDBOX_ENDPOINT_CONVENTION)
			.build();
	}

}
