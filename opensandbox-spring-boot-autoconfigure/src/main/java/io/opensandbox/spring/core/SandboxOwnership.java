package io.opensandbox.spring.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.springframework.util.Assert;

/**
 * Metadata naming who created a sandbox: the application and this running instance of it,
 * so operators (and the orphan sweep) can find an application's sandboxes. The keys use a
 * prefix of this library's own, not the server's reserved {@code opensandbox.io/}, and
 * values are made to fit the server's label rules.
 *
 * @param application the application name, as a label value
 * @param instance the id of this application instance
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record SandboxOwnership(String application, String instance) {

	/** Metadata key holding the application name. */
	public static final String APPLICATION_KEY = "opensandbox-spring-boot/application";

	/** Metadata key holding the application instance id. */
	public static final String INSTANCE_KEY = "opensandbox-spring-boot/instance";

	private static final int MAX_VALUE_LENGTH = 63;

	public SandboxOwnership {
		Assert.hasText(application, "'application' must not be empty");
		Assert.hasText(instance, "'instance' must not be empty");
	}

	/**
	 * Ownership for an application, with a new random instance id.
	 * @param applicationName the application name (any text; it is made label-safe)
	 * @return the ownership
	 */
	public static SandboxOwnership forApplication(String applicationName) {
		return new SandboxOwnership(labelValue(applicationName), UUID.randomUUID().toString().replace("-", ""));
	}

	/**
	 * The metadata entries to add to every created sandbox.
	 * @return the entries
	 */
	public Map<String, String> metadata() {
		Map<String, String> metadata = new LinkedHashMap<>();
		metadata.put(APPLICATION_KEY, this.application);
		metadata.put(INSTANCE_KEY, this.instance);
		return metadata;
	}

	/**
	 * Turn any text into a valid label value: letters, digits, '-', '_' and '.', starting
	 * and ending with a letter or digit, at most 63 characters.
	 * @param text the text
	 * @return the label value, {@code application} if nothing valid remains
	 */
	static String labelValue(String text) {
		String value = text.replaceAll("[^A-Za-z0-9._-]", "-");
		if (value.length() > MAX_VALUE_LENGTH) {
			value = value.substring(0, MAX_VALUE_LENGTH);
		}
		value = value.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
		return value.isEmpty() ? "application" : value;
	}

}
