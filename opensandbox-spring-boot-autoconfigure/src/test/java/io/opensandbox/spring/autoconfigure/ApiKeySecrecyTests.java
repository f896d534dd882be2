package io.opensandbox.spring.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

import io.opensandbox.spring.client.LifecycleClient;
import io.opensandbox.spring.core.SandboxManager;
import io.opensandbox.spring.core.SandboxTemplate;
import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.error.OpenSandboxException;
import io.opensandbox.spring.model.SandboxEndpoint;
import io.opensandbox.spring.model.SandboxInfo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.noContent;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The API key and the proxy password stay secret: the key goes to the lifecycle server
 * only, and neither appears in logs (also with the wiretap and TRACE logging on) or in
 * exception messages.
 *
 * @author OpenSandbox Spring Boot
 */
@ExtendWith(OutputCaptureExtension.class)
class ApiKeySecrecyTests {

	private static final String API_KEY = "sk-secrecy-8f3a1c2e9b7d";

	private static final String PROXY_USER = "secrecy-user";

	private static final String PROXY_PASSWORD = "proxy-secrecy-5e6d7c8b";

	private static final String EXECD_TOKEN = "execd-secrecy-1a2b3c4d";

	private static final String API_KEY_HEADER = LifecycleClient.API_KEY_HEADER;

	private static final String SANDBOX_JSON = """
			{"id":"abc","status":{"state":"Running"},"entrypoint":["tail"],"createdAt":"2026-01-01T00:00:00Z"}""";

	private static final String[] TRACED_LOGGERS = { "io.opensandbox.spring", "reactor.netty",
			"org.springframework.web.reactive.function.client", "io.netty.handler.proxy" };

	@RegisterExtension
	static final WireMockExtension lifecycleServer = WireMockExtension.newInstance()
		.options(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort())
		.build();

	@RegisterExtension
	static final WireMockExtension sandboxServer = WireMockExtension.newInstance()
		.options(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort())
		.build();

