package io.opensandbox.spring.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.annotation.Configurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;

import io.opensandbox.spring.client.LifecycleClient;
import io.opensandbox.spring.core.OpenSandboxConnection;
import io.opensandbox.spring.core.ReactiveSandboxManager;
import io.opensandbox.spring.core.ReactiveSandboxTemplate;
import io.opensandbox.spring.core.Readiness;
import io.opensandbox.spring.core.SandboxCleanup;
import io.opensandbox.spring.core.SandboxManager;
import io.opensandbox.spring.core.SandboxOwnership;
import io.opensandbox.spring.core.SandboxTemplate;
import io.opensandbox.spring.core.SandboxTemplateSettings;
import io.opensandbox.spring.core.SandboxTracker;
import io.opensandbox.spring.error.OpenSandboxTimeoutException;
import io.opensandbox.spring.model.SandboxSpec;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link OpenSandboxAutoConfiguration}.
 *
 * @author OpenSandbox Spring Boot
 */
@ExtendWith(OutputCaptureExtension.class)
class OpenSandboxAutoConfigurationTests {

	private static final String SANDBOX_JSON = """
			{"id":"abc","status":{"state":"Running"},"entrypoint":["tail"],"createdAt":"2026-01-01T00:00:00Z"}""";

	private static final String API_KEY_HEADER = LifecycleClient.API_KEY_HEADER;

