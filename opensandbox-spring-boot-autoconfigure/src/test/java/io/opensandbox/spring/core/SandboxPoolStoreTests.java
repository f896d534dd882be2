package io.opensandbox.spring.core;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every store of a pool's books does, whether it keeps them in memory or shares them
 * through Redis: limits on reservations, creations that lost their reservation, idle
 * order, claims, removals and the drain.
 *
 * @author OpenSandbox Spring Boot
 */
abstract class SandboxPoolStoreTests {

	static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");

	/**
	 * The store under test, empty.
	 * @return the store
	 */
	abstract SandboxPoolStore store();

	@Test
	void reservationsRespectTheTargetForTheRefillAndTheTotalForCallers() {
		SandboxPoolStore store = store();
		String first = store.reserve(1, 2, false).block();
		assertThat(first).isNotNull();
		assertThat(store.reserve(1, 2, false).block()).as("the refill stops at the target").isNull();
		String forCaller = store.reserve(1, 2, true).block();
		assertThat(forCaller).as("a caller may go past the target").isNotNull().isNotEqualTo(first);
		assertThat(store.reserve(5, 2, true).block()).as("nobody goes past the total").isNull();
		assertThat(store.counts().block()).isEqualTo(new SandboxPoolStore.Counts(0, 0, 2));
		store.createdInUse(forCaller, "sb-used").block();
		assertThat(store.created(first, new SandboxPoolStore.Idle("sb-idle", NOW, null)).block()).isTrue();
		assertThat(store.counts().block()).isEqualTo(new SandboxPoolStore.Counts(1, 1, 0));
	}

	@Test
	void aCreationWhoseReservationIsGoneIsNotAdded() {
		SandboxPoolStore store = store();
		String token = store.reserve(1, 1, false).block();
		store.cancel(token).block();
		assertThat(store.created(token, new SandboxPoolStore.Idle("sb-late", NOW, null)).block()).isFalse();
		assertThat(store.idle().block()).isEmpty();
		assertThat(store.counts().block()).isEqualTo(new SandboxPoolStore.Counts(0, 0, 0));
	}

	@Test
	void idleSandboxesAreListedOldestFirstWithTheirTimes() {
		SandboxPoolStore store = store();
		assertThat(store.idle().block()).as("an empty pool lists nothing, rather than not answering").isEmpty();
		add(store, new SandboxPoolStore.Idle("sb-1", NOW.plusSeconds(1), null));
		add(store, new SandboxPoolStore.Idle("sb-2", NOW.plusSeconds(2), NOW.plusSeconds(600)));
		add(store, new SandboxPoolStore.Idle("sb-3", NOW.plusSeconds(3), NOW.plusSeconds(900)));
		assertThat(store.idle().block()).containsExactly(new SandboxPoolStore.Idle("sb-1", NOW.plusSeconds(1), null),
				new SandboxPoolStore.Idle("sb-2", NOW.plusSeconds(2), NOW.plusSeconds(600)),
				new SandboxPoolStore.Idle("sb-3", NOW.plusSeconds(3), NOW.plusSeconds(900)));
	}

	@Test
	void claimsTakeTheOldestIdleSandboxOnceAndRenewalsKeepItsPlace() {
		SandboxPoolStore store = store();
		add(store, "sb-1");
		add(store, "sb-2");
		store.renewed("sb-1", NOW.plusSeconds(600)).block();
		assertThat(store.idle().block()).extracting(SandboxPoolStore.Idle::id).containsExactly("sb-1", "sb-2");
		assertThat(store.idle().block().get(0).expiresAt()).isEqualTo(NOW.plusSeconds(600));
		assertThat(store.claim().block().id()).isEqualTo("sb-1");
		assertThat(store.remove("sb-1").block()).as("claimed, so no longer idle").isFalse();
		assertThat(store.remove("sb-2").block()).isTrue();
		assertThat(store.remove("sb-2").block()).as("removed once").isFalse();
		assertThat(store.claim().block()).isNull();
		assertThat(store.counts().block()).isEqualTo(new SandboxPoolStore.Counts(0, 1, 0));
		store.done("sb-1").block();
		assertThat(store.counts().block()).isEqualTo(new SandboxPoolStore.Counts(0, 0, 0));
	}

	@Test
	void theDrainHandsOverTheIdleSandboxesOnce() {
		SandboxPoolStore store = store();
		store.join().block();
		add(store, "sb-1");
		add(store, "sb-2");
		store.claim().block();
		assertThat(store.drain().block()).extracting(SandboxPoolStore.Idle::id).containsExactly("sb-2");
		assertThat(store.idle().block()).isEmpty();
		assertThat(store.drain().block()).isEmpty();
	}

	static void add(SandboxPoolStore store, String id) {
		add(store, new SandboxPoolStore.Idle(id, NOW, null));
	}

	static void add(SandboxPoolStore store, SandboxPoolStore.Idle idle) {
		String token = store.reserve(10, 10, false).block();
		assertThat(store.created(token, idle).block()).isTrue();
	}

}
