package io.opensandbox.spring.autoconfigure;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Masks OpenSandbox credentials in the {@code configprops} and {@code env} actuator
 * endpoints, also when they are configured to show values: the API key (as a property and
 * as the {@code OPEN_SANDBOX_API_KEY} variable), the proxy password, the execd access
 * token, the extra request headers (which often carry credentials), and the default
 * sandbox environment variables, which often carry tokens.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public final class OpenSandboxSanitizingAutoConfiguration {

	/**
	 * Secret keys with case, dots, dashes and underscores removed, so that
	 * {@code opensandbox.api-key}, {@code opensandbox.apiKey}, {@code OPENSANDBOX_APIKEY}
	 * and {@code OPEN_SANDBOX_API_KEY} all match.
	 */
	private static final Set<String> SECRET_KEYS = Set.of("opensandboxapikey", "opensandboxproxypassword",
			"opensandboxexecdaccesstoken");

	private static final List<String> SECRET_PREFIXES = List.of("opensandboxsandboxenv", "opensandboxheaders",
			"opensandboxendpointheaders");

	@Bean
	SanitizingFunction openSandboxSanitizingFunction() {
		return (data) -> isSecret(data.getKey()) ? data.withValue(SanitizableData.SANITIZED_VALUE) : data;
	}

	static boolean isSecret(String key) {
		String normalized = key.toLowerCase(Locale.ROOT).replaceAll("[-_.\\[\\]]", "");
		return SECRET_KEYS.contains(normalized) || SECRET_PREFIXES.stream().anyMatch(normalized::startsWith);
	}

}
