package io.opensandbox.spring.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * An {@code opensandbox.*} property (or one of the environment variables it falls back
 * to) has a value the library cannot work with. Reported at startup by
 * {@link InvalidOpenSandboxPropertyFailureAnalyzer}. Never carries a secret value.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class InvalidOpenSandboxPropertyException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final String property;

	private final @Nullable String value;

	private final String reason;

	private final String action;

	/**
	 * Create a new exception.
	 * @param property the property name, for example {@code opensandbox.domain}
	 * @param value the offending value as text (never a secret), or {@code null} if unset
	 * @param reason what is wrong with it
	 * @param action how to fix it
	 */
	public InvalidOpenSandboxPropertyException(String property, @Nullable String value, String reason, String action) {
		super("Invalid value " + ((value != null) ? "'" + value + "'" : "(unset)") + " for '" + property + "': "
				+ reason);
		this.property = property;
		this.value = value;
		this.reason = reason;
		this.action = action;
	}

	/**
	 * The property name.
	 * @return the name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * The offending value.
	 * @return the value, or {@code null} if unset
	 */
	public @Nullable String getValue() {
		return this.value;
	}

	/**
	 * What is wrong with the value.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

	/**
	 * How to fix it.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}
