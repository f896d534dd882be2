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
		FilePermission permission = FilePermission.of(644);
		assertThat(permission.mode()).isEqualTo(644);
		assertThat(permission.owner()).isNull();
		assertThat(permission.group()).isNull();
	}

	@Test
	void withOwnerKeepsTheMode() {
		assertThat(FilePermission.of(700).withOwner("admin", "staff"))
			.isEqualTo(new FilePermission(700, "admin", "staff"));
	}

	@Test
	void modeMustBeWrittenInOctalDigits() {
		assertThatIllegalArgumentException().isThrownBy(() -> FilePermission.of(493));
		assertThatIllegalArgumentException().isThrownBy(() -> FilePermission.of(-644));
		assertThatIllegalArgumentException().isThrownBy(() -> FilePermission.of(8));
	}

}
