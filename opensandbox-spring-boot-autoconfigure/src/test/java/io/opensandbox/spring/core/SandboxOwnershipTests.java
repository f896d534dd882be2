package io.opensandbox.spring.core;

import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link SandboxOwnership}.
 *
 * @author OpenSandbox Spring Boot
 */
class SandboxOwnershipTests {

	/** A valid label value: at most 63 characters, alphanumeric at both ends. */
	private static final Pattern LABEL_VALUE = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?");

	@Test
	void validApplicationNameIsKept() {
		assertThat(SandboxOwnership.forApplication("my-app").application()).isEqualTo("my-app");
		assertThat(SandboxOwnership.forApplication("My_App.v2").application()).isEqualTo("My_App.v2");
	}

	@Test
	void spacesBecomeDashes() {
		assertThat(SandboxOwnership.forApplication("my order service").application()).isEqualTo("my-order-service");
	}

	@Test
	void nonAsciiCharactersBecomeDashes() {
		String application = SandboxOwnership.forApplication("café über").application();
		assertThat(application).isEqualTo("caf---ber");
		assertThat(application).matches(LABEL_VALUE);
		assertThat(SandboxOwnership.forApplication("应用 app").application()).isEqualTo("app");
	}

	@Test
	void leadingAndTrailingPunctuationIsRemoved() {
		assertThat(SandboxOwnership.forApplication("--my.app__").application()).isEqualTo("my.app");
		assertThat(SandboxOwnership.forApplication("  (my app)!  ").application()).isEqualTo("my-app");
		assertThat(SandboxOwnership.forApplication(".hidden.").application()).isEqualTo("hidden");
	}

	@Test
	void longNameIsTruncatedTo63Characters() {
		String application = SandboxOwnership.forApplication("a".repeat(100)).application();
		assertThat(application).isEqualTo("a".repeat(63));
	}

	@Test
	void truncationThatEndsOnPunctuationStillGivesAValidValue() {
		String application = SandboxOwnership.forApplication("a".repeat(62) + "-bcdef").application();
		assertThat(application).isEqualTo("a".repeat(62));
		assertThat(application).matches(LABEL_VALUE);
	}

	@Test
	void emptyOrPunctuationOnlyNameBecomesApplication() {
		assertThat(SandboxOwnership.forApplication("").application()).isEqualTo("application");
		assertThat(SandboxOwnership.forApplication("   ").application()).isEqualTo("application");
		assertThat(SandboxOwnership.forApplication("--__..").application()).isEqualTo("application");
		assertThat(SandboxOwnership.forApplication("日本").application()).isEqualTo("application");
	}

	@Test
	void everyApplicationValueIsAValidLabelValue() {
		String[] names = { "my app", "x", "a".repeat(200), " (weird) / name ", "äöü-ÄÖÜ", "1.2.3", "-_-a-_-",
				"app\tname\n", "emoji 😀 app" };
		for (String name : names) {
			assertThat(SandboxOwnership.forApplication(name).application()).as(name).matches(LABEL_VALUE);
		}
	}

	@Test
	void instanceIdIs32HexCharactersAndDiffersBetweenCalls() {
		SandboxOwnership first = SandboxOwnership.forApplication("my-app");
		SandboxOwnership second = SandboxOwnership.forApplication("my-app");
		assertThat(first.instance()).matches("[0-9a-f]{32}");
		assertThat(second.instance()).matches("[0-9a-f]{32}");
		assertThat(first.instance()).isNotEqualTo(second.instance());
	}

	@Test
	void metadataHasExactlyTheApplicationAndInstanceKeys() {
		SandboxOwnership ownership = SandboxOwnership.forApplication("my app");
		assertThat(ownership.metadata()).containsOnlyKeys(SandboxOwnership.APPLICATION_KEY,
				SandboxOwnership.INSTANCE_KEY);
		assertThat(ownership.metadata()).containsEntry(SandboxOwnership.APPLICATION_KEY, "my-app")
			.containsEntry(SandboxOwnership.INSTANCE_KEY, ownership.instance());
	}

	@Test
	void metadataKeysAreNotInTheServersReservedPrefix() {
		assertThat(SandboxOwnership.APPLICATION_KEY).doesNotStartWith("opensandbox.io/");
		assertThat(SandboxOwnership.INSTANCE_KEY).doesNotStartWith("opensandbox.io/");
		assertThat(SandboxOwnership.forApplication("my-app").metadata().keySet())
			.noneMatch((key) -> key.startsWith("opensandbox.io/"));
	}

	@Test
	void ownershipNeedsAnApplicationAndAnInstance() {
		assertThatIllegalArgumentException().isThrownBy(() -> new SandboxOwnership("", "abc"));
		assertThatIllegalArgumentException().isThrownBy(() -> new SandboxOwnership("my-app", " "));
	}

}
