package io.opensandbox.spring.autoconfigure;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PropertiesOpenSandboxConnectionDetails}.
 *
 * @author OpenSandbox Spring Boot
 */
class PropertiesOpenSandboxConnectionDetailsTests {

	private final OpenSandboxProperties properties = new OpenSandboxProperties();

	private final MockEnvironment environment = new MockEnvironment();

	@Test
	void domainDefaultsToLocalhost8080() {
		assertThat(details().getDomain()).isEqualTo("localhost:8080");
	}

	@Test
	void domainFallsBackToTheVariable() {
		this.environment.setProperty("OPEN_SANDBOX_DOMAIN", "variable.example.com");
		assertThat(details().getDomain()).isEqualTo("variable.example.com");
	}

	@Test
	void blankDomainPropertyFallsBackToTheVariable() {
		this.properties.setDomain("  ");
		this.environment.setProperty("OPEN_SANDBOX_DOMAIN", "variable.example.com");
		assertThat(details().getDomain()).isEqualTo("variable.example.com");
	}

	@Test
	void domainPropertyWinsOverTheVariable() {
		this.properties.setDomain("property.example.com");
		this.environment.setProperty("OPEN_SANDBOX_DOMAIN", "variable.example.com");
		assertThat(details().getDomain()).isEqualTo("property.example.com");
	}

	@Test
	void invalidDomainVariableIsReportedUnderItsName() {
		this.environment.setProperty("OPEN_SANDBOX_DOMAIN", "http://bad host");
		assertThatExceptionOfType(InvalidOpenSandboxPropertyException.class).isThrownBy(this::details)
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).startsWith("OPEN_SANDBOX_DOMAIN");
				assertThat(ex.getValue()).isEqualTo("http://bad host");
			});
	}

	@Test
	void apiKeyFallsBackToTheVariable() {
		this.environment.setProperty("OPEN_SANDBOX_API_KEY", "variable-key");
		assertThat(details().getApiKey()).isEqualTo("variable-key");
	}

	@Test
	void apiKeyPropertyWinsOverTheVariable() {
		this.properties.setApiKey("property-key");
		this.environment.setProperty("OPEN_SANDBOX_API_KEY", "variable-key");
		assertThat(details().getApiKey()).isEqualTo("property-key");
	}

	@Test
	void apiKeyIsNullWhenNeitherIsSet() {
		assertThat(details().getApiKey()).isNull();
	}

	@Test
	void anUnresolvedPlaceholderIsRefusedNotSentAsTheKey() {
		this.properties.setApiKey("${OPEN_SANDBOX_API_KEY}");
		assertThatExceptionOfType(InvalidOpenSandboxPropertyException.class).isThrownBy(this::details)
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("opensandbox.api-key");
				assertThat(ex.getValue()).isNull();
				assertThat(ex.getReason()).contains("unresolved placeholder");
				assertThat(ex.getAction()).contains("OPEN_SANDBOX_API_KEY variable is read without it");
			});
	}

	@Test
	void execdAccessTokenComesFromItsProperty() {
		assertThat(details().getExecdAccessToken()).isNull();
		this.properties.getExecd().setAccessToken("execd-token");
		assertThat(details().getExecdAccessToken()).isEqualTo("execd-token");
		this.properties.getExecd().setAccessToken("${EXECD_TOKEN}");
		assertThatExceptionOfType(InvalidOpenSandboxPropertyException.class).isThrownBy(this::details)
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("opensandbox.execd.access-token");
				assertThat(ex.getAction()).doesNotContain("variable is read");
			});
	}

	@Test
	void sslBundleIsResolvedFromTheBundlesAndAMissingRegistryIsReported() {
		assertThat(details().getSslBundle()).isNull();
		this.properties.getHttp().getSsl().setBundle("private-ca");
		assertThatExceptionOfType(InvalidOpenSandboxPropertyException.class).isThrownBy(this::details)
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("opensandbox.http.ssl.bundle"));
		org.springframework.boot.ssl.SslBundle bundle = org.springframework.boot.ssl.SslBundle.of(null);
		org.springframework.boot.ssl.DefaultSslBundleRegistry bundles = new org.springframework.boot.ssl.DefaultSslBundleRegistry(
				"private-ca", bundle);
		assertThat(
				new PropertiesOpenSandboxConnectionDetails(this.properties, this.environment, bundles).getSslBundle())
			.isSameAs(bundle);
	}

	@Test
	void toStringMasksEverySecret() {
		this.properties.setApiKey("api-secret");
		this.properties.getExecd().setAccessToken("execd-secret");
		assertThat(details().toString()).doesNotContain("api-secret").doesNotContain("execd-secret");
	}

	@Test
	void protocolIsNormalized() {
		this.properties.setProtocol(" HTTPS ");
		assertThat(details().getProtocol()).isEqualTo("https");
	}

	@Test
	void toStringMasksTheApiKey() {
		this.properties.setApiKey("sk-details-key");
		assertThat(details().toString()).doesNotContain("sk-details-key").contains("apiKey=******");
	}

	@Test
	void toStringMasksTheApiKeyFromTheVariable() {
		this.environment.setProperty("OPEN_SANDBOX_API_KEY", "sk-variable-details-key");
		assertThat(details().toString()).doesNotContain("sk-variable-details-key").contains("apiKey=******");
	}

	private PropertiesOpenSandboxConnectionDetails details() {
		return new PropertiesOpenSandboxConnectionDetails(this.properties, this.environment);
	}

}
