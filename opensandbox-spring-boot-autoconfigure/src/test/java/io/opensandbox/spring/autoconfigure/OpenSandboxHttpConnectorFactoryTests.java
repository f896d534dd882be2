package io.opensandbox.spring.autoconfigure;

import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;

import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.opensandbox.spring.client.LifecycleClient;
import io.opensandbox.spring.core.SandboxManager;
import io.opensandbox.spring.error.OpenSandboxException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Tests for {@link OpenSandboxHttpConnectorFactory}.
 *
 * @author OpenSandbox Spring Boot
 */
class OpenSandboxHttpConnectorFactoryTests {

	private static final String SANDBOX_JSON = """
			{"id":"abc","status":{"state":"Running"},"entrypoint":["tail"],"createdAt":"2026-01-01T00:00:00Z"}""";

	private static final String PROXY_USER = "proxy-user";

	private static final String PROXY_PASSWORD = "proxy-connector-password";

	@RegisterExtension
	static final WireMockExtension server = WireMockExtension.newInstance()
		.options(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort())
		.build();

	private static ConnectTunnelProxy proxy;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OpenSandboxAutoConfiguration.class));

	@BeforeAll
	static void startProxy() throws IOException {
		proxy = new ConnectTunnelProxy(PROXY_USER, PROXY_PASSWORD);
	}

	@AfterAll
	static void stopProxy() throws IOException {
		proxy.close();
	}

	@BeforeEach
	void stubSandbox() {
		proxy.reset();
		// Connection: close keeps Reactor Netty's shared pool from reusing a connection
		// (or
		// tunnel) of an earlier test, so that every test opens its own
		server.stubFor(get(urlEqualTo("/v1/sandboxes/abc"))
			.willReturn(okJson(SANDBOX_JSON).withHeader("Connection", "close")));
	}

	@Test
	void noNonProxyHostsGiveNoPattern() {
		assertThat(OpenSandboxHttpConnectorFactory.nonProxyHostsPattern(List.of())).isNull();
		assertThat(OpenSandboxHttpConnectorFactory.nonProxyHostsPattern(List.of(" ", ""))).isNull();
	}

	@Test
	void plainHostMatchesOnlyItself() {
		Pattern pattern = nonProxyHosts("localhost");
		assertThat(pattern.matcher("localhost").matches()).isTrue();
		assertThat(pattern.matcher("localhost.example.com").matches()).isFalse();
		assertThat(pattern.matcher("mylocalhost").matches()).isFalse();
	}

	@Test
	void dotsAreLiteral() {
		Pattern pattern = nonProxyHosts("10.0.0.1");
		assertThat(pattern.matcher("10.0.0.1").matches()).isTrue();
		assertThat(pattern.matcher("10x0x0x1").matches()).isFalse();
	}

	@Test
	void leadingWildcardMatchesSubdomains() {
		Pattern pattern = nonProxyHosts("*.internal");
		assertThat(pattern.matcher("api.internal").matches()).isTrue();
		assertThat(pattern.matcher("a.b.internal").matches()).isTrue();
		assertThat(pattern.matcher("internal.example.com").matches()).isFalse();
		assertThat(pattern.matcher("apixinternal").matches()).isFalse();
	}

	@Test
	void trailingWildcardMatchesPrefixes() {
		Pattern pattern = nonProxyHosts("192.168.*");
		assertThat(pattern.matcher("192.168.1.20").matches()).isTrue();
		assertThat(pattern.matcher("10.192.168.1").matches()).isFalse();
	}

	@Test
	void wildcardOnBothEndsMatchesInfixes() {
		Pattern pattern = nonProxyHosts("*sandbox*");
		assertThat(pattern.matcher("my-sandbox-host").matches()).isTrue();
		assertThat(pattern.matcher("example.com").matches()).isFalse();
	}

	@Test
	void loneWildcardMatchesEverything() {
		assertThat(nonProxyHosts("*").matcher("anything.example.com").matches()).isTrue();
	}

	@Test
	void entriesAreStrippedAndCombined() {
		Pattern pattern = nonProxyHosts(" localhost ", "", "*.internal");
		assertThat(pattern.matcher("localhost").matches()).isTrue();
		assertThat(pattern.matcher("db.internal").matches()).isTrue();
		assertThat(pattern.matcher("example.com").matches()).isFalse();
	}

	@Test
	void theClientDoesNotAskForCompressedAnswers() {
		OpenSandboxProperties properties = new OpenSandboxProperties();
		reactor.netty.resources.ConnectionProvider provider = OpenSandboxHttpConnectorFactory
			.connectionProvider(properties.getHttp());
		try {
			assertThat(OpenSandboxHttpConnectorFactory
				.create(properties,
						new PropertiesOpenSandboxConnectionDetails(properties,
								new org.springframework.mock.env.MockEnvironment()),
						null, provider)
				.configuration()
				.isAcceptGzip()).isFalse();
		}
		finally {
			provider.dispose();
		}
	}

	@Test
	void connectionPoolHasTheConfiguredSize() {
		OpenSandboxProperties properties = new OpenSandboxProperties();
		properties.getHttp().setMaxConnections(321);
		reactor.netty.resources.ConnectionProvider provider = OpenSandboxHttpConnectorFactory
			.connectionProvider(properties.getHttp());
		try {
			assertThat(provider.maxConnections()).isEqualTo(321);
		}
		finally {
			provider.dispose();
		}
	}

	@Test
	void requestsGoThroughTheAuthenticatedProxy() {
		this.contextRunner.withPropertyValues(proxyProperties(PROXY_PASSWORD))
			.run((context) -> assertThat(context.getBean(SandboxManager.class).get("abc").id()).isEqualTo("abc"));
		assertThat(proxy.getConnectTargets()).contains("127.0.0.1:" + server.getPort());
		assertThat(proxy.sawValidAuthorization()).isTrue();
		server.verify(1, getRequestedFor(urlEqualTo("/v1/sandboxes/abc")));
	}

	@Test
	void wrongProxyPasswordFails() {
		this.contextRunner.withPropertyValues(proxyProperties("wrong-password"))
			.run((context) -> assertThatExceptionOfType(OpenSandboxException.class)
				.isThrownBy(() -> context.getBean(SandboxManager.class).get("abc"))
				.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("wrong-password")));
		assertThat(proxy.getConnectTargets()).contains("127.0.0.1:" + server.getPort());
		assertThat(proxy.sawValidAuthorization()).isFalse();
		assertThat(server.getAllServeEvents()).isEmpty();
	}

	@Test
	void nonProxyHostBypassesTheProxy() {
		this.contextRunner.withPropertyValues(proxyProperties(PROXY_PASSWORD))
			.withPropertyValues("opensandbox.proxy.non-proxy-hosts=127.0.0.1")
			.run((context) -> assertThat(context.getBean(SandboxManager.class).get("abc").id()).isEqualTo("abc"));
		assertThat(proxy.getConnectTargets()).isEmpty();
		server.verify(1, getRequestedFor(urlEqualTo("/v1/sandboxes/abc")));
	}

	@Test
	void wildcardNonProxyHostBypassesTheProxy() {
		this.contextRunner.withPropertyValues(proxyProperties(PROXY_PASSWORD))
			.withPropertyValues("opensandbox.proxy.non-proxy-hosts=example.com,127.0.0.*")
			.run((context) -> assertThat(context.getBean(SandboxManager.class).get("abc").id()).isEqualTo("abc"));
		assertThat(proxy.getConnectTargets()).isEmpty();
		server.verify(1, getRequestedFor(urlEqualTo("/v1/sandboxes/abc")));
	}

	@Test
	void unrelatedNonProxyHostKeepsTheProxy() {
		this.contextRunner.withPropertyValues(proxyProperties(PROXY_PASSWORD))
			.withPropertyValues("opensandbox.proxy.non-proxy-hosts=*.internal")
			.run((context) -> assertThat(context.getBean(SandboxManager.class).get("abc").id()).isEqualTo("abc"));
		assertThat(proxy.getConnectTargets()).contains("127.0.0.1:" + server.getPort());
	}

	@Test
	void responsesAreNotAskedToBeCompressed() {
		// No OpenSandbox component compresses; decompressing would cost every download
		// and event stream a pass over each buffer
		this.contextRunner.withPropertyValues("opensandbox.domain=127.0.0.1:" + server.getPort())
			.run((context) -> assertThat(context.getBean(SandboxManager.class).get("abc").id()).isEqualTo("abc"));
		server.verify(1, getRequestedFor(urlEqualTo("/v1/sandboxes/abc")).withoutHeader("Accept-Encoding"));
	}

	@Test
	void sameOriginRedirectIsFollowed() {
		server.stubFor(get(urlEqualTo("/v1/sandboxes/abc"))
			.willReturn(aResponse().withStatus(307).withHeader("Location", "/v1/sandboxes/moved")));
		server.stubFor(get(urlEqualTo("/v1/sandboxes/moved")).willReturn(okJson(SANDBOX_JSON)));
		this.contextRunner
			.withPropertyValues("opensandbox.domain=127.0.0.1:" + server.getPort(), "opensandbox.api-key=redirect-key")
			.run((context) -> assertThat(context.getBean(SandboxManager.class).get("abc").id()).isEqualTo("abc"));
		server.verify(1, getRequestedFor(urlEqualTo("/v1/sandboxes/moved")).withHeader(LifecycleClient.API_KEY_HEADER,
				equalTo("redirect-key")));
	}

	@Test
	void redirectToAnotherOriginIsNotFollowed() {
		// Same server, but another host name: another origin
		server.stubFor(get(urlEqualTo("/v1/sandboxes/abc")).willReturn(aResponse().withStatus(307)
			.withHeader("Location", "http://localhost:" + server.getPort() + "/v1/sandboxes/moved")));
		server.stubFor(get(urlEqualTo("/v1/sandboxes/moved")).willReturn(okJson(SANDBOX_JSON)));
		this.contextRunner
			.withPropertyValues("opensandbox.domain=127.0.0.1:" + server.getPort(), "opensandbox.api-key=redirect-key")
			.run((context) -> assertThat(catchThrowable(() -> context.getBean(SandboxManager.class).get("abc")))
				.isNotNull());
		server.verify(0, getRequestedFor(urlEqualTo("/v1/sandboxes/moved")));
	}

	@Test
	void redirectsAreNotFollowedWhenDisabled() {
		server.stubFor(get(urlEqualTo("/v1/sandboxes/abc"))
			.willReturn(aResponse().withStatus(307).withHeader("Location", "/v1/sandboxes/moved")));
		server.stubFor(get(urlEqualTo("/v1/sandboxes/moved")).willReturn(okJson(SANDBOX_JSON)));
		this.contextRunner
			.withPropertyValues("opensandbox.domain=127.0.0.1:" + server.getPort(),
					"opensandbox.http.redirects=dont-follow")
			.run((context) -> assertThat(catchThrowable(() -> context.getBean(SandboxManager.class).get("abc")))
				.isNotNull());
		server.verify(0, getRequestedFor(urlEqualTo("/v1/sandboxes/moved")));
	}

	private static String[] proxyProperties(String password) {
		return new String[] { "opensandbox.domain=127.0.0.1:" + server.getPort(), "opensandbox.proxy.host=127.0.0.1",
				"opensandbox.proxy.port=" + proxy.getPort(), "opensandbox.proxy.username=" + PROXY_USER,
				"opensandbox.proxy.password=" + password };
	}

	private static Pattern nonProxyHosts(String... hosts) {
		String pattern = OpenSandboxHttpConnectorFactory.nonProxyHostsPattern(List.of(hosts));
		assertThat(pattern).isNotNull();
		return Pattern.compile(pattern, Pattern.CASE_INSENSITIVE);
	}

}
