package io.opensandbox.spring.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata IDEs show: every {@code opensandbox.*} property has a
 * description, and a default unless it is unset by default.
 *
 * @author OpenSandbox Spring Boot
 */
class ConfigurationMetadataTests {

	/** Properties that have no value unless the application sets one. */
	private static final Set<String> UNSET_BY_DEFAULT = Set.of("opensandbox.api-key", "opensandbox.execd.access-token",
			"opensandbox.endpoint-headers", "opensandbox.headers", "opensandbox.http.cookie-handling",
			"opensandbox.http.ssl.bundle", "opensandbox.proxy.host", "opensandbox.proxy.non-proxy-hosts",
			"opensandbox.pools", "opensandbox.proxy.password", "opensandbox.proxy.username", "opensandbox.sandbox.env",
			"opensandbox.sandbox.image", "opensandbox.sandbox.metadata", "opensandbox.sandbox.pool");

	@Test
	void everyPropertyHasADescriptionAndADefault() throws IOException {
		List<JsonNode> properties = openSandboxProperties();
		assertThat(properties).hasSizeGreaterThan(30);
		assertThat(properties).allSatisfy((property) -> {
			String name = property.get("name").asString();
			assertThat(property.path("description").asString("")).as(name).isNotBlank();
			if (!UNSET_BY_DEFAULT.contains(name)) {
				assertThat(property.has("defaultValue")).as(name + " has a default").isTrue();
			}
		});
	}

	@Test
	void inheritedHttpClientPropertiesAreDocumented() throws IOException {
		assertThat(openSandboxProperties())
			.filteredOn((property) -> property.get("name").asString().startsWith("opensandbox.http."))
			.extracting((property) -> property.get("name").asString())
			.contains("opensandbox.http.connect-timeout", "opensandbox.http.read-timeout", "opensandbox.http.redirects",
					"opensandbox.http.ssl.bundle");
	}

	private List<JsonNode> openSandboxProperties() throws IOException {
		JsonMapper mapper = JsonMapper.builder().build();
		List<JsonNode> result = new ArrayList<>();
		for (URL url : Collections
			.list(getClass().getClassLoader().getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				for (JsonNode property : mapper.readTree(in).path("properties")) {
					if (property.get("name").asString().startsWith("opensandbox.")) {
						result.add(property);
					}
				}
			}
		}
		return result;
	}

}
