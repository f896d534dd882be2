package io.opensandbox.spring.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link SandboxSpec}.
 *
 * @author OpenSandbox Spring Boot
 */
class SandboxSpecTests {

	private static final SandboxSpec.RegistryAuth AUTH = new SandboxSpec.RegistryAuth("robot",
			"hunter2-registry-password");

	@Test
	void builderSetsEveryField() {
		NetworkPolicy policy = NetworkPolicy.denyByDefault(NetworkPolicy.Rule.allow("pypi.org"));
		SandboxSpec.Volume volume = SandboxSpec.Volume.host("data", "/srv/data", "/data");
		SandboxSpec spec = SandboxSpec.builder()
			.image("python:3.12", AUTH)
			.entrypoint("tail", "-f", "/dev/null")
			.timeout(Duration.ofMinutes(5))
			.resource("cpu", "1")
			.env("A", "1")
			.metadata("team", "ml")
			.networkPolicy(policy)
			.volume(volume)
			.extension("x", "y")
			.platform(SandboxSpec.Platform.linux("amd64"))
			.secureAccess(true)
			.build();
		assertThat(spec).isEqualTo(new SandboxSpec("python:3.12", AUTH, null, List.of("tail", "-f", "/dev/null"),
				Duration.ofMinutes(5), false, Map.of("cpu", "1"), Map.of("A", "1"), Map.of("team", "ml"), policy,
				List.of(volume), Map.of("x", "y"), new SandboxSpec.Platform("linux", "amd64"), true, null));
	}

	@Test
	void ofImageSetsOnlyTheImage() {
		SandboxSpec spec = SandboxSpec.ofImage("python:3.12");
		assertThat(spec).isEqualTo(SandboxSpec.builder().image("python:3.12").build());
		assertThat(spec.image()).isEqualTo("python:3.12");
		assertThat(spec.timeout()).isNull();
		assertThat(spec.entrypoint()).isEmpty();
		assertThat(spec.secureAccess()).isNull();
	}