	private static ConnectTunnelProxy proxy;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OpenSandboxAutoConfiguration.class))
		.withPropertyValues("opensandbox.domain=127.0.0.1:" + lifecycleServer.getPort(),
				"opensandbox.api-key=" + API_KEY);

	@BeforeAll
	static void startProxy() throws IOException {
		proxy = new ConnectTunnelProxy(PROXY_USER, PROXY_PASSWORD);
	}

	@AfterAll
	static void stopProxy() throws IOException {
		proxy.close();
	}

	@Test
	void apiKeyIsSentToTheLifecycleServerOnly() {
		stubLifecycleOperations();
		sandboxServer.stubFor(any(anyUrl()).willReturn(ok("pong")));
		this.contextRunner.withUserConfiguration(BuilderCapturingConfiguration.class).run((context) -> {
			SandboxManager manager = context.getBean(SandboxManager.class);
			manager.get("abc");
			manager.list(SandboxInfo.Filter.all(), 1, 20);
			manager.pause("abc");
			manager.resume("abc");
			manager.renew("abc", Duration.ofMinutes(5));
			manager.patchMetadata("abc", Map.of("owner", "tests"));
			manager.kill("abc");
			SandboxEndpoint endpoint = context.getBean(SandboxTemplate.class).handle("abc").endpoint(8080);
			assertThat(endpoint).isNotNull();
			assertThat(endpoint.endpoint()).contains(":" + sandboxServer.getPort());
			// The builder every OpenSandbox client is built from, as a sandbox client
			// would
			// use it to call the endpoint
			WebClient.Builder shared = context.getBean(BuilderCapturingConfiguration.class).builder.get();
			shared.build()
				.get()
				.uri(endpoint.url("http") + "/ping")
				.headers((headers) -> endpoint.headers().forEach(headers::set))
				.retrieve()
				.toBodilessEntity()
				.block();
		});
		List<LoggedRequest> lifecycleRequests = lifecycleServer.findAll(anyRequestedFor(urlMatching("/v1/.*")));
		assertThat(lifecycleRequests).hasSize(8)
			.allSatisfy((request) -> assertThat(request.getHeader(API_KEY_HEADER)).isEqualTo(API_KEY));
		List<LoggedRequest> sandboxRequests = sandboxServer.findAll(anyRequestedFor(anyUrl()));
		assertThat(sandboxRequests).hasSize(1)
			.allSatisfy((request) -> assertThat(request.containsHeader(API_KEY_HEADER)).isFalse())
			.allSatisfy((request) -> assertThat(request.getBodyAsString()).doesNotContain(API_KEY))
			.allSatisfy((request) -> assertThat(request.getHeader("X-Route")).isEqualTo("route-abc"));
	}

	@Test
	void apiKeyIsNotForwardedOnARedirectToAnotherServer() {
		String elsewhere = "http://127.0.0.1:" + sandboxServer.getPort() + "/v1/sandboxes/abc";
		lifecycleServer.stubFor(get(urlEqualTo("/v1/sandboxes/abc"))
			.willReturn(aResponse().withStatus(302).withHeader("Location", elsewhere)));
		sandboxServer.stubFor(get(urlEqualTo("/v1/sandboxes/abc")).willReturn(okJson(SANDBOX_JSON)));
		this.contextRunner
			.run((context) -> assertThat(catchThrowable(() -> context.getBean(SandboxManager.class).get("abc")))
				.isInstanceOfSatisfying(io.opensandbox.spring.error.OpenSandboxApiException.class,
						(ex) -> assertThat(ex.getStatusCode()).isEqualTo(302)));
		lifecycleServer.verify(1,
				getRequestedFor(urlEqualTo("/v1/sandboxes/abc")).withHeader(API_KEY_HEADER, equalTo(API_KEY)));
		sandboxServer.verify(0, anyRequestedFor(anyUrl()).withHeader(API_KEY_HEADER, equalTo(API_KEY)));
	}

	@Test
	void apiKeyIsNotForwardedOnARedirectWhenRedirectsAreFollowed() {
		String elsewhere = "http://127.0.0.1:" + sandboxServer.getPort() + "/v1/sandboxes/abc";
		lifecycleServer.stubFor(get(urlEqualTo("/v1/sandboxes/abc"))
			.willReturn(aResponse().withStatus(307).withHeader("Location", elsewhere)));
		sandboxServer.stubFor(get(urlEqualTo("/v1/sandboxes/abc")).willReturn(okJson(SANDBOX_JSON)));
		this.contextRunner.withPropertyValues("opensandbox.http.redirects=follow")
			.run((context) -> catchThrowable(() -> context.getBean(SandboxManager.class).get("abc")));
		sandboxServer.verify(0, anyRequestedFor(anyUrl()).withHeader(API_KEY_HEADER, equalTo(API_KEY)));
	}

	@Test
	void wiretapAndTraceLoggingNeverShowSecrets(CapturedOutput output) {
		proxy.reset();
		// The server echoes secrets in a body: the wiretap must mask them there too
		lifecycleServer.stubFor(get(urlEqualTo("/v1/sandboxes/abc")).willReturn(okJson(SANDBOX_JSON)));
		lifecycleServer.stubFor(get(urlEqualTo("/v1/sandboxes/echo")).willReturn(okJson("""
				{"id":"echo","status":{"state":"Running"},"metadata":{"seen-key":"%s","seen-token":"%s"}}"""
			.formatted(API_KEY, EXECD_TOKEN))));
		Map<String, Level> previousLevels = traceLogging();
		try {
			this.contextRunner
				.withPropertyValues("opensandbox.http.wiretap=true", "opensandbox.proxy.host=127.0.0.1",
						"opensandbox.proxy.port=" + proxy.getPort(), "opensandbox.proxy.username=" + PROXY_USER,
						"opensandbox.proxy.password=" + PROXY_PASSWORD, "opensandbox.execd.access-token=" + EXECD_TOKEN)
				.run((context) -> {
					SandboxManager manager = context.getBean(SandboxManager.class);
					assertThat(manager.get("abc").id()).isEqualTo("abc");
					assertThat(manager.get("echo").metadata()).containsEntry("seen-key", API_KEY);
				});
		}
		finally {
			restoreLogging(previousLevels);
		}
		assertThat(proxy.sawValidAuthorization()).isTrue();
		assertThat(output).contains("GET /v1/sandboxes/abc")
			.contains("GET /v1/sandboxes/echo")
			.contains(API_KEY_HEADER + ": ******")
			.doesNotContain(API_KEY)
			.doesNotContain(PROXY_PASSWORD)
			.doesNotContain(basicCredentials(PROXY_USER, PROXY_PASSWORD))
			.doesNotContain(EXECD_TOKEN);
	}

	@Test
	void noWiretapOutputWhenWiretapIsOff(CapturedOutput output) {
		lifecycleServer.stubFor(get(urlEqualTo("/v1/sandboxes/abc")).willReturn(okJson(SANDBOX_JSON)));
		Map<String, Level> previousLevels = traceLogging();
		try {
			this.contextRunner.run((context) -> context.getBean(SandboxManager.class).get("abc"));
		}
		finally {
			restoreLogging(previousLevels);
		}
		assertThat(output).doesNotContain(API_KEY_HEADER + ": ******").doesNotContain(API_KEY);
	}

	@Test
	void authenticationFailureMessageHasNoKey() {
		lifecycleServer.stubFor(get(urlEqualTo("/v1/sandboxes/abc")).willReturn(aResponse().withStatus(401)
			.withHeader("Content-Type", "application/json")
			.withHeader("X-Request-ID", "req-401")
			.withBody("{\"code\":\"UNAUTHORIZED\",\"message\":\"Invalid API key\"}")));
		this.contextRunner.run((context) -> assertThatExceptionOfType(OpenSandboxApiException.AccessDenied.class)
			.isThrownBy(() -> context.getBean(SandboxManager.class).get("abc"))
			.satisfies((ex) -> {
				assertThat(ex.getStatusCode()).isEqualTo(401);
				assertThat(ex.getMessage()).contains("401").contains("Invalid API key").doesNotContain(API_KEY);
				assertThat(ex.toString()).doesNotContain(API_KEY);
			}));
	}

	@Test
	void transportFailureMessageHasNoSecrets() throws IOException {
		this.contextRunner
			.withPropertyValues("opensandbox.domain=127.0.0.1:" + closedPort(), "opensandbox.proxy.host=127.0.0.1",
					"opensandbox.proxy.port=" + proxy.getPort(), "opensandbox.proxy.username=" + PROXY_USER,
					"opensandbox.proxy.password=" + PROXY_PASSWORD)
			.run((context) -> assertThatExceptionOfType(OpenSandboxException.class)
				.isThrownBy(() -> context.getBean(SandboxManager.class).get("abc"))
				.satisfies((ex) -> {
					for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
						assertThat(String.valueOf(cause.getMessage())).doesNotContain(API_KEY)
							.doesNotContain(PROXY_PASSWORD)
							.doesNotContain(basicCredentials(PROXY_USER, PROXY_PASSWORD));
					}
				}));
	}

	private static void stubLifecycleOperations() {
		lifecycleServer.stubFor(get(urlEqualTo("/v1/sandboxes/abc")).willReturn(okJson(SANDBOX_JSON)));
		lifecycleServer.stubFor(get(urlPathEqualTo("/v1/sandboxes")).willReturn(okJson("""
				{"items":[%s],
				"pagination":{"page":1,"pageSize":20,"totalItems":1,"totalPages":1,"hasNextPage":false}}"""
			.formatted(SANDBOX_JSON))));
		lifecycleServer.stubFor(post(urlEqualTo("/v1/sandboxes/abc/pause")).willReturn(aResponse().withStatus(202)));
		lifecycleServer.stubFor(post(urlEqualTo("/v1/sandboxes/abc/resume")).willReturn(aResponse().withStatus(202)));
		lifecycleServer.stubFor(post(urlEqualTo("/v1/sandboxes/abc/renew-expiration"))
			.willReturn(okJson("{\"expiresAt\":\"2030-01-01T00:00:00Z\"}")));
		lifecycleServer.stubFor(patch(urlEqualTo("/v1/sandboxes/abc/metadata")).willReturn(okJson(SANDBOX_JSON)));
		lifecycleServer.stubFor(delete(urlEqualTo("/v1/sandboxes/abc")).willReturn(noContent()));
		lifecycleServer.stubFor(get(urlEqualTo("/v1/sandboxes/abc/endpoints/8080")).willReturn(okJson("""
				{"endpoint":"127.0.0.1:%d/sandboxes/abc/port/8080","headers":{"X-Route":"route-abc"}}"""
			.formatted(sandboxServer.getPort()))));
	}

	private static Map<String, Level> traceLogging() {
		LoggerContext loggerContext = (LoggerContext) LoggerFactory.getILoggerFactory();
		Map<String, Level> previous = new LinkedHashMap<>();
		for (String name : TRACED_LOGGERS) {
			Logger logger = loggerContext.getLogger(name);
			previous.put(name, logger.getLevel());
			logger.setLevel(Level.TRACE);
		}
		return previous;
	}

	private static void restoreLogging(Map<String, Level> previousLevels) {
		LoggerContext loggerContext = (LoggerContext) LoggerFactory.getILoggerFactory();
		previousLevels.forEach((name, level) -> loggerContext.getLogger(name).setLevel(level));
	}

	private static String basicCredentials(String user, String password) {
		return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	private static int closedPort() throws IOException {
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
				java.net.InetAddress.getByName("127.0.0.1"))) {
			return socket.getLocalPort();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class BuilderCapturingConfiguration {

		final AtomicReference<WebClient.Builder> builder = new AtomicReference<>();

		@Bean
		OpenSandboxWebClientCustomizer builderCapturingCustomizer() {
			return this.builder::set;
		}

	}

}
