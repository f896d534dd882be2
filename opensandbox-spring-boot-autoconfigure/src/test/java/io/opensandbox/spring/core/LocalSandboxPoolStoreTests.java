package io.opensandbox.spring.core;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The books of a pool kept in memory: limits on reservations, idle order, claims, lapsed
 * reservations and the drain.
 *
 * @author OpenSandbox Spring Boot
 */
class LocalSandboxPoolStoreTests {

	private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");

	private final LocalSandboxPoolStore store = new LocalSandboxPoolStore();

	@Test
	void reservationsRespectTheTargetForTheRefillAndTheTotalForCallers() {
		String first = this.store.reserve(1, 2, false).block();
		assertThat(first).isNotNull();
		assertThat(this.store.reserve(1, 2, false).block()).as("the refill stops at the target").isNull();
		String forCaller = this.store.reserve(1, 2, true).block();
		assertThat(forCaller).as("a caller may go past the target").isNotNull();
		assertThat(this.store.reserve(5, 2, true).block()).as("nobody goes past the total").isNull();
		assertThat(this.store.counts().block()).isEqualTo(new SandboxPoolStore.Counts(0, 0, 2));
		this.store.createdInUse(forCaller, "sb-used").block();
		assertThat(this.store.created(first, new SandboxPoolStore.Idle("sb-idle", NOW, null)).block()).isTrue();
		assertThat(this.store.counts().block()).isEqualTo(new SandboxPoolStore.Counts(1, 1, 0));
	}

	@Test
	void aCreationWhoseReservationIsGoneIsNotAdded() {
		String token = this.store.reserve(1, 1, false).block();
		this.store.cancel(token).block();
		assertThat(this.store.created(token, new SandboxPoolStore.Idle("sb-late", NOW, null)).block()).isFalse();
		assertThat(this.store.idle().block()).isEmpty();
	}

	@Test
	void claimsTakeTheOldestIdleSandboxOnceAndRenewalsKeepItsPlace() {
		add("sb-1");
		add("sb-2");
		this.store.renewed("sb-1", NOW.plusSeconds(600)).block();
		assertThat(this.store.idle().block()).extracting(SandboxPoolStore.Idle::id).containsExactly("sb-1", "sb-2");
		assertThat(this.store.idle().block().get(0).expiresAt()).isEqualTo(NOW.plusSeconds(600));
		assertThat(this.store.claim().block().id()).isEqualTo("sb-1");
		assertThat(this.store.remove("sb-1").block()).as("claimed, so no longer idle").isFalse();
		assertThat(this.store.remove("sb-2").block()).isTrue();
		assertThat(this.store.claim().block()).isNull();
		assertThat(this.store.counts().block()).isEqualTo(new SandboxPoolStore.Counts(0, 1, 0));
	}

	@Test
	void upkeepForgetsWhatThisInstanceNoLongerHoldsAndTheDrainEmptiesTheIdle() {
		add("sb-1");
		add("sb-2");
		add("sb-3");
		this.store.claim().block();
		this.store.claim().block();
		assertThat(this.store.upkeep(List.of("sb-2")).block()).isEmpty();
		assertThat(this.store.counts().block()).isEqualTo(new SandboxPoolStore.Counts(1, 1, 0));
		assertThat(this.store.drain().block()).extracting(SandboxPoolStore.Idle::id).containsExactly("sb-3");
		assertThat(this.store.idle().block()).isEmpty();
		assertThat(this.store.drain().block()).isEmpty();
	}

	private void add(String id) {
		String token = this.store.reserve(10, 10, false).block();
		assertThat(this.store.created(token, new SandboxPoolStore.Idle(id, NOW, null)).block()).isTrue();
	}

}