	@Test
	void specIsACopyThatCannotBeChanged() {
		Map<String, String> env = new LinkedHashMap<>(Map.of("A", "1"));
		List<String> entrypoint = new ArrayList<>(List.of("sleep", "infinity"));
		SandboxSpec.Builder builder = SandboxSpec.builder().env(env).entrypoint(entrypoint);
		SandboxSpec spec = builder.build();
		env.put("B", "2");
		entrypoint.add("extra");
		builder.env("C", "3").metadata("k", "v");
		assertThat(spec.env()).containsExactly(Map.entry("A", "1"));
		assertThat(spec.entrypoint()).containsExactly("sleep", "infinity");
		assertThat(spec.metadata()).isEmpty();
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> spec.env().put("D", "4"));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> spec.entrypoint().add("x"));
	}

	@Test
	void mapsKeepTheirOrder() {
		SandboxSpec spec = SandboxSpec.builder()
			.resource("memory", "1Gi")
			.resource("cpu", "1")
			.resource("gpu", "0")
			.build();
		assertThat(spec.resourceLimits().keySet()).containsExactly("memory", "cpu", "gpu");
	}

	@Test
	void toBuilderStartsFromTheSpec() {
		SandboxSpec spec = SandboxSpec.builder()
			.image("python:3.12")
			.env("A", "1")
			.timeout(Duration.ofMinutes(2))
			.build();
		assertThat(spec.toBuilder().build()).isEqualTo(spec);
		assertThat(spec.toBuilder().env("B", "2").build().env()).containsOnlyKeys("A", "B");
	}

	@Test
	void blankImageIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> SandboxSpec.builder().image(" ").build())
			.withMessage("Sandbox image must not be blank");
	}

	@Test
	void blankSnapshotIdIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> SandboxSpec.builder().snapshot("").build())
			.withMessage("Sandbox snapshot id must not be blank");
	}

	@Test
	void imageAndSnapshotTogetherAreRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SandboxSpec("python:3.12", null, "snap-1", List.of(), null, false, Map.of(), Map.of(),
					Map.of(), null, List.of(), Map.of(), null, null, null))
			.withMessageContaining("an image or from a snapshot, not both");
	}

	@Test
	void imageReplacesSnapshotAndSnapshotReplacesImageAndCredentials() {
		SandboxSpec fromImage = SandboxSpec.builder().snapshot("snap-1").image("python:3.12").build();
		assertThat(fromImage.image()).isEqualTo("python:3.12");
		assertThat(fromImage.snapshotId()).isNull();
		SandboxSpec fromSnapshot = SandboxSpec.builder().image("python:3.12", AUTH).snapshot("snap-1").build();
		assertThat(fromSnapshot.snapshotId()).isEqualTo("snap-1");
		assertThat(fromSnapshot.image()).isNull();
		assertThat(fromSnapshot.imageAuth()).isNull();
	}

	@Test
	void registryCredentialsWithoutImageAreRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SandboxSpec(null, AUTH, "snap-1", List.of(), null, false, Map.of(), Map.of(),
					Map.of(), null, List.of(), Map.of(), null, null, null))
			.withMessage("Registry credentials need an image");
	}

	@Test
	void timeoutBelowSixtySecondsIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> SandboxSpec.builder().timeout(Duration.ofSeconds(59)).build())
			.withMessage("Sandbox timeout must be at least 60 seconds, not PT59S");
	}

	@Test
	void timeoutOfSixtySecondsIsAccepted() {
		assertThat(SandboxSpec.builder().timeout(Duration.ofSeconds(60)).build().timeout())
			.isEqualTo(SandboxSpec.MINIMUM_TIMEOUT);
	}

	@Test
	void timeoutWithNoExpiryIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SandboxSpec("python:3.12", null, null, List.of(), Duration.ofMinutes(5), true,
					Map.of(), Map.of(), Map.of(), null, List.of(), Map.of(), null, null, null))
			.withMessage("A sandbox cannot have both a timeout and no expiry");
	}

	@Test
	void timeoutAndNoExpiryReplaceEachOther() {
		SandboxSpec noExpiry = SandboxSpec.builder().timeout(Duration.ofMinutes(5)).noExpiry().build();
		assertThat(noExpiry.noExpiry()).isTrue();
		assertThat(noExpiry.timeout()).isNull();
		SandboxSpec timeout = SandboxSpec.builder().noExpiry().timeout(Duration.ofMinutes(5)).build();
		assertThat(timeout.noExpiry()).isFalse();
		assertThat(timeout.timeout()).isEqualTo(Duration.ofMinutes(5));
	}

	@Test
	void nullMapValuesAreRejected() {
		Map<String, String> env = new HashMap<>();
		env.put("TOKEN", null);
		assertThatIllegalArgumentException().isThrownBy(() -> SandboxSpec.builder().env(env).build())
			.withMessageContaining("Map entries must not be null");
	}

	@Test
	void nullEntrypointPartIsRejected() {
		List<String> entrypoint = new ArrayList<>();
		entrypoint.add("sleep");
		entrypoint.add(null);
		assertThatIllegalArgumentException().isThrownBy(() -> SandboxSpec.builder().entrypoint(entrypoint).build())
			.withMessage("Entrypoint must not contain null");
	}

	@Test
	void withDefaultsTakesEveryUnsetFieldFromTheDefaults() {
		NetworkPolicy policy = NetworkPolicy.allowByDefault(NetworkPolicy.Rule.deny("evil.example"));
		SandboxSpec.Volume volume = SandboxSpec.Volume.pvc("cache", "cache-claim", "/cache");
		SandboxSpec defaults = SandboxSpec.builder()
			.image("python:3.12", AUTH)
			.entrypoint("tail", "-f", "/dev/null")
			.timeout(Duration.ofMinutes(10))
			.resource("cpu", "1")
			.env("A", "1")
			.metadata("team", "ml")
			.networkPolicy(policy)
			.volume(volume)
			.extension("x", "y")
			.platform(SandboxSpec.Platform.linux("arm64"))
			.secureAccess(true)
			.build();
		assertThat(SandboxSpec.builder().build().withDefaults(defaults)).isEqualTo(defaults);
	}

	@Test
	void withDefaultsKeepsEveryFieldTheSpecSets() {
		NetworkPolicy policy = NetworkPolicy.denyByDefault();
		SandboxSpec.Volume volume = SandboxSpec.Volume.host("own", "/srv/own", "/own");
		SandboxSpec spec = SandboxSpec.builder()
			.image("node:22")
			.entrypoint("node", "server.js")
			.timeout(Duration.ofMinutes(3))
			.networkPolicy(policy)
			.volume(volume)
			.platform(SandboxSpec.Platform.linux("amd64"))
			.secureAccess(false)
			.build();
		SandboxSpec defaults = SandboxSpec.builder()
			.image("python:3.12", AUTH)
			.entrypoint("tail", "-f", "/dev/null")
			.timeout(Duration.ofMinutes(10))
			.networkPolicy(NetworkPolicy.allowByDefault())
			.volume(SandboxSpec.Volume.host("default", "/srv/default", "/default"))
			.platform(SandboxSpec.Platform.linux("arm64"))
			.secureAccess(true)
			.build();
		SandboxSpec merged = spec.withDefaults(defaults);
		assertThat(merged).isEqualTo(spec);
	}

	@Test
	void withDefaultsMergesMapsWithTheSpecWinning() {
		SandboxSpec spec = SandboxSpec.builder()
			.resource("memory", "4Gi")
			.env("MODE", "spec")
			.metadata("owner", "alice")
			.extension("e", "spec")
			.build();
		SandboxSpec defaults = SandboxSpec.builder()
			.resource("cpu", "1")
			.resource("memory", "512Mi")
			.env("MODE", "default")
			.env("LANG", "C.UTF-8")
			.metadata("team", "ml")
			.extension("e", "default")
			.extension("d", "default")
			.build();
		SandboxSpec merged = spec.withDefaults(defaults);
		assertThat(merged.resourceLimits()).containsExactlyInAnyOrderEntriesOf(Map.of("cpu", "1", "memory", "4Gi"));
		assertThat(merged.env()).containsExactlyInAnyOrderEntriesOf(Map.of("MODE", "spec", "LANG", "C.UTF-8"));
		assertThat(merged.metadata()).containsExactlyInAnyOrderEntriesOf(Map.of("owner", "alice", "team", "ml"));
		assertThat(merged.extensions()).containsExactlyInAnyOrderEntriesOf(Map.of("e", "spec", "d", "default"));
	}

	@Test
	void withDefaultsTakesImageAndCredentialsAsAUnit() {
		SandboxSpec spec = SandboxSpec.builder().image("public/python:3.12").build();
		SandboxSpec defaults = SandboxSpec.builder().image("private/python:3.12", AUTH).build();
		SandboxSpec merged = spec.withDefaults(defaults);
		assertThat(merged.image()).isEqualTo("public/python:3.12");
		assertThat(merged.imageAuth()).isNull();
	}

	@Test
	void withDefaultsKeepsTheSnapshotOverADefaultImage() {
		SandboxSpec spec = SandboxSpec.builder().snapshot("snap-1").build();
		SandboxSpec defaults = SandboxSpec.builder().image("python:3.12", AUTH).build();
		SandboxSpec merged = spec.withDefaults(defaults);
		assertThat(merged.snapshotId()).isEqualTo("snap-1");
		assertThat(merged.image()).isNull();
		assertThat(merged.imageAuth()).isNull();
	}

	@Test
	void withDefaultsLeavesASnapshotItsOwnEntrypoint() {
		SandboxSpec defaults = SandboxSpec.builder().entrypoint("tail", "-f", "/dev/null").build();
		assertThat(SandboxSpec.builder().snapshot("snap-1").build().withDefaults(defaults).entrypoint()).isEmpty();
		assertThat(SandboxSpec.builder()
			.snapshot("snap-1")
			.entrypoint("python", "app.py")
			.build()
			.withDefaults(defaults)
			.entrypoint()).containsExactly("python", "app.py");
		assertThat(SandboxSpec.ofImage("python:3.12").withDefaults(defaults).entrypoint()).containsExactly("tail", "-f",
				"/dev/null");
	}

	@Test
	void withDefaultsKeepsTheImageOverADefaultSnapshot() {
		SandboxSpec spec = SandboxSpec.builder().image("python:3.12").build();
		SandboxSpec defaults = SandboxSpec.builder().snapshot("snap-1").build();
		SandboxSpec merged = spec.withDefaults(defaults);
		assertThat(merged.image()).isEqualTo("python:3.12");
		assertThat(merged.snapshotId()).isNull();
	}

	@Test
	void withDefaultsTakesADefaultSnapshotWhenTheSpecHasNoSource() {
		SandboxSpec defaults = SandboxSpec.builder().snapshot("snap-1").build();
		SandboxSpec merged = SandboxSpec.builder().build().withDefaults(defaults);
		assertThat(merged.snapshotId()).isEqualTo("snap-1");
		assertThat(merged.image()).isNull();
	}

	@Test
	void withDefaultsKeepsNoExpiryOverADefaultTimeout() {
		SandboxSpec spec = SandboxSpec.builder().noExpiry().build();
		SandboxSpec defaults = SandboxSpec.builder().timeout(Duration.ofMinutes(10)).build();
		SandboxSpec merged = spec.withDefaults(defaults);
		assertThat(merged.noExpiry()).isTrue();
		assertThat(merged.timeout()).isNull();
	}

	@Test
	void withDefaultsTakesDefaultNoExpiryWhenTheSpecSaysNothing() {
		SandboxSpec merged = SandboxSpec.builder().build().withDefaults(SandboxSpec.builder().noExpiry().build());
		assertThat(merged.noExpiry()).isTrue();
		assertThat(merged.timeout()).isNull();
	}

	@Test
	void withDefaultsKeepsAnExplicitSecureAccessOfFalse() {
		SandboxSpec merged = SandboxSpec.builder()
			.secureAccess(false)
			.build()
			.withDefaults(SandboxSpec.builder().secureAccess(true).build());
		assertThat(merged.secureAccess()).isFalse();
	}

	@Test
	void withDefaultsDoesNotChangeEitherSpec() {
		SandboxSpec spec = SandboxSpec.builder().env("A", "1").build();
		SandboxSpec defaults = SandboxSpec.builder().env("B", "2").build();
		spec.withDefaults(defaults);
		assertThat(spec.env()).containsOnlyKeys("A");
		assertThat(defaults.env()).containsOnlyKeys("B");
	}

	@Test
	void toStringShowsEnvironmentNamesButNotValues() {
		SandboxSpec spec = SandboxSpec.builder()
			.image("python:3.12")
			.env("OPENAI_API_KEY", "sk-env-secret-value")
			.build();
		assertThat(spec.toString()).contains("OPENAI_API_KEY").doesNotContain("sk-env-secret-value");
	}

	@Test
	void toStringShowsExtensionNamesButNotValues() {
		SandboxSpec spec = SandboxSpec.builder().extension("vault.token", "extension-secret-value").build();
		assertThat(spec.toString()).contains("vault.token").doesNotContain("extension-secret-value");
	}

	@Test
	void toStringDoesNotShowTheRegistryPassword() {
		SandboxSpec spec = SandboxSpec.builder().image("private/python:3.12", AUTH).build();
		assertThat(spec.toString()).contains("private/python:3.12").doesNotContain("hunter2-registry-password");
		assertThat(AUTH.toString()).contains("robot").contains("******").doesNotContain("hunter2-registry-password");
	}

	@Test
	void toStringDoesNotShowTheOssfsSecret() {
		SandboxSpec.Volume.Ossfs ossfs = new SandboxSpec.Volume.Ossfs("my-bucket", "oss-cn-hangzhou.aliyuncs.com", null,
				List.of(), "AKID", "oss-secret-value");
		SandboxSpec.Volume volume = new SandboxSpec.Volume("bucket", "/mnt/oss", false, null, null, null, ossfs);
		SandboxSpec spec = SandboxSpec.builder().volume(volume).build();
		assertThat(spec.toString()).contains("my-bucket").doesNotContain("oss-secret-value");
	}

	@Test
	void registryAuthNeedsUsernameAndPassword() {
		assertThatIllegalArgumentException().isThrownBy(() -> new SandboxSpec.RegistryAuth("", "p"));
		assertThatIllegalArgumentException().isThrownBy(() -> new SandboxSpec.RegistryAuth("u", " "));
	}

}
