package io.opensandbox.spring.autoconfigure;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * Callback for adjusting the {@link WebClient.Builder} every OpenSandbox client is built
 * from, for example to add a filter. Applied in order to a builder of OpenSandbox's own,
 * so the application's other web clients are not affected.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
@FunctionalInterface
public interface OpenSandboxWebClientCustomizer {

	/**
	 * Customize the builder.
	 * @param builder the builder
	 */
	void customize(WebClient.Builder builder);

}
