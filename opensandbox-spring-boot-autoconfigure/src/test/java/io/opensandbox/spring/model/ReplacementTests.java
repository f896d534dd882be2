package io.opensandbox.spring.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Text replacements: execd rejects an empty text to replace, so it is rejected first.
 *
 * @author OpenSandbox Spring Boot
 */
class ReplacementTests {

	@Test
	void replacementMayBeEmptyToDeleteText() {
		assertThat(Replacement.of("DEBUG = True", "").newText()).isEmpty();
	}

	@Test
	void textToReplaceMustNotBeEmpty() {
		assertThatIllegalArgumentException().isThrownBy(() -> Replacement.of("", "x"));
	}

}
