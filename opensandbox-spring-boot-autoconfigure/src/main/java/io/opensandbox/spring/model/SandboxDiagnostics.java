package io.opensandbox.spring.model;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * Diagnostic text the lifecycle server has about a sandbox (its logs or events for a
 * scope), for people and troubleshooting agents: best-effort, display-oriented text whose
 * lines are no stable schema. The text is either inline ({@link #content()}) or to be
 * downloaded from {@link #contentUrl()} until {@link #expiresAt()}.
 *
 * @param sandboxId the sandbox
 * @param kind {@code logs} or {@code events}
 * @param scope the scope the server answered for, for example {@code container},
 * {@code lifecycle}, {@code runtime} or {@code all}
 * @param contentType the media type of the text, for example
 * {@code text/plain; charset=utf-8}
 * @param content the text, when delivered inline
 * @param contentUrl where to download the text, when not inline
 * @param contentLength the size of the text in bytes, when known
 * @param expiresAt until when the download URL works, when not inline
 * @param truncated whether the server cut the text short on purpose
 * @param warnings what the server says is missing or incomplete
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record SandboxDiagnostics(String sandboxId, String kind, String scope, String contentType,
		@Nullable String content, @Nullable String contentUrl, @Nullable Long contentLength,
		@Nullable Instant expiresAt, boolean truncated, List<String> warnings) {

	public SandboxDiagnostics {
		Assert.hasText(sandboxId, "'sandboxId' must not be empty");
		Assert.hasText(kind, "'kind' must not be empty");
		Assert.hasText(scope, "'scope' must not be empty");
		Assert.isTrue(content != null || contentUrl != null, "Diagnostics need a content or a content URL");
		warnings = List.copyOf(warnings);
	}

	/**
	 * Whether the text is inline.
	 * @return {@code true} if {@link #content()} holds it
	 */
	public boolean isInline() {
		return this.content != null;
	}

}
