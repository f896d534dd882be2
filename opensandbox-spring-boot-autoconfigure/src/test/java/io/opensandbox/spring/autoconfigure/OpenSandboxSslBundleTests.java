package io.opensandbox.spring.autoconfigure;

import java.io.IOException;

import javax.net.ssl.SSLException;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ClassPathResource;

import io.opensandbox.spring.core.SandboxManager;
import io.opensandbox.spring.error.OpenSandboxIoException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * TLS to the lifecycle server: an SSL bundle can trust a private certificate, and
 * certificate and host name verification stay on.
 *
 * @author OpenSandbox Spring Boot
 */
class OpenSandboxSslBundleTests {

	private static final String SANDBOX_JSON = """
			{"id":"abc","status":{"state":"Running"},"entrypoint":["tail"],"createdAt":"2026-01-01T00:00:00Z"}""";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OpenSandboxAutoConfiguration.class, SslAutoConfiguration.class));

	private WireMockServer server;

	@AfterEach
	void stopServer() {
		if (this.server != null) {
			this.server.stop();
		}
	}

	@Test
	void sslBundleTrustsTheServerCertificate() throws IOException {
		startHttpsServer("ssl/loopback.p12");
		this.contextRunner
			.withPropertyValues("opensandbox.domain=https://127.0.0.1:" + this.server.httpsPort(),
					"spring.ssl.bundle.pem.loopback.truststore.certificate=classpath:ssl/loopback.crt",
					"opensandbox.http.ssl.bundle=loopback")
			.run((context) -> assertThat(context.getBean(SandboxManager.class).get("abc").id()).isEqualTo("abc"));
	}

	@Test
	void theSslBundleOfUserConnectionDetailsTrustsTheServerCertificate() throws IOException {
		startHttpsServer("ssl/loopback.p12");
		this.contextRunner
			.withPropertyValues("spring.ssl.bundle.pem.loopback.truststore.certificate=classpath:ssl/loopback.crt",
					"test.port=" + this.server.httpsPort())
			.withUserConfiguration(BundleConnectionDetailsConfiguration.class)
			.run((context) -> assertThat(context.getBean(SandboxManager.class).get("abc").id()).isEqualTo("abc"));
	}

	@Test
	void selfSignedCertificateIsRejectedWithoutABundle() throws IOException {
		startHttpsServer("ssl/loopback.p12");
		this.contextRunner.withPropertyValues("opensandbox.domain=https://127.0.0.1:" + this.server.httpsPort())
			.run((context) -> assertThatExceptionOfType(OpenSandboxIoException.class)
				.isThrownBy(() -> context.getBean(SandboxManager.class).get("abc"))
				.satisfies((ex) -> assertThat(rootCause(ex)).isInstanceOfAny(SSLException.class,
						java.security.GeneralSecurityException.class)));
		assertThat(this.server.getAllServeEvents()).isEmpty();
	}

	@Test
	void hostNameIsVerifiedEvenForATrustedCertificate() throws IOException {
		startHttpsServer("ssl/elsewhere.p12");
		this.contextRunner
			.withPropertyValues("opensandbox.domain=https://127.0.0.1:" + this.server.httpsPort(),
					"spring.ssl.bundle.pem.elsewhere.truststore.certificate=classpath:ssl/elsewhere.crt",
					"opensandbox.http.ssl.bundle=elsewhere")
			.run((context) -> assertThatExceptionOfType(OpenSandboxIoException.class)
				.isThrownBy(() -> context.getBean(SandboxManager.class).get("abc"))
				.satisfies((ex) -> assertThat(rootCause(ex)).isInstanceOfAny(SSLException.class,
						java.security.GeneralSecurityException.class)));
		assertThat(this.server.getAllServeEvents()).isEmpty();
	}

	private void startHttpsServer(String keystore) throws IOException {
		this.server = new WireMockServer(WireMockConfiguration.options()
			.bindAddress("127.0.0.1")
			.dynamicPort()
			.dynamicHttpsPort()
			.keystorePath(new ClassPathResource(keystore).getFile().getAbsolutePath())
			.keystoreType("PKCS12")
			.keystorePassword("changeit")
			.keyManagerPassword("changeit"));
		this.server.start();
		this.server.stubFor(get(urlEqualTo("/v1/sandboxes/abc"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(SANDBOX_JSON)));
	}

	private static Throwable rootCause(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root;
	}

	@Configuration(proxyBeanMethods = false)
	static class BundleConnectionDetailsConfiguration {

		@Bean
		OpenSandboxConnectionDetails connectionDetails(SslBundles bundles, Environment environment) {
			SslBundle bundle = bundles.getBundle("loopback");
			String domain = "https://127.0.0.1:" + environment.getProperty("test.port");
			return new OpenSandboxConnectionDetails() {

				@Override
				public String getDomain() {
					return domain;
				}

				@Override
				public @Nullable String getApiKey() {
					return null;
				}

				@Override
				public SslBundle getSslBundle() {
					return bundle;
				}

			};
		}

	}

}
