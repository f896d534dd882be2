package io.opensandbox.spring.model;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link SandboxInfo.Diagnostics}: inline or by URL, never neither.
 *
 * @author OpenSandbox Spring Boot
 */
class SandboxDiagnosticsTests {

	@Test
	void inlineTextOrADownloadUrl() {
		assertThat(diagnostics("sb", "events", "all", "text", null).isInline()).isTrue();
		assertThat(diagnostics("sb", "logs", "container", null, "https://x/y").isInline()).isFalse();
	}

	@Test
	void whatIsMissingIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> diagnostics(" ", "events", "all", "t", null))
			.withMessage("'sandboxId' must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> diagnostics("sb", "", "all", "t", null))
			.withMessage("'kind' must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> diagnostics("sb", "events", "", "t", null))
			.withMessage("'scope' must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> diagnostics("sb", "events", "all", null, null))
			.withMessage("Diagnostics need a content or a content URL");
	}

	@Test
	void warningsAreCopied() {
		List<String> warnings = new ArrayList<>(List.of("old events expired"));
		SandboxInfo.Diagnostics diagnostics = new SandboxInfo.Diagnostics("sb", "events", "all", "text/plain", "t",
				null, null, null, false, warnings);
		warnings.clear();
		assertThat(diagnostics.warnings()).containsExactly("old events expired");
	}

	private static SandboxInfo.Diagnostics diagnostics(String id, String kind, String scope, String content,
			String url) {
		return new SandboxInfo.Diagnostics(id, kind, scope, "text/plain", content, url, null, null, false, List.of());
	}

}
