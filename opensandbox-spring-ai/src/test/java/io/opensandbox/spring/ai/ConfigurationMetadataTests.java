package io.opensandbox.spring.ai;

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
 * The configuration metadata IDEs show for {@code opensandbox.ai.*}: every property has a
 * description, and a default unless it is empty by default.
 *
 * @author OpenSandbox Spring Boot
 */
class ConfigurationMetadataTests {

	private static final Set<String> EMPTY_BY_DEFAULT = Set.of("opensandbox.ai.env", "opensandbox.ai.allowed-hosts",
			"opensandbox.ai.pool");

	@Test
	void everyPropertyHasADescriptionAndADefault() throws IOException {
		List<JsonNode> properties = aiProperties();
		assertThat(properties).extracting((property) -> property.get("name").asString())
			.contains("opensandbox.ai.mode", "opensandbox.ai.max-sandboxes", "opensandbox.ai.idle-timeout",
					"opensandbox.ai.allowed-hosts", "opensandbox.ai.output-budget", "opensandbox.ai.resources");
		assertThat(properties).allSatisfy((property) -> {
			String name = property.get("name").asString();
			assertThat(property.path("description").asString("")).as(name).isNotBlank();
			if (!EMPTY_BY_DEFAULT.contains(name)) {
				assertThat(property.has("defaultValue")).as(name + " has a default").isTrue();
			}
		});
	}

	private List<JsonNode> aiProperties() throws IOException {
		JsonMapper mapper = JsonMapper.builder().build();
		List<JsonNode> result = new ArrayList<>();
		for (URL url : Collections
			.list(getClass().getClassLoader().getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				for (JsonNode property : mapper.readTree(in).path("properties")) {
					if (property.get("name").asString().startsWith("opensandbox.ai.")) {
						result.add(property);
					}
				}
			}
		}
		return result;
	}

}
