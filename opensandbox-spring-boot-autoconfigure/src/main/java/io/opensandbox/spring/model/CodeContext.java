package io.opensandbox.spring.model;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * A code interpreter context: an interpreter process whose state (variables, imports)
 * persists between runs.
 *
 * @param id the context id, or {@code null} for a language's default context
 * @param language the language, for example {@code python}
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record CodeContext(@Nullable String id, String language) {

	/** Python. */
	public static final String PYTHON = "python";

	/** Bash. */
	public static final String BASH = "bash";

	/** Java. */
	public static final String JAVA = "java";

	/** Go. */
	public static final String GO = "go";

	/** JavaScript. */
	public static final String JAVASCRIPT = "javascript";

	/** TypeScript. */
	public static final String TYPESCRIPT = "typescript";

	public CodeContext {
		Assert.hasText(language, "Language must not be empty");
		Assert.isTrue(id == null || !id.isBlank(), "Context id must not be blank");
	}

	/**
	 * The default context of a language.
	 * @param language the language
	 * @return the context
	 */
	public static CodeContext ofLanguage(String language) {
		return new CodeContext(null, language);
	}

}
