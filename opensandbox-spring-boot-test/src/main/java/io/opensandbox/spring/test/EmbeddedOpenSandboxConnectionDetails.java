package io.opensandbox.spring.test;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.autoconfigure.OpenSandboxConnectionDetails;

/**
 * {@link OpenSandboxConnectionDetails} of an {@link EmbeddedOpenSandboxServer}: they take
 * the place of the {@code opensandbox.domain} and {@code opensandbox.api-key} properties.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public final class EmbeddedOpenSandboxConnectionDetails implements OpenSandboxConnectionDetails {

	private final EmbeddedOpenSandboxServer server;

	public EmbeddedOpenSandboxConnectionDetails(EmbeddedOpenSandboxServer server) {
		this.server = server;
	}

	@Override
	public String getDomain() {
		return this.server.getDomain();
	}

	@Override
	public @Nullable String getApiKey() {
		return this.server.getApiKey();
	}

	@Override
	public String toString() {
		return "EmbeddedOpenSandboxConnectionDetails[domain=" + getDomain() + "]";
	}

}
