package io.opensandbox.spring.autoconfigure.health;

import java.time.Duration;

import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.AutoConfigureAfter;
import org.springframework.boot.context.annotation.Configurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.ReactiveHealthContributorRegistry;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.MergedAnnotations;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.autoconfigure.OpenSandboxAutoConfiguration;
import io.opensandbox.spring.core.OpenSandboxConnection;
import io.opensandbox.spring.health.OpenSandboxHealthIndicator;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link OpenSandboxHealthContributorAutoConfiguration}.
 *
 * @author OpenSandbox Spring Boot
 */
class OpenSandboxHealthContributorAutoConfigurationTests {

	private static final String BEAN_NAME = "opensandboxHealthIndicator";

	private static final String LIST_URL = "/v1/sandboxes?page=1&pageSize=1";

	private static final String EMPTY_PAGE = """
			{"items": [], "pagination": {"page": 1, "pageSize": 1, "totalItems": 0, "totalPages": 0,
			 "hasNextPage": false}}""";

	@RegisterExtension
	static final WireMockExtension server = WireMockExtension.newInstance()
		.options(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort())
		.build();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OpenSandboxAutoConfiguration.class,
				OpenSandboxHealthContributorAutoConfiguration.class));

	@Test
	void autoConfigurationIsRegistered() {
		assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()))
			.contains(OpenSandboxHealthContributorAutoConfiguration.class.getName());
	}

	@Test
	void autoConfigurationIsOrderedAfterOpenSandboxAutoConfiguration() {
		// Sorting by name alone would put it last too, so check the declared order
		Class<?>[] after = MergedAnnotations.from(OpenSandboxHealthContributorAutoConfiguration.class)
			.get(AutoConfigureAfter.class)
			.getClassArray("value");
		assertThat(after).contains(OpenSandboxAutoConfiguration.class);
		Class<?>[] ordered = Configurations.getClasses(AutoConfigurations
			.of(OpenSandboxHealthContributorAutoConfiguration.class, OpenSandboxAutoConfiguration.class));
		assertThat(ordered).containsExactly(OpenSandboxAutoConfiguration.class,
				OpenSandboxHealthContributorAutoConfiguration.class);
	}

	@Test
	void indicatorIsPresentByDefault() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(OpenSandboxHealthIndicator.class)
			.hasBean(BEAN_NAME));
	}

	@Test
	void indicatorIsRegisteredAsTheOpensandboxComponent() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(HealthContributorRegistryAutoConfiguration.class))
			.run((context) -> assertThat(
					context.getBean(ReactiveHealthContributorRegistry.class).getContributor("opensandbox"))
				.isSameAs(context.getBean(BEAN_NAME)));
	}

	@Test
	void indicatorChecksTheConfiguredServerWithTheConfiguredKey() {
		server.stubFor(get(urlEqualTo("/health")).willReturn(okJson("{\"status\":\"healthy\"}")));
		server.stubFor(get(urlEqualTo(LIST_URL)).withHeader("OPEN-SANDBOX-API-KEY", equalTo("health-key"))
			.willReturn(okJson(EMPTY_PAGE)));
		this.contextRunner
			.withPropertyValues("opensandbox.domain=127.0.0.1:" + server.getPort(), "opensandbox.api-key=health-key")
			.run((context) -> {
				Health health = context.getBean(OpenSandboxHealthIndicator.class).health().block(Duration.ofSeconds(5));
				assertThat(health).isNotNull();
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("domain", "http://127.0.0.1:" + server.getPort())
					.containsEntry("trackedSandboxes", 0);
			});
		server.verify(1, getRequestedFor(urlEqualTo(LIST_URL)));
	}

	@Test
	void startupMakesNoNetworkCall() {
		this.contextRunner.withPropertyValues("opensandbox.domain=127.0.0.1:" + server.getPort())
			.run((context) -> assertThat(context).hasSingleBean(OpenSandboxHealthIndicator.class));
		assertThat(server.getAllServeEvents()).isEmpty();
	}

	@Test
	void healthTimeoutIsApplied() {
		server
			.stubFor(get(urlEqualTo("/health")).willReturn(okJson("{\"status\":\"healthy\"}").withFixedDelay(10_000)));
		this.contextRunner
			.withPropertyValues("opensandbox.domain=127.0.0.1:" + server.getPort(), "opensandbox.health.timeout=250ms")
			.run((context) -> {
				Health health = context.getBean(OpenSandboxHealthIndicator.class).health().block(Duration.ofSeconds(3));
				assertThat(health).isNotNull();
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsEntry("reason", "No answer within 250 ms");
			});
	}

	@Test
	void indicatorIsAbsentWhenDisabled() {
		this.contextRunner.withPropertyValues("management.health.opensandbox.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(OpenSandboxConnection.class)
				.doesNotHaveBean(OpenSandboxHealthIndicator.class)
				.doesNotHaveBean(BEAN_NAME));
	}

	@Test
	void indicatorIsAbsentWhenDefaultIndicatorsAreDisabled() {
		this.contextRunner.withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(OpenSandboxHealthIndicator.class));
	}

	@Test
	void indicatorCanBeEnabledWhenDefaultIndicatorsAreDisabled() {
		this.contextRunner
			.withPropertyValues("management.health.defaults.enabled=false",
					"management.health.opensandbox.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(OpenSandboxHealthIndicator.class));
	}

	@Test
	void indicatorIsAbsentWithoutTheHealthModule() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ReactiveHealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(OpenSandboxConnection.class)
				.doesNotHaveBean(BEAN_NAME));
	}

	@Test
	void indicatorIsAbsentWhenOpenSandboxIsDisabled() {
		this.contextRunner.withPropertyValues("opensandbox.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(OpenSandboxConnection.class)
				.doesNotHaveBean(OpenSandboxHealthIndicator.class)
				.doesNotHaveBean(BEAN_NAME));
	}

	@Test
	void indicatorBacksOffToAUserIndicatorWithTheSameName() {
		this.contextRunner.withUserConfiguration(UserIndicatorConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(OpenSandboxHealthIndicator.class)
				.getBean(BEAN_NAME)
				.isSameAs(context.getBean(UserIndicatorConfiguration.class).indicator));
	}

	@Test
	void indicatorBacksOffToAUserContributorForTheSameComponent() {
		this.contextRunner.withUserConfiguration(UserContributorConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(OpenSandboxHealthIndicator.class)
				.hasBean("opensandboxHealthContributor"));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserIndicatorConfiguration {

		final ReactiveHealthIndicator indicator = () -> Mono.just(Health.up().build());

		@Bean
		ReactiveHealthIndicator opensandboxHealthIndicator() {
			return this.indicator;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserContributorConfiguration {

		@Bean
		ReactiveHealthIndicator opensandboxHealthContributor() {
			return () -> Mono.just(Health.up().build());
		}

	}

}
