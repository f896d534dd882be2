package io.opensandbox.spring.test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The JUnit 5 extension: a server built by the given builder runs for the test class and
 * is injected into test and lifecycle methods.
 *
 * @author OpenSandbox Spring Boot
 */
class EmbeddedOpenSandboxExtensionTests {

	@RegisterExtension
	static final EmbeddedOpenSandboxExtension openSandbox = new EmbeddedOpenSandboxExtension(
			EmbeddedOpenSandboxServer.builder().apiKey("extension-key").readyDelay(Duration.ofMillis(100)));

	private static EmbeddedOpenSandboxServer injectedBeforeAll;

	@BeforeAll
	static void captureServer(EmbeddedOpenSandboxServer server) {
		injectedBeforeAll = server;
	}

	@Test
	void serverIsInjectedAndConfiguredByTheBuilder(EmbeddedOpenSandboxServer server) throws Exception {
		assertThat(server).isSameAs(openSandbox.getServer()).isSameAs(injectedBeforeAll);
		assertThat(server.getApiKey()).isEqualTo("extension-key");
		HttpResponse<String> unauthorized = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(server.getUrl() + "/v1/sandboxes")).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(unauthorized.statusCode()).isEqualTo(401);
	}

	@Test
	void serverIsUnavailableOutsideTheTestClass() {
		EmbeddedOpenSandboxExtension unused = new EmbeddedOpenSandboxExtension();
		assertThatIllegalStateException().isThrownBy(unused::getServer)
			.withMessageContaining("only while the test class runs");
	}

}
