package io.opensandbox.spring.model;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * What the lifecycle server knows of one sandbox.
 *
 * @param id the sandbox id, an opaque string
 * @param status the current status
 * @param image the image the sandbox was created from, if it was created from an image
 * and the server reported it (the create response does not)
 * @param snapshotId the snapshot the sandbox was restored from, if any
 * @param entrypoint the entry process of the sandbox
 * @param metadata the sandbox metadata
 * @param platform the platform constraint, if one was given
 * @param expiresAt when the sandbox expires, or {@code null} if it never expires
 * @param createdAt when the sandbox was created, if reported
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record SandboxInfo(String id, Status status, @Nullable String image, @Nullable String snapshotId,
		List<String> entrypoint, Map<String, String> metadata, SandboxSpec.@Nullable Platform platform,
		@Nullable Instant expiresAt, @Nullable Instant createdAt) {

	public SandboxInfo {
		entrypoint = List.copyOf(entrypoint);
		metadata = Map.copyOf(metadata);
	}

	/**
	 * Shortcut for {@code status().state()}.
	 * @return the lifecycle state
	 */
	public State state() {
		return this.status.state();
	}

	/**
	 * Lifecycle state of a sandbox. The set of states is open: the server may report
	 * states this library does not know, and they are kept as they were sent.
	 *
	 * @param value the state as the server names it, for example {@code Running}
	 * @since 0.1.0
	 */
	public record State(String value) {

		/** The sandbox is being provisioned. */
		public static final State PENDING = new State("Pending");

		/** The sandbox runs and accepts requests. */
		public static final State RUNNING = new State("Running");

		/** The sandbox is being paused. */
		public static final State PAUSING = new State("Pausing");

		/** The sandbox is paused and keeps its state. */
		public static final State PAUSED = new State("Paused");

		/** The sandbox is being resumed after a pause. */
		public static final State RESUMING = new State("Resuming");

		/** The sandbox is being terminated. */
		public static final State STOPPING = new State("Stopping");

		/** The sandbox has been terminated. */
		public static final State TERMINATED = new State("Terminated");

		/** The sandbox met a critical error. */
		public static final State FAILED = new State("Failed");

		public State {
			Assert.hasText(value, "'value' must not be empty");
		}

		/**
		 * Return the state with the given name.
		 * @param value the state name
		 * @return the state
		 */
		public static State of(String value) {
			return new State(value);
		}

		/**
		 * Whether this state is final: the sandbox will not run again.
		 * @return {@code true} for {@code Terminated} and {@code Failed}
		 */
		public boolean isTerminal() {
			return equals(TERMINATED) || equals(FAILED);
		}

		@Override
		public boolean equals(Object other) {
			return (other instanceof State state) && this.value.equalsIgnoreCase(state.value);
		}

		@Override
		public int hashCode() {
			return this.value.toLowerCase(Locale.ROOT).hashCode();
		}

		@Override
		public String toString() {
			return this.value;
		}

	}

	/**
	 * Status of a sandbox: its state and why it is in it.
	 *
	 * @param state the lifecycle state
	 * @param reason a short machine-readable reason, for example {@code user_delete}
	 * @param message a human-readable description of the state
	 * @param lastTransitionAt when the state last changed
	 * @since 0.1.0
	 */
	public record Status(SandboxInfo.State state, @Nullable String reason, @Nullable String message,
			@Nullable Instant lastTransitionAt) {

	}

	/**
	 * Which sandboxes a listing returns: any of the given states, and all of the given
	 * metadata entries.
	 *
	 * @param states the states to match (any of them); empty matches every state
	 * @param metadata the metadata entries to match (all of them)
	 * @since 0.1.0
	 */
	public record Filter(Set<SandboxInfo.State> states, Map<String, String> metadata) {

		private static final Filter ALL = new Filter(Set.of(), Map.of());

		public Filter {
			states = Collections.unmodifiableSet(new LinkedHashSet<>(states));
			metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
		}

		/**
		 * A filter that matches every sandbox.
		 * @return the filter
		 */
		public static Filter all() {
			return ALL;
		}

		/**
		 * Return a copy that matches only sandboxes in one of the given states.
		 * @param states the states
		 * @return the filter
		 */
		public Filter withStates(SandboxInfo.State... states) {
			Set<SandboxInfo.State> merged = new LinkedHashSet<>(this.states);
			merged.addAll(Arrays.asList(states));
			return new Filter(merged, this.metadata);
		}

		/**
		 * Return a copy that also requires the given metadata entry.
		 * @param key the metadata key
		 * @param value the metadata value
		 * @return the filter
		 */
		public Filter withMetadata(String key, String value) {
			Assert.hasText(key, "'key' must not be empty");
			Assert.notNull(value, "'value' must not be null");
			Map<String, String> merged = new LinkedHashMap<>(this.metadata);
			merged.put(key, value);
			return new Filter(this.states, merged);
		}

	}

	/**
	 * Diagnostic text the lifecycle server has about a sandbox (its logs or events for a
	 * scope), for people and troubleshooting agents: best-effort, display-oriented text
	 * whose lines are no stable schema. The text is either inline ({@link #content()}) or
	 * to be downloaded from {@link #contentUrl()} until {@link #expiresAt()}.
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
	 * @since 0.1.0
	 */
	public record Diagnostics(String sandboxId, String kind, String scope, String contentType, @Nullable String content,
			@Nullable String contentUrl, @Nullable Long contentLength, @Nullable Instant expiresAt, boolean truncated,
			List<String> warnings) {

		public Diagnostics {
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

}
