package io.opensandbox.spring.autoconfigure.actuate;

import java.time.Duration;
import java.time.Instant;

import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.Configurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

import io.opensandbox.spring.actuate.SandboxesEndpoint;
import io.opensandbox.spring.actuate.SandboxesEndpoint.SandboxDescriptor;
import io.opensandbox.spring.autoconfigure.OpenSandboxAutoConfiguration;
import io.opensandbox.spring.core.OpenSandboxConnection;
import io.opensandbox.spring.core.ReactiveSandboxManager;
import io.opensandbox.spring.core.SandboxTracker;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link SandboxesEndpointAutoConfiguration}.
 *
 * @author OpenSandbox Spring Boot
 */
class SandboxesEndpointAutoConfigurationTests {

	private static final String EXPOSED = "management.endpoints.web.exposure.include=sandboxes";

	@RegisterExtension
	static final WireMockExtension server = WireMockExtension.newInstance()
		.options(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort())
		.build();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(OpenSandboxAutoConfiguration.class, SandboxesEndpointAutoConfiguration.class));

	@Test
	void autoConfigurationIsRegistered() {
		assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()))
			.contains(SandboxesEndpointAutoConfiguration.class.getName());
	}

	@Test
	void autoConfigurationIsOrderedAfterOpenSandboxAutoConfiguration() {
		Class<?>[] ordered = Configurations.getClasses(
				AutoConfigurations.of(SandboxesEndpointAutoConfiguration.class, OpenSandboxAutoConfiguration.class));
		assertThat(ordered).containsExactly(OpenSandboxAutoConfiguration.class,
				SandboxesEndpointAutoConfiguration.class);
	}

	@Test
	void endpointAndWebExtensionArePresentWhenExposedOverTheWeb() {
		this.contextRunner.withPropertyValues(EXPOSED)
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(SandboxesEndpoint.class)
				.hasSingleBean(SandboxesEndpoint.WebExtension.class));
	}

	@Test
	void endpointIsAbsentWhenNotExposed() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(SandboxTracker.class)
			.doesNotHaveBean(SandboxesEndpoint.class)
			.doesNotHaveBean(SandboxesEndpoint.WebExtension.class));
	}

	@Test
	void endpointIsAbsentWhenItsAccessIsNone() {
		this.contextRunner.withInitializer(SandboxesEndpointAutoConfigurationTests::useApplicationConversionService)
			.withPropertyValues(EXPOSED, "management.endpoint.sandboxes.access=none")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(SandboxesEndpoint.class)
				.doesNotHaveBean(SandboxesEndpoint.WebExtension.class));
	}

	@Test
	void endpointIsAbsentWhenAllEndpointsDefaultToNoAccess() {
		this.contextRunner.withInitializer(SandboxesEndpointAutoConfigurationTests::useApplicationConversionService)
			.withPropertyValues(EXPOSED, "management.endpoints.access.default=none")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SandboxesEndpoint.class));
	}

	@Test
	void endpointIsPresentWithoutWebExtensionWhenExposedOnlyOverJmx() {
		this.contextRunner
			.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=sandboxes")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(SandboxesEndpoint.class)
				.doesNotHaveBean(SandboxesEndpoint.WebExtension.class));
	}

	@Test
	void endpointIsAbsentWithoutTheActuator() {
		this.contextRunner.withPropertyValues(EXPOSED)
			.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(SandboxTracker.class)
				.doesNotHaveBean("sandboxesEndpoint")
				.doesNotHaveBean("sandboxesEndpointWebExtension"));
	}

	@Test
	void endpointIsAbsentWhenOpenSandboxIsDisabled() {
		this.contextRunner.withPropertyValues(EXPOSED, "opensandbox.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(SandboxTracker.class)
				.doesNotHaveBean(SandboxesEndpoint.class));
	}

	@Test
	void endpointIsAbsentWithoutASandboxManager() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SandboxesEndpointAutoConfiguration.class))
			.withBean(SandboxTracker.class)
			.withPropertyValues(EXPOSED)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SandboxesEndpoint.class));
	}

	@Test
	void endpointBacksOffToAUserEndpoint() {
		this.contextRunner.withPropertyValues(EXPOSED)
			.withUserConfiguration(UserEndpointConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(SandboxesEndpoint.class);
				assertThat(context.getBean(SandboxesEndpoint.class))
					.isSameAs(context.getBean(UserEndpointConfiguration.class).endpoint);
				assertThat(context.getBean(SandboxesEndpoint.WebExtension.class)).extracting("endpoint")
					.isSameAs(context.getBean(UserEndpointConfiguration.class).endpoint);
			});
	}

	@Test
	void webExtensionBacksOffToAUserWebExtension() {
		this.contextRunner.withPropertyValues(EXPOSED)
			.withUserConfiguration(UserWebExtensionConfiguration.class)
			.run((context) -> assertThat(context).getBean(SandboxesEndpoint.WebExtension.class)
				.isSameAs(context.getBean(UserWebExtensionConfiguration.class).extension));
	}

	@Test
	void endpointLooksUpStatesWithATwoSecondTimeout() {
		this.contextRunner.withPropertyValues(EXPOSED)
			.run((context) -> assertThat(context.getBean(SandboxesEndpoint.class)).extracting("stateTimeout")
				.isEqualTo(Duration.ofSeconds(2)));
	}

	@Test
	void endpointDescribesTheApplicationsTrackedSandboxesThroughTheConfiguredServer() {
		server.stubFor(get(urlEqualTo("/v1/sandboxes/sbx-1")).willReturn(
				okJson("""
						{"id":"sbx-1","status":{"state":"Running"},"entrypoint":["tail"],"createdAt":"2026-01-01T00:00:00Z"}""")));
		this.contextRunner
			.withPropertyValues(EXPOSED, "opensandbox.domain=127.0.0.1:" + server.getPort(),
					"opensandbox.cleanup.kill-on-shutdown=false")
			.run((context) -> {
				context.getBean(SandboxTracker.class)
					.track(new SandboxTracker.TrackedSandbox("sbx-1", "python:3.12", Instant.EPOCH, null, null, null));
				assertThat(context.getBean(SandboxesEndpoint.class).sandboxes().sandboxes())
					.extracting(SandboxDescriptor::id, SandboxDescriptor::state)
					.containsExactly(tuple("sbx-1", "Running"));
			});
	}

	/**
	 * Convert property values as a Spring Boot application does, so that access levels
	 * can be written in lower case ({@code none}).
	 */
	private static void useApplicationConversionService(ConfigurableApplicationContext context) {
		context.getEnvironment().setConversionService(new ApplicationConversionService());
	}

	private static ReactiveSandboxManager manager() {
		return ReactiveSandboxManager
			.create(OpenSandboxConnection.builder(WebClient.builder()).domain("127.0.0.1:1").build());
	}

	@Configuration(proxyBeanMethods = false)
	static class UserEndpointConfiguration {

		final SandboxesEndpoint endpoint = new SandboxesEndpoint(new SandboxTracker(), manager(),
				Duration.ofSeconds(5));

		@Bean
		SandboxesEndpoint userSandboxesEndpoint() {
			return this.endpoint;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserWebExtensionConfiguration {

		final SandboxesEndpoint.WebExtension extension = new SandboxesEndpoint.WebExtension(
				new SandboxesEndpoint(new SandboxTracker(), manager(), Duration.ofSeconds(5)));

		@Bean
		SandboxesEndpoint.WebExtension userSandboxesEndpointWebExtension() {
			return this.extension;
		}

	}

}
