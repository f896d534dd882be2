package io.opensandbox.spring.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.springframework.util.Assert;

/**
 * Which sandboxes a listing returns: any of the given states, and all of the given
 * metadata entries.
 *
 * @param states the states to match (any of them); empty matches every state
 * @param metadata the metadata entries to match (all of them)
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record SandboxFilter(Set<SandboxState> states, Map<String, String> metadata) {

	private static final SandboxFilter ALL = new SandboxFilter(Set.of(), Map.of());

	public SandboxFilter {
		states = Collections.unmodifiableSet(new LinkedHashSet<>(states));
		metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
	}

	/**
	 * A filter that matches every sandbox.
	 * @return the filter
	 */
	public static SandboxFilter all() {
		return ALL;
	}

	/**
	 * Return a copy that matches only sandboxes in one of the given states.
	 * @param states the states
	 * @return the filter
	 */
	public SandboxFilter withStates(SandboxState... states) {
		Set<SandboxState> merged = new LinkedHashSet<>(this.states);
		merged.addAll(Arrays.asList(states));
		return new SandboxFilter(merged, this.metadata);
	}

	/**
	 * Return a copy that also requires the given metadata entry.
	 * @param key the metadata key
	 * @param value the metadata value
	 * @return the filter
	 */
	public SandboxFilter withMetadata(String key, String value) {
		Assert.hasText(key, "'key' must not be empty");
		Assert.notNull(value, "'value' must not be null");
		Map<String, String> merged = new LinkedHashMap<>(this.metadata);
		merged.put(key, value);
		return new SandboxFilter(this.states, merged);
	}

}
