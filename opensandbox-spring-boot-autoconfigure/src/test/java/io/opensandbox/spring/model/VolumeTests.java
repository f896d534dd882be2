package io.opensandbox.spring.model;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link SandboxSpec.Volume}.
 *
 * @author OpenSandbox Spring Boot
 */
class VolumeTests {

	private static final SandboxSpec.Volume.Host HOST = new SandboxSpec.Volume.Host("/srv/data");

	private static final SandboxSpec.Volume.Pvc PVC = new SandboxSpec.Volume.Pvc("claim", null, null, null, null,
			List.of());

	private static final SandboxSpec.Volume.Ossfs OSSFS = new SandboxSpec.Volume.Ossfs("my-bucket",
			"oss-cn-hangzhou.aliyuncs.com", "2.0", List.of("allow_other"), "AKID", "oss-secret-value");

	@Test
	void hostCreatesAReadWriteHostMount() {
		SandboxSpec.Volume volume = SandboxSpec.Volume.host("data", "/srv/data", "/data");
		assertThat(volume).isEqualTo(new SandboxSpec.Volume("data", "/data", false, null, HOST, null, null));
	}

	@Test
	void pvcCreatesAReadWriteNamedVolumeMountWithServerDefaults() {
		SandboxSpec.Volume volume = SandboxSpec.Volume.pvc("cache", "claim", "/cache");
		assertThat(volume).isEqualTo(new SandboxSpec.Volume("cache", "/cache", false, null, null, PVC, null));
	}

	@Test
	void asReadOnlyAndWithSubPathKeepTheRest() {
		SandboxSpec.Volume volume = SandboxSpec.Volume.host("data", "/srv/data", "/data")
			.withSubPath("team/a")
			.asReadOnly();
		assertThat(volume).isEqualTo(new SandboxSpec.Volume("data", "/data", true, "team/a", HOST, null, null));
	}

	@Test
	void volumeWithoutBackendIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SandboxSpec.Volume("data", "/data", false, null, null, null, null))
			.withMessage("Volume 'data' must have exactly one backend (host, pvc or ossfs), not 0");
	}

	@Test
	void volumeWithTwoBackendsIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SandboxSpec.Volume("data", "/data", false, null, HOST, PVC, null))
			.withMessage("Volume 'data' must have exactly one backend (host, pvc or ossfs), not 2");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SandboxSpec.Volume("data", "/data", false, null, null, PVC, OSSFS))
			.withMessageContaining("exactly one backend");
	}

	@Test
	void volumeWithThreeBackendsIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SandboxSpec.Volume("data", "/data", false, null, HOST, PVC, OSSFS))
			.withMessageContaining("not 3");
	}

	@Test
	void eachBackendAloneIsAccepted() {
		assertThat(new SandboxSpec.Volume("a", "/a", false, null, HOST, null, null).host()).isEqualTo(HOST);
		assertThat(new SandboxSpec.Volume("b", "/b", false, null, null, PVC, null).pvc()).isEqualTo(PVC);
		assertThat(new SandboxSpec.Volume("c", "/c", false, null, null, null, OSSFS).ossfs()).isEqualTo(OSSFS);
	}

	@ParameterizedTest
	@ValueSource(strings = { "Data", "-data", "data-", "da_ta", "da.ta", "" })
	void nameThatIsNotADnsLabelIsRejected(String name) {
		assertThatIllegalArgumentException().isThrownBy(() -> SandboxSpec.Volume.host(name, "/srv/data", "/data"))
			.withMessageContaining("must be a DNS label");
	}

	@Test
	void nameLongerThanSixtyThreeCharactersIsRejected() {
		assertThat(SandboxSpec.Volume.host("a".repeat(63), "/srv/data", "/data").name()).hasSize(63);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> SandboxSpec.Volume.host("a".repeat(64), "/srv/data", "/data"))
			.withMessageContaining("at most 63");
	}

	@Test
	void nullNameIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> SandboxSpec.Volume.host(null, "/srv/data", "/data"));
	}

	@Test
	void relativeMountPathIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> SandboxSpec.Volume.host("data", "/srv/data", "data"))
			.withMessage("Volume mount path 'data' must be absolute");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/abs", "..", "../up", "a/../../b", "a/.." })
	void subPathThatIsAbsoluteOrLeavesTheBackendIsRejected(String subPath) {
		SandboxSpec.Volume volume = SandboxSpec.Volume.host("data", "/srv/data", "/data");
		assertThatIllegalArgumentException().isThrownBy(() -> volume.withSubPath(subPath))
			.withMessageContaining("must be relative and must not contain '..'");
	}

	@Test
	void subPathWithDotsInNamesIsAccepted() {
		assertThat(SandboxSpec.Volume.host("data", "/srv/data", "/data").withSubPath("v1..2/.hidden").subPath())
			.isEqualTo("v1..2/.hidden");
	}

	@Test
	void hostPathMustBeAbsolute() {
		assertThatIllegalArgumentException().isThrownBy(() -> new SandboxSpec.Volume.Host("srv/data"))
			.withMessage("Host volume path 'srv/data' must be absolute");
		assertThat(new SandboxSpec.Volume.Host("C:\\data").path()).isEqualTo("C:\\data");
		assertThat(new SandboxSpec.Volume.Host("D:/data").path()).isEqualTo("D:/data");
	}

	@Test
	void pvcClaimNameMustBeADnsLabel() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SandboxSpec.Volume.Pvc("My_Claim", null, null, null, null, List.of()))
			.withMessageContaining("must be a DNS label");
	}

	@Test
	void pvcAccessModesAreCopied() {
		List<String> modes = new ArrayList<>(List.of("ReadWriteOnce"));
		SandboxSpec.Volume.Pvc pvc = new SandboxSpec.Volume.Pvc("claim", true, false, "fast", "1Gi", modes);
		modes.add("ReadOnlyMany");
		assertThat(pvc.accessModes()).containsExactly("ReadWriteOnce");
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> pvc.accessModes().add("x"));
	}

	@Test
	void ossfsNeedsBucketEndpointAndCredentials() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SandboxSpec.Volume.Ossfs("", "endpoint", null, List.of(), "AKID", "secret"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SandboxSpec.Volume.Ossfs("bucket", " ", null, List.of(), "AKID", "secret"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SandboxSpec.Volume.Ossfs("bucket", "endpoint", null, List.of(), "", "secret"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SandboxSpec.Volume.Ossfs("bucket", "endpoint", null, List.of(), "AKID", ""));
	}

	@Test
	void ossfsToStringMasksTheSecret() {
		assertThat(OSSFS.toString()).contains("my-bucket")
			.contains("AKID")
			.contains("accessKeySecret=******")
			.doesNotContain("oss-secret-value");
	}

	@Test
	void volumeToStringMasksTheOssfsSecret() {
		SandboxSpec.Volume volume = new SandboxSpec.Volume("bucket", "/mnt/oss", false, "prefix", null, null, OSSFS);
		assertThat(volume.toString()).contains("my-bucket").doesNotContain("oss-secret-value");
	}

}
