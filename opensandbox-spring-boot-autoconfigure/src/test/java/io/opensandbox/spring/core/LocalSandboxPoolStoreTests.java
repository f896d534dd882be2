package io.opensandbox.spring.core;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The books of a pool kept in memory.
 *
 * @author OpenSandbox Spring Boot
 */
class LocalSandboxPoolStoreTests extends SandboxPoolStoreTests {

	@Override
	SandboxPoolStore store() {
		return new LocalSandboxPoolStore();
	}

	@Test
	void upkeepForgetsNothingClaimedEvenBeforeThePoolHoldsIt() {
		SandboxPoolStore store = store();
		add(store, "sb-1");
		add(store, "sb-2");
		store.claim().block();
		store.claim().block();
		assertThat(store.upkeep(List.of("sb-2")).block()).isEmpty();
		assertThat(store.counts().block()).as("sb-1 is claimed and being handed out")
			.isEqualTo(new SandboxPoolStore.Counts(0, 2, 0));
		store.done("sb-1").block();
		assertThat(store.counts().block()).isEqualTo(new SandboxPoolStore.Counts(0, 1, 0));
	}

}
