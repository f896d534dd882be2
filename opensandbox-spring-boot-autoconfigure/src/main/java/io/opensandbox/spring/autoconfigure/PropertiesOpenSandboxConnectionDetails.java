package io.opensandbox.spring.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * {@link OpenSandboxConnectionDetails} from {@link OpenSandboxProperties}, falling back to
 * the official environment variables {@code OPEN_SANDBOX_DOMAIN} and
 * {@code OPEN_SANDBOX_API_KEY}, then to {@code localhost:8080}.
 *
 * @author OpenSandbox Spring Boot
 */
final class PropertiesOpenSandboxConnectionDetails implements OpenSandboxConnectionDetails {

	static final String DOMAIN_VARIABLE = "OPEN_SANDBOX_DOMAIN";

	static final String API_KEY_VARIABLE = "OPEN_SANDBOX_API_KEY";

	static final String DEFAULT_DOMAIN = "localhost:8080";

	private final String domain;

	private final String protocol;

	private final @Nullable String apiKey;

	PropertiesOpenSandboxConnectionDetails(OpenSandboxProperties properties, Environment environment) {
		this.protocol = properties.getProtocol().strip().toLowerCase(java.util.Locale.ROOT);
		if (StringUtils.hasText(properties.getDomain())) {
			this.domain = properties.getDomain();
		}
		else if (StringUtils.hasText(environment.getProperty(DOMAIN_VARIABLE))) {
			this.domain = environment.getProperty(DOMAIN_VARIABLE);
			OpenSandboxPropertiesValidator.validateDomain(DOMAIN_VARIABLE + " (environment variable)", this.domain,
					this.protocol);
		}
		else {
			this.domain = DEFAULT_DOMAIN;
		}
		this.apiKey = StringUtils.hasText(properties.getApiKey()) ? properties.getApiKey()
				: environment.getProperty(API_KEY_VARIABLE);
	}

	@Override
	public String getDomain() {
		return this.domain;
	}

	@Override
	public String getProtocol() {
		return this.protocol;
	}

	@Override
	public @Nullable String getApiKey() {
		return this.apiKey;
	}

	@Override
	public String toString() {
		return "PropertiesOpenSandboxConnectionDetails[domain=" + this.domain + ", protocol=" + this.protocol
				+ ", apiKey=" + ((this.apiKey != null) ? "******" : null) + "]";
	}

}
