package io.opensandbox.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link InvalidOpenSandboxPropertyException} at startup: which property,
 * which value, what is wrong, and what to change.
 *
 * @author OpenSandbox Spring Boot
 */
class InvalidOpenSandboxPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidOpenSandboxPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidOpenSandboxPropertyException cause) {
		String value = (cause.getValue() != null) ? "'" + cause.getValue() + "'" : "(unset)";
		String description = String.format(
				"Invalid OpenSandbox configuration:%n%n    Property: %s%n    Value: %s%n" + "    Reason: %s%n",
				cause.getProperty(), value, cause.getReason());
		return new FailureAnalysis(description, cause.getAction(), cause);
	}

}
