package io.opensandbox.spring.model;

import org.springframework.util.Assert;

/**
 * A text replacement in a file: every occurrence of {@code oldText} becomes
 * {@code newText}, like {@code String.replace}. The file's permissions are kept.
 *
 * @param oldText the text to replace; never empty, since execd rejects an empty one
 * @param newText the replacement, possibly empty
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record Replacement(String oldText, String newText) {

	public Replacement {
		Assert.hasLength(oldText, "The text to replace must not be empty");
		Assert.notNull(newText, "The replacement must not be null (use \"\" to delete)");
	}

	/**
	 * Replace every occurrence of a text.
	 * @param oldText the text to replace
	 * @param newText the replacement
	 * @return the replacement
	 */
	public static Replacement of(String oldText, String newText) {
		return new Replacement(oldText, newText);
	}

}
