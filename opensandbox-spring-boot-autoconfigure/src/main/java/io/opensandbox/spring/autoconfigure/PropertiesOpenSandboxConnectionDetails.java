package io.opensandbox.spring.autoconfigure;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * {@link OpenSandboxConnectionDetails} from {@link OpenSandboxProperties}, falling back
 * to the official environment variables {@code OPEN_SANDBOX_DOMAIN} and
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

	private final @Nullable String execdAccessToken;

	private final @Nullable SslBundle sslBundle;

	PropertiesOpenSandboxConnectionDetails(OpenSandboxProperties properties, Environment environment) {
		this(properties, environment, null);
	}

	PropertiesOpenSandboxConnectionDetails(OpenSandboxProperties properties, Environment environment,
			@Nullable SslBundles sslBundles) {
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
		this.apiKey = secret("opensandbox.api-key", properties.getApiKey(), environment, API_KEY_VARIABLE);
		this.execdAccessToken = secret("opensandbox.execd.access-token", properties.getExecd().getAccessToken(),
				environment, null);
		String bundle = properties.getHttp().getSsl().getBundle();
		if (StringUtils.hasText(bundle)) {
			if (sslBundles == null) {
				throw new InvalidOpenSandboxPropertyException("opensandbox.http.ssl.bundle", bundle,
						"no SSL bundles are configured", "Define the bundle under spring.ssl.bundle.*");
			}
			this.sslBundle = sslBundles.getBundle(bundle);
		}
		else {
			this.sslBundle = null;
		}
	}

	/*
	 * A secret from a property, else from its environment variable, if it has one. A
	 * property left as an unresolved placeholder (such as ${OPEN_SANDBOX_API_KEY} with
	 * the variable unset) is refused, so that the placeholder is never sent as the
	 * secret.
	 */
	private static @Nullable String secret(String name, @Nullable String value, Environment environment,
			@Nullable String variable) {
		if (value != null && value.strip().startsWith("${")) {
			throw new InvalidOpenSandboxPropertyException(name, null, "it is an unresolved placeholder",
					"Set the variable it names, or remove the property"
							+ ((variable != null) ? " (the " + variable + " variable is read without it)" : ""));
		}
		if (StringUtils.hasText(value)) {
			return value;
		}
		String fallback = (variable != null) ? environment.getProperty(variable) : null;
		return StringUtils.hasText(fallback) ? fallback : null;
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
	public @Nullable String getExecdAccessToken() {
		return this.execdAccessToken;
	}

	@Override
	public @Nullable SslBundle getSslBundle() {
		return this.sslBundle;
	}

	@Override
	public String toString() {
		return "PropertiesOpenSandboxConnectionDetails[domain=" + this.domain + ", protocol=" + this.protocol
				+ ", apiKey=" + ((this.apiKey != null) ? "******" : null) + ", execdAccessToken="
				+ ((this.execdAccessToken != null) ? "******" : null) + ", sslBundle="
				+ ((this.sslBundle != null) ? "set" : null) + "]";
	}

}