	@RegisterExtension
	static final WireMockExtension server = WireMockExtension.newInstance()
		.options(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort())
		.build();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OpenSandboxAutoConfiguration.class));

	@Test
	void autoConfigurationIsRegistered() {
		assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()))
			.contains(OpenSandboxAutoConfiguration.class.getName());
	}

	@Test
	void autoConfigurationIsOrderedAfterBootHttpClientWebClientAndSslAutoConfigurations() {
		Class<?>[] ordered = Configurations
			.getClasses(AutoConfigurations.of(OpenSandboxAutoConfiguration.class, SslAutoConfiguration.class,
					ReactiveHttpClientAutoConfiguration.class, WebClientAutoConfiguration.class));
		assertThat(ordered[ordered.length - 1]).isEqualTo(OpenSandboxAutoConfiguration.class);
	}

	@Test
	void defaultBeansArePresent() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(OpenSandboxProperties.class)
			.hasSingleBean(PropertiesOpenSandboxConnectionDetails.class)
			.hasSingleBean(OpenSandboxConnection.class)
			.hasSingleBean(ReactiveSandboxManager.class)
			.hasSingleBean(SandboxManager.class));
	}

	@Test
	void sandboxManagerIsBuiltOnTheAutoConfiguredClient() {
		this.contextRunner.run((context) -> {
			SandboxManager manager = context.getBean(SandboxManager.class);
			assertThat(manager.reactive()).isSameAs(context.getBean(ReactiveSandboxManager.class));
		});
	}

	@Test
	void disabledCreatesNoBeans() {
		this.contextRunner.withPropertyValues("opensandbox.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(OpenSandboxProperties.class)
				.doesNotHaveBean(OpenSandboxConnectionDetails.class)
				.doesNotHaveBean(OpenSandboxConnection.class)
				.doesNotHaveBean(ReactiveSandboxManager.class)
				.doesNotHaveBean(SandboxManager.class));
	}

	@Test
	void withoutWebClientCreatesNoBeans() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(WebClient.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(OpenSandboxProperties.class)
				.doesNotHaveBean(OpenSandboxConnectionDetails.class)
				.doesNotHaveBean(OpenSandboxConnection.class)
				.doesNotHaveBean(ReactiveSandboxManager.class)
				.doesNotHaveBean(SandboxManager.class));
	}

	@Test
	void withoutReactorNettyCreatesNoBeans() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(reactor.netty.http.client.HttpClient.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(OpenSandboxProperties.class)
				.doesNotHaveBean(OpenSandboxConnectionDetails.class)
				.doesNotHaveBean(OpenSandboxConnection.class)
				.doesNotHaveBean(ReactiveSandboxManager.class)
				.doesNotHaveBean(SandboxManager.class));
	}

	@Test
	void userConnectionDetailsReplaceTheProperties() {
		stubSandbox();
		this.contextRunner.withUserConfiguration(UserConnectionDetailsConfiguration.class)
			.withPropertyValues("opensandbox.domain=127.0.0.1:1", "opensandbox.api-key=property-key")
			.run((context) -> {
				assertThat(context).hasSingleBean(OpenSandboxConnectionDetails.class)
					.doesNotHaveBean(PropertiesOpenSandboxConnectionDetails.class);
				assertThat(context.getBean(SandboxManager.class).get("abc").id()).isEqualTo("abc");
			});
		server.verify(1,
				getRequestedFor(urlEqualTo("/v1/sandboxes/abc")).withHeader(API_KEY_HEADER, equalTo("user-key")));
	}

	@Test
	void userConnectionIsUsed() {
		this.contextRunner.withUserConfiguration(UserConnectionConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(OpenSandboxConnection.class);
			assertThat(context.getBean(OpenSandboxConnection.class).getServerUri())
				.hasToString("http://user.example:9999");
		});
	}

	@Test
	void userReactiveSandboxManagerIsUsed() {
		this.contextRunner.withUserConfiguration(UserReactiveSandboxManagerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(ReactiveSandboxManager.class);
			ReactiveSandboxManager reactive = context.getBean(ReactiveSandboxManager.class);
			assertThat(context.getBean(UserReactiveSandboxManagerConfiguration.class).manager).isSameAs(reactive);
			assertThat(context.getBean(SandboxManager.class).reactive()).isSameAs(reactive);
		});
	}

	@Test
	void userSandboxManagerIsUsed() {
		this.contextRunner.withUserConfiguration(UserSandboxManagerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(SandboxManager.class).hasSingleBean(ReactiveSandboxManager.class);
			assertThat(context.getBean(SandboxManager.class))
				.isSameAs(context.getBean(UserSandboxManagerConfiguration.class).manager);
		});
	}

	@Test
	void openSandboxWebClientCustomizersAreAppliedInOrder() {
		stubSandbox();
		this.contextRunner.withUserConfiguration(OrderedCustomizersConfiguration.class)
			.withPropertyValues("opensandbox.domain=" + domain())
			.run((context) -> context.getBean(SandboxManager.class).get("abc"));
		assertThat(onlyRequest().getHeaders().getHeader("X-Customizer").values()).containsExactly("first", "second");
	}

	@Test
	void applicationWebClientBuilderIsUsedWithoutBeingChanged() {
		stubSandbox();
		server.stubFor(get(urlEqualTo("/app")).willReturn(ok()));
		this.contextRunner
			.withConfiguration(
					AutoConfigurations.of(ReactiveHttpClientAutoConfiguration.class, WebClientAutoConfiguration.class))
			.withUserConfiguration(ApplicationWebClientCustomizerConfiguration.class,
					OpenSandboxCustomizerConfiguration.class)
			.withPropertyValues("opensandbox.domain=" + domain(), "opensandbox.api-key=secret-key")
			.run((context) -> {
				context.getBean(SandboxManager.class).get("abc");
				context.getBean(WebClient.Builder.class)
					.build()
					.get()
					.uri("http://" + domain() + "/app")
					.retrieve()
					.toBodilessEntity()
					.block();
			});
		server.verify(getRequestedFor(urlEqualTo("/v1/sandboxes/abc")).withHeader("X-App", equalTo("app"))
			.withHeader("X-OpenSandbox", equalTo("yes")));
		server.verify(getRequestedFor(urlEqualTo("/app")).withHeader("X-App", equalTo("app"))
			.withHeader("X-OpenSandbox", absent())
			.withHeader(API_KEY_HEADER, absent()));
	}

	@Test
	void sharedWebClientBuilderBeanIsClonedNotMutated() {
		stubSandbox();
		server.stubFor(get(urlEqualTo("/app")).willReturn(ok()));
		this.contextRunner
			.withUserConfiguration(SharedWebClientBuilderConfiguration.class, OpenSandboxCustomizerConfiguration.class)
			.withPropertyValues("opensandbox.domain=" + domain(), "opensandbox.api-key=secret-key")
			.run((context) -> {
				context.getBean(SandboxManager.class).get("abc");
				context.getBean(WebClient.Builder.class)
					.build()
					.get()
					.uri("http://" + domain() + "/app")
					.retrieve()
					.toBodilessEntity()
					.block();
			});
		server.verify(getRequestedFor(urlEqualTo("/v1/sandboxes/abc")).withHeader("X-App", equalTo("app"))
			.withHeader("X-OpenSandbox", equalTo("yes")));
		server.verify(getRequestedFor(urlEqualTo("/app")).withHeader("X-App", equalTo("app"))
			.withHeader("X-OpenSandbox", absent())
			.withHeader(API_KEY_HEADER, absent()));
	}

	@Test
	void domainDefaultsToLocalhost8080() {
		this.contextRunner.run((context) -> {
			assertThat(context.getBean(OpenSandboxConnectionDetails.class).getDomain()).isEqualTo("localhost:8080");
			assertThat(context.getBean(OpenSandboxConnection.class).getServerUri())
				.hasToString("http://localhost:8080");
		});
	}

	@Test
	void domainFallsBackToOpenSandboxDomainVariable() {
		stubSandbox();
		this.contextRunner.withPropertyValues("OPEN_SANDBOX_DOMAIN=" + domain()).run((context) -> {
			assertThat(context.getBean(OpenSandboxConnectionDetails.class).getDomain()).isEqualTo(domain());
			assertThat(context.getBean(SandboxManager.class).get("abc").id()).isEqualTo("abc");
		});
		server.verify(1, getRequestedFor(urlEqualTo("/v1/sandboxes/abc")));
	}

	@Test
	void domainPropertyWinsOverOpenSandboxDomainVariable() {
		stubSandbox();
		this.contextRunner.withPropertyValues("opensandbox.domain=" + domain(), "OPEN_SANDBOX_DOMAIN=127.0.0.1:1")
			.run((context) -> {
				assertThat(context.getBean(OpenSandboxConnectionDetails.class).getDomain()).isEqualTo(domain());
				assertThat(context.getBean(SandboxManager.class).get("abc").id()).isEqualTo("abc");
			});
		server.verify(1, getRequestedFor(urlEqualTo("/v1/sandboxes/abc")));
	}

	@Test
	void startupSaysSoWhenNoApiKeyIsConfigured(CapturedOutput output) {
		this.contextRunner.withPropertyValues("opensandbox.domain=" + domain())
			.run((context) -> context.getBean(OpenSandboxConnection.class));
		assertThat(output).contains("No OpenSandbox API key is configured");
	}

	@Test
	void startupIsQuietAboutTheKeyWhenOneIsConfigured(CapturedOutput output) {
		this.contextRunner.withPropertyValues("opensandbox.domain=" + domain(), "opensandbox.api-key=k")
			.run((context) -> context.getBean(OpenSandboxConnection.class));
		assertThat(output).doesNotContain("No OpenSandbox API key is configured");
	}

	@Test
	void anUnresolvedKeyPlaceholderFailsStartup() {
		this.contextRunner.withPropertyValues("opensandbox.api-key=${NOT_SET_ANYWHERE}")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidOpenSandboxPropertyException.class)
				.hasMessageContaining("opensandbox.api-key"));
	}

	@Test
	void apiKeyFallsBackToOpenSandboxApiKeyVariable() {
		stubSandbox();
		this.contextRunner.withPropertyValues("opensandbox.domain=" + domain(), "OPEN_SANDBOX_API_KEY=variable-key")
			.run((context) -> context.getBean(SandboxManager.class).get("abc"));
		server.verify(1,
				getRequestedFor(urlEqualTo("/v1/sandboxes/abc")).withHeader(API_KEY_HEADER, equalTo("variable-key")));
	}

	@Test
	void apiKeyPropertyWinsOverOpenSandboxApiKeyVariable() {
		stubSandbox();
		this.contextRunner
			.withPropertyValues("opensandbox.domain=" + domain(), "opensandbox.api-key=property-key",
					"OPEN_SANDBOX_API_KEY=variable-key")
			.run((context) -> context.getBean(SandboxManager.class).get("abc"));
		server.verify(1,
				getRequestedFor(urlEqualTo("/v1/sandboxes/abc")).withHeader(API_KEY_HEADER, equalTo("property-key")));
	}

	@Test
	void noApiKeyHeaderIsSentWithoutAnApiKey() {
		stubSandbox();
		this.contextRunner.withPropertyValues("opensandbox.domain=" + domain())
			.run((context) -> context.getBean(SandboxManager.class).get("abc"));
		server.verify(1, getRequestedFor(urlEqualTo("/v1/sandboxes/abc")).withHeader(API_KEY_HEADER, absent()));
	}

	@Test
	void protocolAppliesToADomainWithoutScheme() {
		this.contextRunner.withPropertyValues("opensandbox.domain=sandbox.example.com", "opensandbox.protocol=HTTPS")
			.run((context) -> {
				assertThat(context.getBean(OpenSandboxConnectionDetails.class).getProtocol()).isEqualTo("https");
				assertThat(context.getBean(OpenSandboxConnection.class).getServerUri())
					.hasToString("https://sandbox.example.com");
			});
	}

	@Test
	void configuredHeadersAreSentWithEveryRequest() {
		stubSandbox();
		this.contextRunner
			.withPropertyValues("opensandbox.domain=" + domain(), "opensandbox.headers.X-Tenant=acme",
					"opensandbox.headers.X-Team=platform")
			.run((context) -> context.getBean(SandboxManager.class).get("abc"));
		server.verify(1, getRequestedFor(urlEqualTo("/v1/sandboxes/abc")).withHeader("X-Tenant", equalTo("acme"))
			.withHeader("X-Team", equalTo("platform")));
	}

	@Test
	void readTimeoutIsApplied() {
		server.stubFor(get(urlEqualTo("/v1/sandboxes/abc"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json")
				.withBody(SANDBOX_JSON)
				.withFixedDelay(10_000)));
		this.contextRunner.withPropertyValues("opensandbox.domain=" + domain(), "opensandbox.http.read-timeout=200ms")
			.run((context) -> assertThatExceptionOfType(OpenSandboxTimeoutException.class)
				.isThrownBy(() -> context.getBean(SandboxManager.class).get("abc"))
				.withMessageContaining("read timeout"));
	}

	@Test
	void startupMakesNoNetworkCall() {
		stubSandbox();
		this.contextRunner.withPropertyValues("opensandbox.domain=" + domain(), "opensandbox.api-key=secret-key")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(SandboxManager.class);
				assertThat(server.getAllServeEvents()).isEmpty();
			});
		assertThat(server.getAllServeEvents()).isEmpty();
	}

	@Test
	void templateBeansArePresent() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(OpenSandboxWebClientBuilderFactory.class)
			.hasSingleBean(OpenSandboxConnection.class)
			.hasSingleBean(ReactiveSandboxTemplate.class)
			.hasSingleBean(SandboxTemplate.class));
	}

	@Test
	void userSandboxTemplateIsUsed() {
		this.contextRunner.withUserConfiguration(UserSandboxTemplateConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(SandboxTemplate.class)
				.getBean(SandboxTemplate.class)
				.isSameAs(context.getBean(UserSandboxTemplateConfiguration.class).template));
	}

	@Test
	void sandboxPropertiesBecomeTheTemplateDefaults() {
		this.contextRunner
			.withPropertyValues("opensandbox.sandbox.image=python:3.12", "opensandbox.sandbox.timeout=5m",
					"opensandbox.sandbox.resources.cpu=2", "opensandbox.sandbox.env.MODE=test",
					"opensandbox.sandbox.metadata.team=a", "opensandbox.sandbox.ready-timeout=7s",
					"opensandbox.sandbox.ready-poll-interval=25ms", "opensandbox.sandbox.ready-probe-interval=3ms",
					"opensandbox.use-server-proxy=true")
			.run((context) -> {
				SandboxTemplateSettings settings = context.getBean(ReactiveSandboxTemplate.class).getSettings();
				SandboxSpec defaults = settings.defaults();
				assertThat(defaults.image()).isEqualTo("python:3.12");
				assertThat(defaults.timeout()).isEqualTo(Duration.ofMinutes(5));
				assertThat(defaults.entrypoint()).containsExactly("tail", "-f", "/dev/null");
				assertThat(defaults.resourceLimits()).containsEntry("cpu", "2").containsEntry("memory", "2Gi");
				assertThat(defaults.env()).containsExactly(Map.entry("MODE", "test"));
				assertThat(defaults.metadata()).containsExactly(Map.entry("team", "a"));
				assertThat(settings.readiness().timeout()).isEqualTo(Duration.ofSeconds(7));
				assertThat(settings.readiness().pollInterval()).isEqualTo(Duration.ofMillis(25));
				assertThat(settings.readiness().probeInterval()).isEqualTo(Duration.ofMillis(3));
				assertThat(settings.useServerProxy()).isTrue();
				assertThat(settings.readiness().check()).isSameAs(Readiness.Check.EXECD_PING);
			});
	}

	@Test
	void readinessCheckBeanIsUsed() {
		this.contextRunner.withBean(Readiness.Check.class, () -> (sandbox) -> reactor.core.publisher.Mono.empty())
			.run((context) -> assertThat(
					context.getBean(ReactiveSandboxTemplate.class).getSettings().readiness().check())
				.isSameAs(context.getBean(Readiness.Check.class)));
	}

	@Test
	void eachServerGetsOnlyItsOwnHeadersAndCredentials() {
		stubEndpoint("abc", 44772);
		server.stubFor(get(urlEqualTo("/ping")).willReturn(ok()));
		this.contextRunner
			.withPropertyValues("opensandbox.domain=127.0.0.1:" + server.getPort(), "opensandbox.api-key=secret-key",
					"opensandbox.execd.access-token=execd-token", "opensandbox.headers.X-Team=a",
					"opensandbox.endpoint-headers.X-Sandbox=b")
			.run((context) -> context.getBean(SandboxTemplate.class).handle("abc").ping());
		server.verify(getRequestedFor(urlEqualTo("/ping")).withHeader("X-EXECD-ACCESS-TOKEN", equalTo("execd-token"))
			.withHeader("X-Sandbox", equalTo("b"))
			.withHeader("X-Team", absent())
			.withHeader(API_KEY_HEADER, absent()));
		server.verify(getRequestedFor(urlPathEqualTo("/v1/sandboxes/abc/endpoints/44772"))
			.withHeader(API_KEY_HEADER, equalTo("secret-key"))
			.withHeader("X-Team", equalTo("a"))
			.withHeader("X-Sandbox", absent())
			.withHeader("X-EXECD-ACCESS-TOKEN", absent()));
	}

	@Test
	void sandboxEndpointsUseTheSchemeOfTheDomain() {
		stubEndpoint("abc", 8080);
		this.contextRunner
			.withPropertyValues("opensandbox.domain=http://127.0.0.1:" + server.getPort(), "opensandbox.protocol=https")
			.run((context) -> assertThat(context.getBean(SandboxTemplate.class).handle("abc").endpointUrl(8080))
				.startsWith("http://"));
	}

	private static void stubEndpoint(String id, int port) {
		server.stubFor(get(urlPathEqualTo("/v1/sandboxes/" + id + "/endpoints/" + port))
			.willReturn(okJson("{\"endpoint\":\"127.0.0.1:" + server.getPort() + "\",\"headers\":{}}")));
	}

	@Test
	void retryPropertiesApplyToEveryClient() {
		server.stubFor(get(urlEqualTo("/v1/sandboxes/abc")).willReturn(aResponse().withStatus(503)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"code\":\"BUSY\",\"message\":\"busy\"}")));
		this.contextRunner
			.withPropertyValues("opensandbox.domain=" + domain(), "opensandbox.retry.max-attempts=2",
					"opensandbox.retry.initial-backoff=10ms")
			.run((context) -> org.assertj.core.api.Assertions
				.catchThrowable(() -> context.getBean(SandboxManager.class).get("abc")));
		server.verify(2, getRequestedFor(urlEqualTo("/v1/sandboxes/abc")));
		server.resetRequests();
		this.contextRunner.withPropertyValues("opensandbox.domain=" + domain(), "opensandbox.retry.enabled=false")
			.run((context) -> org.assertj.core.api.Assertions
				.catchThrowable(() -> context.getBean(SandboxManager.class).get("abc")));
		server.verify(1, getRequestedFor(urlEqualTo("/v1/sandboxes/abc")));
	}

	@Test
	void userLifecycleBeansAreUsed() {
		SandboxTracker tracker = new SandboxTracker();
		SandboxOwnership ownership = new SandboxOwnership("mine", "instance-1");
		this.contextRunner.withBean("userTracker", SandboxTracker.class, () -> tracker)
			.withBean("userOwnership", SandboxOwnership.class, () -> ownership)
			.run((context) -> {
				assertThat(context).hasSingleBean(SandboxTracker.class).hasSingleBean(SandboxOwnership.class);
				assertThat(context.getBean(ReactiveSandboxTemplate.class).getTracker()).isSameAs(tracker);
			});
	}

	@Test
	void userTemplateAndCleanupBeansAreUsed() {
		this.contextRunner
			.withBean("userReactiveTemplate", ReactiveSandboxTemplate.class,
					() -> org.mockito.Mockito.mock(ReactiveSandboxTemplate.class))
			.withBean("userCleanup", SandboxCleanup.class, () -> org.mockito.Mockito.mock(SandboxCleanup.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(ReactiveSandboxTemplate.class).hasSingleBean(SandboxCleanup.class);
				assertThat(context.getBean(SandboxTemplate.class).reactive())
					.isSameAs(context.getBean("userReactiveTemplate"));
			});
	}

	@Test
	void ownershipNamesTheApplication() {
		this.contextRunner.withPropertyValues("spring.application.name=Order Service")
			.run((context) -> assertThat(context.getBean(SandboxOwnership.class).application())
				.isEqualTo("Order-Service"));
	}

	@Test
	void sandboxTemplateCustomizersAreAppliedInOrder() {
		this.contextRunner
			.withBean("first", SandboxTemplateCustomizer.class,
					() -> (settings) -> settings.readiness(Readiness.skip()).maxCollectedOutput(10))
			.withBean("second", SandboxTemplateCustomizer.class, () -> (settings) -> {
				assertThat(settings.build().readiness().waits()).isFalse();
				settings.readiness(Readiness.defaults());
			})
			.run((context) -> {
				SandboxTemplateSettings settings = context.getBean(ReactiveSandboxTemplate.class).getSettings();
				assertThat(settings.readiness()).isEqualTo(Readiness.defaults());
				assertThat(settings.maxCollectedOutput()).isEqualTo(10);
			});
	}

	@Test
	void cleanupFollowsTheCleanupProperties() {
		this.contextRunner.withPropertyValues("opensandbox.cleanup.shutdown-timeout=3s")
			.run((context) -> assertThat(context).hasSingleBean(SandboxCleanup.class)
				.getBean(SandboxCleanup.class)
				.extracting("settings")
				.satisfies((settings) -> assertThat(((SandboxCleanup.Settings) settings).shutdownTimeout())
					.isEqualTo(Duration.ofSeconds(3))));
	}

	@Test
	void observationsGoToTheObservationRegistry() {
		stubSandbox();
		io.micrometer.observation.tck.TestObservationRegistry registry = io.micrometer.observation.tck.TestObservationRegistry
			.create();
		this.contextRunner.withPropertyValues("opensandbox.domain=" + domain())
			.withBean(io.micrometer.observation.ObservationRegistry.class, () -> registry)
			.run((context) -> context.getBean(SandboxManager.class).get("abc"));
		io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat(registry)
			.hasObservationWithNameEqualTo("opensandbox.sandbox.operation");
	}

	@Test
	void observationsCanBeTurnedOffWithManagementObservationsEnable() {
		stubSandbox();
		java.util.List<String> observed = new java.util.concurrent.CopyOnWriteArrayList<>();
		ApplicationContextRunner runner = this.contextRunner
			.withConfiguration(AutoConfigurations
				.of(org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration.class))
			.withPropertyValues("opensandbox.domain=" + domain())
			.withBean(io.micrometer.observation.ObservationHandler.class,
					() -> new io.micrometer.observation.ObservationHandler<io.micrometer.observation.Observation.Context>() {

						@Override
						public boolean supportsContext(io.micrometer.observation.Observation.Context context) {
							return true;
						}

						@Override
						public void onStart(io.micrometer.observation.Observation.Context context) {
							observed.add(context.getName());
						}

					});
		runner.run((context) -> context.getBean(SandboxManager.class).get("abc"));
		assertThat(observed).contains("opensandbox.sandbox.operation");
		observed.clear();
		runner.withPropertyValues("management.observations.enable.opensandbox=false")
			.run((context) -> context.getBean(SandboxManager.class).get("abc"));
		assertThat(observed).noneMatch((name) -> name.startsWith("opensandbox."));
	}

	@Test
	void customObservationConventionBeansAreUsed() {
		stubSandbox();
		io.micrometer.observation.tck.TestObservationRegistry registry = io.micrometer.observation.tck.TestObservationRegistry
			.create();
		this.contextRunner.withPropertyValues("opensandbox.domain=" + domain())
			.withBean(io.micrometer.observation.ObservationRegistry.class, () -> registry)
			.withBean(io.opensandbox.spring.observation.OpenSandboxObservationConvention.class,
					() -> new io.opensandbox.spring.observation.DefaultOpenSandboxObservationConvention(
							io.opensandbox.spring.observation.OpenSandboxObservationDocumentation.SANDBOX_OPERATION) {

						@Override
						public String getName() {
							return "team.sandbox.calls";
						}

					})
			.run((context) -> context.getBean(SandboxManager.class).get("abc"));
		io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat(registry)
			.hasObservationWithNameEqualTo("team.sandbox.calls");
	}

	@Test
	void activeSandboxesGaugeFollowsTheTracker() {
		this.contextRunner.run((context) -> {
			io.micrometer.core.instrument.simple.SimpleMeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
			context.getBean("openSandboxMeterBinder", io.micrometer.core.instrument.binder.MeterBinder.class)
				.bindTo(meters);
			SandboxTracker tracker = context.getBean(SandboxTracker.class);
			tracker.track(new io.opensandbox.spring.core.SandboxTracker.TrackedSandbox("a", null,
					java.time.Instant.now(), null, null, null));
			tracker.track(new io.opensandbox.spring.core.SandboxTracker.TrackedSandbox("b", null,
					java.time.Instant.now(), null, null, null));
			assertThat(meters.get("opensandbox.sandboxes.active").gauge().value()).isEqualTo(2.0);
			tracker.untrack("a");
			assertThat(meters.get("opensandbox.sandboxes.active").gauge().value()).isEqualTo(1.0);
		});
	}

	@Test
	void webSocketsGoThroughTheSameReactorNettyClientAsTheWebClient() {
		// proxy, TLS bundle, timeouts and wiretap of opensandbox.* hold for PTY sessions
		// too
		this.contextRunner.run((context) -> {
			Object endpoints = org.springframework.test.util.ReflectionTestUtils
				.getField(context.getBean(io.opensandbox.spring.core.OpenSandboxConnection.class), "endpoints");
			assertThat(org.springframework.test.util.ReflectionTestUtils.getField(endpoints, "webSockets"))
				.isSameAs(context.getBean(OpenSandboxWebClientBuilderFactory.class).httpClient());
		});
	}

	@Test
	void ptyTrafficIsCountedWithBoundedTags() {
		this.contextRunner.run((context) -> {
			io.micrometer.core.instrument.simple.SimpleMeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
			context.getBean("openSandboxMeterBinder", io.micrometer.core.instrument.binder.MeterBinder.class)
				.bindTo(meters);
			io.opensandbox.spring.observation.OpenSandboxObservations.PtyTraffic traffic = context
				.getBean(io.opensandbox.spring.observation.OpenSandboxObservations.class)
				.getPtyTraffic();
			traffic.attached();
			traffic.received(100);
			traffic.received(20);
			traffic.sent(3);
			traffic.reconnected();
			assertThat(meters.get("opensandbox.pty.connections").functionCounter().count()).isEqualTo(1.0);
			assertThat(meters.get("opensandbox.pty.bytes").tag("direction", "received").functionCounter().count())
				.isEqualTo(120.0);
			assertThat(meters.get("opensandbox.pty.bytes").tag("direction", "sent").functionCounter().count())
				.isEqualTo(3.0);
			assertThat(meters.get("opensandbox.pty.reconnects").functionCounter().count()).isEqualTo(1.0);
		});
	}

	@Test
	void noGaugeWithoutMicrometerCore() {
		this.contextRunner
			.withClassLoader(new FilteredClassLoader(io.micrometer.core.instrument.binder.MeterBinder.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("openSandboxMeterBinder"));
	}

	private static String domain() {
		return "127.0.0.1:" + server.getPort();
	}

	private static void stubSandbox() {
		server.stubFor(get(urlEqualTo("/v1/sandboxes/abc")).willReturn(okJson(SANDBOX_JSON)));
	}

	private static LoggedRequest onlyRequest() {
		List<LoggedRequest> requests = server.findAll(getRequestedFor(urlEqualTo("/v1/sandboxes/abc")));
		assertThat(requests).hasSize(1);
		return requests.get(0);
	}

	private static ExchangeFilterFunction addHeader(String name, String value) {
		return (request, next) -> next
			.exchange(ClientRequest.from(request).headers((headers) -> headers.add(name, value)).build());
	}

	@Configuration(proxyBeanMethods = false)
	static class UserSandboxTemplateConfiguration {

		final SandboxTemplate template = org.mockito.Mockito.mock(SandboxTemplate.class);

		@Bean
		SandboxTemplate userSandboxTemplate() {
			return this.template;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserConnectionDetailsConfiguration {

		@Bean
		OpenSandboxConnectionDetails userConnectionDetails() {
			return new OpenSandboxConnectionDetails() {

				@Override
				public String getDomain() {
					return domain();
				}

				@Override
				public String getApiKey() {
					return "user-key";
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserConnectionConfiguration {

		@Bean
		OpenSandboxConnection userConnection() {
			return OpenSandboxConnection.builder(WebClient.builder()).domain("user.example:9999").build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserReactiveSandboxManagerConfiguration {

		final ReactiveSandboxManager manager = ReactiveSandboxManager
			.create(OpenSandboxConnection.builder(WebClient.builder()).domain("user.example:9999").build());

		@Bean
		ReactiveSandboxManager userReactiveSandboxManager() {
			return this.manager;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserSandboxManagerConfiguration {

		final SandboxManager manager = SandboxManager.of(ReactiveSandboxManager
			.create(OpenSandboxConnection.builder(WebClient.builder()).domain("user.example:9999").build()));

		@Bean
		SandboxManager userSandboxManager() {
			return this.manager;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OrderedCustomizersConfiguration {

		@Bean
		@Order(2)
		OpenSandboxWebClientCustomizer secondCustomizer() {
			return (builder) -> builder.filter(addHeader("X-Customizer", "second"));
		}

		@Bean
		@Order(1)
		OpenSandboxWebClientCustomizer firstCustomizer() {
			return (builder) -> builder.filter(addHeader("X-Customizer", "first"));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OpenSandboxCustomizerConfiguration {

		@Bean
		OpenSandboxWebClientCustomizer openSandboxHeaderCustomizer() {
			return (builder) -> builder.filter(addHeader("X-OpenSandbox", "yes"));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ApplicationWebClientCustomizerConfiguration {

		@Bean
		WebClientCustomizer applicationHeaderCustomizer() {
			return (builder) -> builder.defaultHeader("X-App", "app");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SharedWebClientBuilderConfiguration {

		@Bean
		WebClient.Builder sharedWebClientBuilder() {
			return WebClient.builder().defaultHeader("X-App", "app");
		}

	}

}
