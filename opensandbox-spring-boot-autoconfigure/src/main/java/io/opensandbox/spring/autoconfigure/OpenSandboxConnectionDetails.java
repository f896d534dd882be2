package io.opensandbox.spring.autoconfigure;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.ssl.SslBundle;

/**
 * Details for connecting to an OpenSandbox lifecycle server. Every OpenSandbox bean reads
 * the server's address and credentials from here; define a bean of this type to take them
 * from somewhere other than the {@code opensandbox.*} properties.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public interface OpenSandboxConnectionDetails extends ConnectionDetails {

	/**
	 * The lifecycle server's domain: {@code host[:port][/prefix]}, optionally with a
	 * scheme that overrides {@link #getProtocol()}.
	 * @return the domain
	 */
	String getDomain();

	/**
	 * The protocol, {@code http} or {@code https}, used when the domain has no scheme and
	 * for sandbox endpoints.
	 * @return the protocol
	 */
	default String getProtocol() {
		return "http";
	}

	/**
	 * The API key for the lifecycle server.
	 * @return the API key, or {@code null} for a server without authentication
	 */
	@Nullable String getApiKey();

	/**
	 * The access token execd requires, sent to execd only.
	 * @return the token, or {@code null} if execd requires none
	 */
	default @Nullable String getExecdAccessToken() {
		return null;
	}

	/**
	 * The SSL bundle for {@code https} connections to the server and its sandboxes.
	 * @return the bundle, or {@code null} for the JVM's default trust
	 */
	default @Nullable SslBundle getSslBundle() {
		return null;
	}

}
