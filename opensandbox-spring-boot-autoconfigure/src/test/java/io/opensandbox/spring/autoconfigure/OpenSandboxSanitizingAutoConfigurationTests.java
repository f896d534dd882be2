package io.opensandbox.spring.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.context.properties.ConfigurationPropertiesReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint.ConfigurationPropertiesBeanDescriptor;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.actuate.env.EnvironmentEndpoint.EnvironmentEntryDescriptor;
import org.springframework.boot.actuate.env.EnvironmentEndpoint.PropertySummaryDescriptor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link OpenSandboxSanitizingAutoConfiguration}.
 *
 * @author OpenSandbox Spring Boot
 */
class OpenSandboxSanitizingAutoConfigurationTests {

	private static final String MASK = "******";

	private static final String API_KEY = "sk-actuator-secret-key";

	private static final String VARIABLE_API_KEY = "sk-actuator-variable-key";

	private static final String PROXY_PASSWORD = "proxy-actuator-secret";

	private static final String SANDBOX_TOKEN = "ghp-sandbox-env-token";

	private static final String EXECD_TOKEN = "execd-actuator-token";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(OpenSandboxAutoConfiguration.class, OpenSandboxSanitizingAutoConfiguration.class,
						ConfigurationPropertiesReportEndpointAutoConfiguration.class,
						EnvironmentEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=configprops,env",
				"management.endpoint.configprops.show-values=always", "management.endpoint.env.show-values=always",
				"opensandbox.domain=sandbox.example.com", "opensandbox.api-key=" + API_KEY,
				"OPEN_SANDBOX_API_KEY=" + VARIABLE_API_KEY, "opensandbox.proxy.host=proxy.example.com",
				"opensandbox.proxy.username=proxy-user", "opensandbox.proxy.password=" + PROXY_PASSWORD,
				"opensandbox.sandbox.env.GITHUB_TOKEN=" + SANDBOX_TOKEN,
				"opensandbox.execd.access-token=" + EXECD_TOKEN);

