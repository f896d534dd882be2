package io.opensandbox.spring.test.server.isolation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Mapping sandbox paths to host paths, with symbolic links resolved as the sandbox sees
 * them.
 *
 * @author OpenSandbox Spring Boot
 */
class SandboxPathsTests {

	@TempDir
	Path rootfs;

	private SandboxPaths paths;

	@BeforeEach
	void createPaths() throws IOException {
		Files.createDirectories(this.rootfs.resolve("tmp"));
		Files.createDirectories(this.rootfs.resolve("root"));
		Files.createDirectories(this.rootfs.resolve("workspace"));
		HostLayout layout = new HostLayout(List.of("usr", "etc"), Map.of("bin", "usr/bin"),
				List.of("/run/systemd/resolve/stub-resolv.conf"), List.of(), List.of(), List.of());
		this.paths = new SandboxPaths(this.rootfs, layout);
	}

	@Test
	void sandboxOwnDirectoriesMapIntoTheRoot() {
		assertThat(this.paths.hostPath("/")).isEqualTo(this.rootfs);
		assertThat(this.paths.hostPath("/tmp/x.py")).isEqualTo(this.rootfs.resolve("tmp/x.py"));
		assertThat(this.paths.hostPath("//workspace/./a/../b")).isEqualTo(this.rootfs.resolve("workspace/b"));
		assertThat(this.paths.hostPath("/not/yet/there")).isEqualTo(this.rootfs.resolve("not/yet/there"));
		assertThat(this.paths.isWritable("/tmp/x.py")).isTrue();
		assertThat(this.paths.isWritable("/")).isTrue();
	}

	@Test
	void systemDirectoriesMapToTheHostAndAreReadOnly() {
		assertThat(this.paths.hostPath("/usr/bin/env")).isEqualTo(Path.of("/usr/bin/env"));
		assertThat(this.paths.hostPath("/bin/no-such-tool")).isEqualTo(Path.of("/usr/bin/no-such-tool"));
		assertThat(this.paths.hostPath("/run/systemd/resolve/stub-resolv.conf"))
			.isEqualTo(Path.of("/run/systemd/resolve/stub-resolv.conf"));
		assertThat(this.paths.isWritable("/usr/bin/env")).isFalse();
		assertThat(this.paths.isWritable("/bin/new")).isFalse();
		assertThat(this.paths.isWritable("/etc")).isFalse();
		assertThat(this.paths.isWritable("/proc/1/environ")).isFalse();
		assertThat(this.paths.isWritable("/dev/null")).isFalse();
		assertThat(this.paths.isWritable("/run/systemd/resolve/stub-resolv.conf")).isFalse();
		assertThat(this.paths.isWritable("/run/other")).isTrue();
	}

	@Test
	void pathsThatAreRelativeOrClimbAboveTheRootAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.paths.hostPath("tmp/x"));
		assertThatIllegalArgumentException().isThrownBy(() -> this.paths.hostPath(""));
		assertThatIllegalArgumentException().isThrownBy(() -> this.paths.hostPath("/.."));
		assertThatIllegalArgumentException().isThrownBy(() -> this.paths.hostPath("/tmp/../../etc/passwd"));
		assertThatIllegalArgumentException().isThrownBy(() -> this.paths.isWritable("/../x"));
		assertThatIllegalArgumentException().isThrownBy(() -> this.paths.hostPath("/tmp/a\0b"));
	}

	@Test
	void absoluteLinksPlantedInTheSandboxStayInTheSandbox() throws IOException {
		Files.createSymbolicLink(this.rootfs.resolve("tmp/ssh"), Path.of("/root/.ssh"));
		Files.createSymbolicLink(this.rootfs.resolve("tmp/host-root"), Path.of("/"));
		assertThat(this.paths.hostPath("/tmp/ssh/authorized_keys"))
			.isEqualTo(this.rootfs.resolve("root/.ssh/authorized_keys"));
		assertThat(this.paths.hostPath("/tmp/ssh")).isEqualTo(this.rootfs.resolve("root/.ssh"));
		assertThat(this.paths.hostPath("/tmp/host-root/root/x")).isEqualTo(this.rootfs.resolve("root/x"));
		assertThat(this.paths.hostPath("/tmp/host-root/etc/passwd")).isEqualTo(Path.of("/etc/passwd"));
		assertThat(this.paths.isWritable("/tmp/host-root/etc/passwd")).isFalse();
	}

	@Test
	void relativeLinksCannotClimbAboveTheSandboxRoot() throws IOException {
		Files.createSymbolicLink(this.rootfs.resolve("tmp/up"), Path.of("../../../../../../../../home"));
		Files.createSymbolicLink(this.rootfs.resolve("workspace/etc"), Path.of("../../../../etc"));
		assertThat(this.paths.hostPath("/tmp/up/user")).isEqualTo(this.rootfs.resolve("home/user"));
		assertThat(this.paths.hostPath("/workspace/etc/passwd")).isEqualTo(Path.of("/etc/passwd"));
		assertThat(this.paths.isWritable("/workspace/etc/passwd")).isFalse();
	}

	@Test
	void dotDotAfterALinkAppliesToTheLinkTarget() throws IOException {
		Files.createDirectories(this.rootfs.resolve("workspace/deep/dir"));
		Files.createSymbolicLink(this.rootfs.resolve("tmp/link"), Path.of("/workspace/deep/dir"));
		assertThat(this.paths.hostPath("/tmp/link/../file")).isEqualTo(this.rootfs.resolve("workspace/deep/file"));
	}

	@Test
	void linkLoopsAreRefused() throws IOException {
		Files.createSymbolicLink(this.rootfs.resolve("tmp/a"), Path.of("b"));
		Files.createSymbolicLink(this.rootfs.resolve("tmp/b"), Path.of("a"));
		assertThatIllegalArgumentException().isThrownBy(() -> this.paths.hostPath("/tmp/a/x"))
			.withMessageContaining("symbolic links");
	}

}
