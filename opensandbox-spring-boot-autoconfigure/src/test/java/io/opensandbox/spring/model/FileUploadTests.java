package io.opensandbox.spring.model;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.ByteArrayResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Uploads: where content comes from, and the checks made before anything is sent.
 *
 * @author OpenSandbox Spring Boot
 */
class FileUploadTests {

	@Test
	void textIsEncodedAsUtf8() {
		FileUpload upload = FileUpload.of("/tmp/x.txt", "héllo");
		assertThat(upload.content()).isInstanceOf(FileUpload.Content.InMemory.class);
		assertThat(((FileUpload.Content.InMemory) upload.content()).bytes())
			.isEqualTo("héllo".getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void bytesAreCopiedSoLaterChangesDoNotLeakIn() {
		byte[] bytes = { 1, 2, 3 };
		FileUpload upload = FileUpload.of("/tmp/x.bin", bytes);
		bytes[0] = 9;
		byte[] content = ((FileUpload.Content.InMemory) upload.content()).bytes();
		assertThat(content).containsExactly(1, 2, 3);
		content[1] = 9;
		assertThat(((FileUpload.Content.InMemory) upload.content()).bytes()).containsExactly(1, 2, 3);
	}

	@Test
	void eachFactoryKeepsItsSourceForStreaming() {
		Path file = Path.of("/tmp/local.bin");
		ByteArrayResource resource = new ByteArrayResource(new byte[1]);
		assertThat(FileUpload.of("/a", file).content()).isEqualTo(new FileUpload.Content.LocalFile(file));
		assertThat(FileUpload.of("/a", resource).content()).isEqualTo(new FileUpload.Content.FromResource(resource));
		assertThat(FileUpload.of("/a", () -> new ByteArrayInputStream(new byte[0])).content())
			.isInstanceOf(FileUpload.Content.FromStream.class);
	}

	@Test
	void modeAndOwnerAreKeptTogether() {
		FileUpload upload = FileUpload.of("/tmp/run.sh", "#!/bin/sh").withMode(755).withOwner("admin", "staff");
		assertThat(upload.mode()).isEqualTo(755);
		assertThat(upload.owner()).isEqualTo("admin");
		assertThat(upload.group()).isEqualTo("staff");
		assertThat(upload.withMode(644).owner()).isEqualTo("admin");
	}

	@Test
	void modeMustBeWrittenInOctalDigits() {
		FileUpload upload = FileUpload.of("/tmp/x", "x");
		assertThat(upload.withMode(0).mode()).isZero();
		assertThat(upload.withMode(644).mode()).isEqualTo(644);
		assertThat(upload.withMode(4755).mode()).isEqualTo(4755);
		assertThatIllegalArgumentException().isThrownBy(() -> upload.withMode(758)).withMessageContaining("758");
		assertThatIllegalArgumentException().isThrownBy(() -> upload.withMode(9));
		assertThatIllegalArgumentException().isThrownBy(() -> upload.withMode(-1));
		assertThatIllegalArgumentException().isThrownBy(() -> upload.withMode(10000));
	}

	@Test
	void pathMustNotBeBlank() {
		assertThatIllegalArgumentException().isThrownBy(() -> FileUpload.of("", "x"));
		assertThatIllegalArgumentException().isThrownBy(() -> FileUpload.of("  ", new byte[0]));
		assertThatIllegalArgumentException().isThrownBy(() -> FileUpload.of("/a\0b", "x"));
	}

	@Test
	void ownerMustNotBeBlank() {
		assertThatIllegalArgumentException().isThrownBy(() -> FileUpload.of("/a", "x").withOwner(" ", null));
	}

	@Test
	void toStringShowsTheSizeNotTheContent() {
		assertThat(FileUpload.of("/tmp/secret", "s3cr3t-token")).asString()
			.contains("/tmp/secret")
			.contains("12 bytes")
			.doesNotContain("s3cr3t-token");
	}

}
