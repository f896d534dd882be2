package io.opensandbox.spring.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * File metadata: entry types as execd names them, unknown ones tolerated.
 *
 * @author OpenSandbox Spring Boot
 */
class FileInfoTests {

	@Test
	void knownTypesAreParsedIgnoringCase() {
		assertThat(FileInfo.Type.fromWireValue("file")).isEqualTo(FileInfo.Type.FILE);
		assertThat(FileInfo.Type.fromWireValue("Directory")).isEqualTo(FileInfo.Type.DIRECTORY);
		assertThat(FileInfo.Type.fromWireValue("symlink")).isEqualTo(FileInfo.Type.SYMLINK);
	}

	@Test
	void unknownTypesBecomeOther() {
		assertThat(FileInfo.Type.fromWireValue("socket")).isEqualTo(FileInfo.Type.OTHER);
	}

	@Test
	void fileAndDirectoryChecksFollowTheType() {
		FileInfo dir = new FileInfo("/w", FileInfo.Type.DIRECTORY, 0, null, null, null, null, 755);
		assertThat(dir.isDirectory()).isTrue();
		assertThat(dir.isFile()).isFalse();
		FileInfo unknown = new FileInfo("/w/x", null, 0, null, null, null, null, 644);
		assertThat(unknown.isFile()).isFalse();
		assertThat(unknown.isDirectory()).isFalse();
	}

}
