package io.opensandbox.spring.test.server.isolation;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code unshare} backend: the shared behaviour, plus how it writes its mount table.
 *
 * @author OpenSandbox Spring Boot
 */
class UnshareIsolationTests extends AbstractNamespaceIsolationTests {

	@Override
	SandboxIsolation isolation(Path baseDirectory) {
		return Backends.available("unshare", () -> SandboxIsolation.unshare(baseDirectory));
	}

	@Override
	String expectedName() {
		return "unshare";
	}

	@Test
	void fstabEscapesWhiteSpaceAndBackslashes() {
		assertThat(UnshareIsolation.escape("/a b\tc\\d#e")).isEqualTo("/a\\040b\\011c\\134d\\043e");
		assertThat(UnshareIsolation.escape("/plain/path")).isEqualTo("/plain/path");
	}

	@Test
	void fstabBindsSystemDirectoriesReadOnlyAndCoversHostSubmounts() {
		HostLayout layout = new HostLayout(List.of("usr", "etc"), Map.of("bin", "usr/bin"), List.of("/run/resolv.conf"),
				List.of("sys"), List.of("/etc/hosts"), List.of("null", "tty"));
		UnshareIsolation isolation = new UnshareIsolation(Path.of("/unused"), layout, Tools.host());
		List<String> lines = isolation.fstab("/sb/rootfs").lines().toList();
		assertThat(lines.get(0)).isEqualTo("/sb/rootfs /sb/rootfs none bind,nosuid,nodev 0 0");
		assertThat(lines).containsSubsequence("/usr /sb/rootfs/usr none bind,ro,nosuid,nodev 0 0",
				"/etc /sb/rootfs/etc none rbind,ro,nosuid,nodev 0 0",
				"/etc/hosts /sb/rootfs/etc/hosts none bind,ro,nosuid,nodev 0 0",
				"/run/resolv.conf /sb/rootfs/run/resolv.conf none bind,ro,nosuid,nodev 0 0",
				"proc /sb/rootfs/proc proc nosuid,nodev,noexec 0 0",
				"/sb/rootfs/proc/sys /sb/rootfs/proc/sys none bind,ro,nosuid,nodev,noexec 0 0",
				"/dev/null /sb/rootfs/dev/null none bind,nosuid 0 0");
		assertThat(lines).noneMatch((line) -> line.startsWith("/dev ") || line.startsWith("/ "));
	}

}