	@Test
	void autoConfigurationIsRegistered() {
		assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()))
			.contains(OpenSandboxSanitizingAutoConfiguration.class.getName());
	}

	@Test
	void sanitizingFunctionIsPresentWithActuator() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(SanitizingFunction.class));
	}

	@Test
	void noSanitizingFunctionWithoutActuator() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OpenSandboxSanitizingAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(SanitizingFunction.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SanitizingFunction.class));
	}

	@Test
	void configpropsMasksTheApiKey() {
		this.contextRunner.run((context) -> {
			Map<String, Object> properties = openSandboxConfigurationProperties(context).getProperties();
			assertThat(properties).containsEntry("apiKey", MASK);
		});
	}

	@Test
	void configpropsMasksTheProxyPassword() {
		this.contextRunner.run((context) -> {
			Map<String, Object> proxy = nested(openSandboxConfigurationProperties(context).getProperties(), "proxy");
			assertThat(proxy).containsEntry("password", MASK).containsEntry("username", "proxy-user");
		});
	}

	@Test
	void configpropsMasksSandboxEnvironmentValues() {
		this.contextRunner.run((context) -> {
			Map<String, Object> sandbox = nested(openSandboxConfigurationProperties(context).getProperties(),
					"sandbox");
			assertThat(nested(sandbox, "env")).containsEntry("GITHUB_TOKEN", MASK);
		});
	}

	@Test
	void configpropsMasksTheExecdAccessToken() {
		this.contextRunner.run((context) -> {
			Map<String, Object> execd = nested(openSandboxConfigurationProperties(context).getProperties(), "execd");
			assertThat(execd).containsEntry("accessToken", MASK);
		});
	}

	@Test
	void configpropsInputsMaskSecrets() {
		this.contextRunner.run((context) -> {
			Map<String, Object> inputs = openSandboxConfigurationProperties(context).getInputs();
			assertThat(nested(inputs, "apiKey")).containsEntry("value", MASK);
			assertThat(nested(nested(inputs, "proxy"), "password")).containsEntry("value", MASK);
			assertThat(nested(nested(nested(inputs, "sandbox"), "env"), "GITHUB_TOKEN")).containsEntry("value", MASK);
		});
	}

	@Test
	void configpropsShowsTheDomain() {
		this.contextRunner.run((context) -> {
			ConfigurationPropertiesBeanDescriptor descriptor = openSandboxConfigurationProperties(context);
			assertThat(descriptor.getProperties()).containsEntry("domain", "sandbox.example.com");
			assertThat(nested(descriptor.getInputs(), "domain")).containsEntry("value", "sandbox.example.com");
		});
	}

	@Test
	void configpropsNeverShowsASecret() {
		this.contextRunner.run((context) -> {
			ConfigurationPropertiesBeanDescriptor descriptor = openSandboxConfigurationProperties(context);
			String shown = descriptor.getProperties() + " " + descriptor.getInputs();
			assertThat(shown).contains("sandbox.example.com")
				.doesNotContain(API_KEY)
				.doesNotContain(VARIABLE_API_KEY)
				.doesNotContain(PROXY_PASSWORD)
				.doesNotContain(SANDBOX_TOKEN)
				.doesNotContain(EXECD_TOKEN);
		});
	}

	@Test
	void envMasksTheApiKeyProperty() {
		this.contextRunner.run((context) -> assertThat(envValue(context, "opensandbox.api-key")).isEqualTo(MASK));
	}

	@Test
	void envMasksTheApiKeyVariable() {
		this.contextRunner.run((context) -> assertThat(envValue(context, "OPEN_SANDBOX_API_KEY")).isEqualTo(MASK));
	}

	@Test
	void envMasksTheProxyPassword() {
		this.contextRunner
			.run((context) -> assertThat(envValue(context, "opensandbox.proxy.password")).isEqualTo(MASK));
	}

	@Test
	void envMasksSandboxEnvironmentValues() {
		this.contextRunner
			.run((context) -> assertThat(envValue(context, "opensandbox.sandbox.env.GITHUB_TOKEN")).isEqualTo(MASK));
	}

	@Test
	void envMasksTheExecdAccessToken() {
		this.contextRunner
			.run((context) -> assertThat(envValue(context, "opensandbox.execd.access-token")).isEqualTo(MASK));
	}

	@Test
	void envMasksRelaxedFormsOfTheSecrets() {
		this.contextRunner
			.withPropertyValues("OPENSANDBOX_APIKEY=" + API_KEY, "opensandbox.apiKey=" + API_KEY,
					"OPENSANDBOX_PROXY_PASSWORD=" + PROXY_PASSWORD, "OPENSANDBOX_SANDBOX_ENV_TOKEN=" + SANDBOX_TOKEN)
			.run((context) -> {
				assertThat(envValue(context, "OPENSANDBOX_APIKEY")).isEqualTo(MASK);
				assertThat(envValue(context, "opensandbox.apiKey")).isEqualTo(MASK);
				assertThat(envValue(context, "OPENSANDBOX_PROXY_PASSWORD")).isEqualTo(MASK);
				assertThat(envValue(context, "OPENSANDBOX_SANDBOX_ENV_TOKEN")).isEqualTo(MASK);
			});
	}

	@Test
	void envShowsTheDomainAndProxyUser() {
		this.contextRunner.run((context) -> {
			assertThat(envValue(context, "opensandbox.domain")).isEqualTo("sandbox.example.com");
			assertThat(envValue(context, "opensandbox.proxy.username")).isEqualTo("proxy-user");
		});
	}

	@Test
	void envNeverShowsASecret() {
		this.contextRunner.run((context) -> {
			List<String> shown = new ArrayList<>();
			context.getBean(EnvironmentEndpoint.class)
				.environment("(?i).*sandbox.*")
				.getPropertySources()
				.forEach((source) -> source.getProperties()
					.forEach((name, value) -> shown.add(name + "=" + value.getValue())));
			assertThat(shown).contains("opensandbox.domain=sandbox.example.com")
				.allSatisfy((entry) -> assertThat(entry).doesNotContain(API_KEY)
					.doesNotContain(VARIABLE_API_KEY)
					.doesNotContain(PROXY_PASSWORD)
					.doesNotContain(SANDBOX_TOKEN)
					.doesNotContain(EXECD_TOKEN));
		});
	}

	private static ConfigurationPropertiesBeanDescriptor openSandboxConfigurationProperties(
			AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		return context.getBean(ConfigurationPropertiesReportEndpoint.class)
			.configurationPropertiesWithPrefix("opensandbox")
			.getContexts()
			.values()
			.stream()
			.flatMap((contextDescriptor) -> contextDescriptor.getBeans().values().stream())
			.filter((bean) -> bean.getPrefix().equals("opensandbox"))
			.findFirst()
			.orElseThrow();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> nested(Map<String, Object> map, String key) {
		assertThat(map).containsKey(key);
		return (Map<String, Object>) map.get(key);
	}

	private static Object envValue(AssertableApplicationContext context, String name) {
		assertThat(context).hasNotFailed();
		EnvironmentEntryDescriptor entry = context.getBean(EnvironmentEndpoint.class).environmentEntry(name);
		PropertySummaryDescriptor summary = entry.getProperty();
		assertThat(summary).as(name).isNotNull();
		return summary.getValue();
	}

}
