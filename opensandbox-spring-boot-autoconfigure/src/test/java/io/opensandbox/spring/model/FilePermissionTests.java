package io.opensandbox.spring.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * File permissions: octal-digit modes and optional ownership.
 *
 * @author OpenSandbox Spring Boot
 */
class FilePermissionTests {

	@Test
	void modeOnlyLeavesOwnershipAlone() {
		FileInfo.Permission permission = FileInfo.Permission.of(644);
		assertThat(permission.mode()).isEqualTo(644);
		assertThat(permission.owner()).isNull();
		assertThat(permission.group()).isNull();
	}

	@Test
	void withOwnerKeepsTheMode() {
		assertThat(FileInfo.Permission.of(700).withOwner("admin", "staff"))
			.isEqualTo(new FileInfo.Permission(700, "admin", "staff"));
	}

	@Test
	void modeMustBeWrittenInOctalDigits() {
		assertThatIllegalArgumentException().isThrownBy(() -> FileInfo.Permission.of(493));
		assertThatIllegalArgumentException().isThrownBy(() -> FileInfo.Permission.of(-644));
		assertThatIllegalArgumentException().isThrownBy(() -> FileInfo.Permission.of(8));
	}

}
