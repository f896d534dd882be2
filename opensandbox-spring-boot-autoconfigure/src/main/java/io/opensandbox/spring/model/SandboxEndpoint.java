package io.opensandbox.spring.model;

import java.util.Map;

import org.springframework.util.Assert;

/**
 * How to reach a port inside a sandbox: an address without a scheme, and headers that
 * must go on every request to it. Header values may be access tokens, so
 * {@link #toString()} shows only their names.
 *
 * @param endpoint the address, for example {@code 10.0.0.5:44772} or
 * {@code server:8080/sandboxes/abc/proxy/44772}; never has a scheme
 * @param headers headers to send with every request to the endpoint
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record SandboxEndpoint(String endpoint, Map<String, String> headers) {

	public SandboxEndpoint {
		Assert.hasText(endpoint, "'endpoint' must not be empty");
		headers = Map.copyOf(headers);
	}

	/**
	 * The URL of the endpoint for the given protocol.
	 * @param protocol {@code http} or {@code https}
	 * @return the URL, without a trailing slash
	 */
	public String url(String protocol) {
		String address = this.endpoint;
		int scheme = address.indexOf("://");
		if (scheme >= 0) {
			address = address.substring(scheme + 3);
		}
		while (address.endsWith("/")) {
			address = address.substring(0, address.length() - 1);
		}
		return protocol + "://" + address;
	}

	@Override
	public String toString() {
		return "SandboxEndpoint[endpoint=" + this.endpoint + ", headers=" + this.headers.keySet() + "]";
	}

}
