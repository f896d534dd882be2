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
 * Tests for {@link Volume}.
 *
 * @author OpenSandbox Spring Boot
 */
class VolumeTests {

	private static final Volume.Host HOST = new Volume.Host("/srv/data");

	private static final Volume.Pvc PVC = new Volume.Pvc("claim", null, null, null, null, List.of());

	private static final Volume.Ossfs OSSFS = new Volume.Ossfs("my-bucket", "oss-cn-hangzhou.aliyuncs.com", "2.0",
			List.of("allow_other"), "AKID", "oss-secret-value");

	@Test
	void hostCreatesAReadWriteHostMount() {
		Volume volume = Volume.host("data", "/srv/data", "/data");
		assertThat(volume).isEqualTo(new Volume("data", "/data", false, null, HOST, null, null));
	}

	@Test
	void pvcCreatesAReadWriteNamedVolumeMountWithServerDefaults() {
		Volume volume = Volume.pvc("cache", "claim", "/cache");
		assertThat(volume).isEqualTo(new Volume("cache", "/cache", false, null, null, PVC, null));
	}

	@Test
	void asReadOnlyAndWithSubPathKeepTheRest() {
		Volume volume = Volume.host("data", "/srv/data", "/data").withSubPath("team/a").asReadOnly();
		assertThat(volume).isEqualTo(new Volume("data", "/data", true, "team/a", HOST, null, null));
	}

	@Test
	void volumeWithoutBackendIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Volume("data", "/data", false, null, null, null, null))
			.withMessage("Volume 'data' must have exactly one backend (host, pvc or ossfs), not 0");
	}

	@Test
	void volumeWithTwoBackendsIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Volume("data", "/data", false, null, HOST, PVC, null))
			.withMessage("Volume 'data' must have exactly one backend (host, pvc or ossfs), not 2");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Volume("data", "/data", false, null, null, PVC, OSSFS))
			.withMessageContaining("exactly one backend");
	}

	@Test
	void volumeWithThreeBackendsIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Volume("data", "/data", false, null, HOST, PVC, OSSFS))
			.withMessageContaining("not 3");
	}

	@Test
	void eachBackendAloneIsAccepted() {
		assertThat(new Volume("a", "/a", false, null, HOST, null, null).host()).isEqualTo(HOST);
		assertThat(new Volume("b", "/b", false, null, null, PVC, null).pvc()).isEqualTo(PVC);
		assertThat(new Volume("c", "/c", false, null, null, null, OSSFS).ossfs()).isEqualTo(OSSFS);
	}

	@ParameterizedTest
	@ValueSource(strings = { "Data", "-data", "data-", "da_ta", "da.ta", "" })
	void nameThatIsNotADnsLabelIsRejected(String name) {
		assertThatIllegalArgumentException().isThrownBy(() -> Volume.host(name, "/srv/data", "/data"))
			.withMessageContaining("must be a DNS label");
	}

	@Test
	void nameLongerThanSixtyThreeCharactersIsRejected() {
		assertThat(Volume.host("a".repeat(63), "/srv/data", "/data").name()).hasSize(63);
		assertThatIllegalArgumentException().isThrownBy(() -> Volume.host("a".repeat(64), "/srv/data", "/data"))
			.withMessageContaining("at most 63");
	}

	@Test
	void nullNameIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> Volume.host(null, "/srv/data", "/data"));
	}

	@Test
	void relativeMountPathIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> Volume.host("data", "/srv/data", "data"))
			.withMessage("Volume mount path 'data' must be absolute");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/abs", "..", "../up", "a/../../b", "a/.." })
	void subPathThatIsAbsoluteOrLeavesTheBackendIsRejected(String subPath) {
		Volume volume = Volume.host("data", "/srv/data", "/data");
		assertThatIllegalArgumentException().isThrownBy(() -> volume.withSubPath(subPath))
			.withMessageContaining("must be relative and must not contain '..'");
	}

	@Test
	void subPathWithDotsInNamesIsAccepted() {
		assertThat(Volume.host("data", "/srv/data", "/data").withSubPath("v1..2/.hidden").subPath())
			.isEqualTo("v1..2/.hidden");
	}

	@Test
	void hostPathMustBeAbsolute() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Volume.Host("srv/data"))
			.withMessage("Host volume path 'srv/data' must be absolute");
		assertThat(new Volume.Host("C:\\data").path()).isEqualTo("C:\\data");
		assertThat(new Volume.Host("D:/data").path()).isEqualTo("D:/data");
	}

	@Test
	void pvcClaimNameMustBeADnsLabel() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Volume.Pvc("My_Claim", null, null, null, null, List.of()))
			.withMessageContaining("must be a DNS label");
	}

	@Test
	void pvcAccessModesAreCopied() {
		List<String> modes = new ArrayList<>(List.of("ReadWriteOnce"));
		Volume.Pvc pvc = new Volume.Pvc("claim", true, false, "fast", "1Gi", modes);
		modes.add("ReadOnlyMany");
		assertThat(pvc.accessModes()).containsExactly("ReadWriteOnce");
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> pvc.accessModes().add("x"));
	}

	@Test
	void ossfsNeedsBucketEndpointAndCredentials() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Volume.Ossfs("", "endpoint", null, List.of(), "AKID", "secret"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Volume.Ossfs("bucket", " ", null, List.of(), "AKID", "secret"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Volume.Ossfs("bucket", "endpoint", null, List.of(), "", "secret"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Volume.Ossfs("bucket", "endpoint", null, List.of(), "AKID", ""));
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
		Volume volume = new Volume("bucket", "/mnt/oss", false, "prefix", null, null, OSSFS);
		assertThat(volume.toString()).contains("my-bucket").doesNotContain("oss-secret-value");
	}

}
