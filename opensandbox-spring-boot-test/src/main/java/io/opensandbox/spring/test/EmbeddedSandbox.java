package io.opensandbox.spring.test;

import java.nio.file.Path;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What a test may check of one sandbox held by an {@link EmbeddedOpenSandboxServer}.
 *
 * @param id the sandbox id
 * @param state the lifecycle state ({@code Pending}, {@code Running}, {@code Paused},
 * ...)
 * @param image the image name given at creation (recorded, never pulled)
 * @param metadata the sandbox metadata
 * @param directory the sandbox's directory on the host, or {@code null} before it exists
 * @param processCount how many processes run in the sandbox
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record EmbeddedSandbox(String id, String state, @Nullable String image, Map<String, String> metadata,
		@Nullable Path directory, int processCount) {

	public EmbeddedSandbox {
		metadata = Map.copyOf(metadata);
	}

}
