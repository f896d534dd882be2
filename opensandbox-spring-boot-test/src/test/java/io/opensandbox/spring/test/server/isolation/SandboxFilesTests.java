package io.opensandbox.spring.test.server.isolation;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Creating and, above all, safely deleting sandbox directories.
 *
 * @author OpenSandbox Spring Boot
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SandboxFilesTests {

	@TempDir
	Path base;

	@TempDir
	Path outside;

	@Test
	void sandboxDirectoryIsPrivateAndIdsAreChecked() throws Exception {
		Path directory = SandboxFiles.createSandboxDirectory(this.base.resolve("nested"), "abc-1.2_3");
		assertThat(directory).isDirectory().hasFileName("abc-1.2_3");
		assertThat(directory.resolve("rootfs")).isDirectory();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwx------");
		assertThatExceptionOfType(FileAlreadyExistsException.class)
			.isThrownBy(() -> SandboxFiles.createSandboxDirectory(this.base.resolve("nested"), "abc-1.2_3"));
		for (String bad : List.of("", "..", ".hidden", "a/b", "a b", "x".repeat(200))) {
			assertThatIllegalArgumentException().isThrownBy(() -> SandboxFiles.createSandboxDirectory(this.base, bad));
		}
	}

	@Test
	void rootLayoutHasTheSandboxsOwnDirectoriesAndMountPoints() throws Exception {
		Path rootfs = SandboxFiles.createSandboxDirectory(this.base, "layout").resolve("rootfs");
		HostLayout layout = new HostLayout(List.of("usr"), Map.of("bin", "usr/bin"), List.of("/run/x/resolv.conf"),
				List.of(), List.of(), List.of("null"));
		SandboxFiles.prepareRootfs(rootfs, layout, true);
		assertThat(rootfs.resolve("tmp")).isDirectory();
		assertThat(Files.getAttribute(rootfs.resolve("tmp"), "unix:mode")).isEqualTo(041777);
		assertThat(rootfs.resolve("workspace")).isDirectory();
		assertThat(rootfs.resolve("root")).isDirectory();
		assertThat(rootfs.resolve("usr")).isEmptyDirectory();
		assertThat(Files.readSymbolicLink(rootfs.resolve("bin"))).isEqualTo(Path.of("usr/bin"));
		assertThat(rootfs.resolve("run/x/resolv.conf")).isEmptyFile();
		assertThat(rootfs.resolve("dev/null")).isEmptyFile();
		assertThat(Files.readSymbolicLink(rootfs.resolve("dev/fd"))).isEqualTo(Path.of("/proc/self/fd"));
	}

	@Test
	void deleteTreeRemovesLinksButNeverWhatTheyPointTo() throws Exception {
		Path keep = Files.writeString(this.outside.resolve("keep.txt"), "keep");
		Files.createDirectories(this.outside.resolve("dir"));
		Files.writeString(this.outside.resolve("dir/inner.txt"), "inner");
		Path directory = SandboxFiles.createSandboxDirectory(this.base, "links");
		Path tmp = Files.createDirectories(directory.resolve("rootfs/tmp"));
		Files.createSymbolicLink(tmp.resolve("dir-link"), this.outside);
		Files.createSymbolicLink(tmp.resolve("file-link"), keep);
		Files.createSymbolicLink(tmp.resolve("root-link"), Path.of("/"));
		Files.createSymbolicLink(tmp.resolve("dangling"), Path.of("/nowhere/at/all"));
		Files.createSymbolicLink(directory.resolve("rootfs/top-link"), this.outside.resolve("dir"));
		assertThat(SandboxFiles.deleteTree(directory)).isTrue();
		assertThat(directory).doesNotExist();
		assertThat(keep).hasContent("keep");
		assertThat(this.outside.resolve("dir/inner.txt")).hasContent("inner");
	}

	@Test
	void deleteTreeOpensUpDirectoriesTheSandboxLocked() throws Exception {
		Path directory = SandboxFiles.createSandboxDirectory(this.base, "locked");
		Path locked = Files.createDirectories(directory.resolve("rootfs/tmp/locked/inner"));
		Files.writeString(locked.resolve("f"), "x");
		Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
		Files.setPosixFilePermissions(locked.getParent(), PosixFilePermissions.fromString("---------"));
		assertThat(SandboxFiles.deleteTree(directory)).isTrue();
		assertThat(directory).doesNotExist();
	}

	@Test
	void deleteTreeRemovesTreesDeeperThanPathMax() throws Exception {
		Path directory = SandboxFiles.createSandboxDirectory(this.base, "deep");
		Process process = new ProcessBuilder("python3", "-c",
				"import os, sys\nos.chdir(sys.argv[1])\nfor i in range(600):\n"
						+ " os.mkdir('d' * 20)\n os.chdir('d' * 20)\nopen('leaf', 'w').write('x')\n",
				directory.resolve("rootfs").toString())
			.inheritIO()
			.start();
		assertThat(process.waitFor()).isZero();
		assertThat(SandboxFiles.deleteTree(directory)).isTrue();
		assertThat(directory).doesNotExist();
	}

	@Test
	void deleteTreeOfAMissingDirectoryIsFine() {
		assertThat(SandboxFiles.deleteTree(this.base.resolve("never-created"))).isTrue();
	}

}
