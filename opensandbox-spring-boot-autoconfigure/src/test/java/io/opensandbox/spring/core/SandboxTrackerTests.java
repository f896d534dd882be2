package io.opensandbox.spring.core;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link SandboxTracker}.
 *
 * @author OpenSandbox Spring Boot
 */
class SandboxTrackerTests {

	private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

	private final SandboxTracker tracker = new SandboxTracker();

	@Test
	void newTrackerTracksNothing() {
		assertThat(this.tracker.size()).isZero();
		assertThat(this.tracker.tracked()).isEmpty();
		assertThat(this.tracker.isTracked("a")).isFalse();
		assertThat(this.tracker.get("a")).isNull();
		assertThat(this.tracker.isClosed()).isFalse();
	}

	@Test
	void trackedSandboxIsKnownByItsId() {
		SandboxTracker.TrackedSandbox sandbox = sandbox("a", NOW);
		this.tracker.track(sandbox);
		assertThat(this.tracker.isTracked("a")).isTrue();
		assertThat(this.tracker.get("a")).isEqualTo(sandbox);
		assertThat(this.tracker.size()).isOne();
		assertThat(this.tracker.isTracked("b")).isFalse();
		assertThat(this.tracker.get("b")).isNull();
	}

	@Test
	void untrackForgetsTheSandboxAndSaysWhetherItWasTracked() {
		this.tracker.track(sandbox("a", NOW));
		this.tracker.track(sandbox("b", NOW));
		assertThat(this.tracker.untrack("a")).isTrue();
		assertThat(this.tracker.untrack("a")).isFalse();
		assertThat(this.tracker.untrack("unknown")).isFalse();
		assertThat(this.tracker.isTracked("a")).isFalse();
		assertThat(this.tracker.get("a")).isNull();
		assertThat(this.tracker.isTracked("b")).isTrue();
		assertThat(this.tracker.size()).isOne();
	}

	@Test
	void trackingTheSameIdAgainReplacesTheEntry() {
		this.tracker.track(sandbox("a", NOW));
		SandboxTracker.TrackedSandbox again = sandbox("a", NOW.plusSeconds(5));
		this.tracker.track(again);
		assertThat(this.tracker.size()).isOne();
		assertThat(this.tracker.get("a")).isEqualTo(again);
	}

	@Test
	void trackedListsTheSandboxesOldestFirst() {
		SandboxTracker.TrackedSandbox middle = sandbox("m", NOW.plusSeconds(10));
		SandboxTracker.TrackedSandbox newest = sandbox("a", NOW.plusSeconds(20));
		SandboxTracker.TrackedSandbox oldest = sandbox("z", NOW);
		this.tracker.track(middle);
		this.tracker.track(newest);
		this.tracker.track(oldest);
		assertThat(this.tracker.tracked()).containsExactly(oldest, middle, newest);
	}

	@Test
	void trackedIsASnapshot() {
		this.tracker.track(sandbox("a", NOW));
		var snapshot = this.tracker.tracked();
		this.tracker.untrack("a");
		this.tracker.track(sandbox("b", NOW));
		assertThat(snapshot).extracting(SandboxTracker.TrackedSandbox::id).containsExactly("a");
	}

	@Test
	void renewedRecordsTheNewExpiryOfATrackedSandbox() {
		this.tracker.track(sandbox("a", NOW));
		Instant renewed = NOW.plus(Duration.ofMinutes(20));
		this.tracker.renewed("a", renewed);
		this.tracker.renewed("unknown", renewed);
		SandboxTracker.TrackedSandbox sandbox = this.tracker.get("a");
		assertThat(sandbox).isNotNull();
		assertThat(sandbox.expiresAt()).isEqualTo(renewed);
		assertThat(sandbox.createdAt()).isEqualTo(NOW);
		assertThat(sandbox.owner()).isEqualTo("pythonSandbox");
		assertThat(this.tracker.isTracked("unknown")).isFalse();
	}

	@Test
	void goneForgetsTheSandboxTellsTheListenersAndSaysWhetherItWasTracked() {
		java.util.List<String> told = new java.util.ArrayList<>();
		this.tracker.onGone((sandbox) -> told.add(sandbox.id()));
		this.tracker.track(new SandboxTracker.TrackedSandbox("a", null, Instant.EPOCH, null, null, null));
		assertThat(this.tracker.gone("a")).isTrue();
		assertThat(this.tracker.gone("a")).isFalse();
		assertThat(this.tracker.isTracked("a")).isFalse();
		assertThat(told).containsExactly("a");
	}

	@Test
	void closedTrackerRefusesNewSandboxes() {
		this.tracker.close();
		assertThat(this.tracker.isClosed()).isTrue();
		assertThatIllegalStateException().isThrownBy(() -> this.tracker.track(sandbox("a", NOW)))
			.withMessageContaining("shutting down");
		assertThatIllegalStateException().isThrownBy(this.tracker::checkOpen).withMessageContaining("shutting down");
		assertThat(this.tracker.isTracked("a")).isFalse();
		assertThat(this.tracker.size()).isZero();
	}

	@Test
	void openTrackerPassesCheckOpen() {
		this.tracker.checkOpen();
		assertThat(this.tracker.isClosed()).isFalse();
	}

	@Test
	void closedTrackerStillListsAndUntracksWhatItTracked() {
		this.tracker.track(sandbox("a", NOW));
		this.tracker.track(sandbox("b", NOW.plusSeconds(1)));
		this.tracker.close();
		assertThat(this.tracker.tracked()).extracting(SandboxTracker.TrackedSandbox::id).containsExactly("a", "b");
		assertThat(this.tracker.untrack("a")).isTrue();
		assertThat(this.tracker.size()).isOne();
	}

	private static SandboxTracker.TrackedSandbox sandbox(String id, Instant createdAt) {
		return new SandboxTracker.TrackedSandbox(id, "python:3.12", createdAt, createdAt.plus(Duration.ofMinutes(10)),
				Duration.ofMinutes(10), "pythonSandbox");
	}

}
