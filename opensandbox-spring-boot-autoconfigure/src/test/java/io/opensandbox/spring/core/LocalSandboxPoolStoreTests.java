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
	void upkeepForgetsWhatThisInstanceNoLongerHolds() {
		SandboxPoolStore store = store();
		add(store, "sb-1");
		add(store, "sb-2");
		add(store, "sb-3");
		store.claim().block();
		store.claim().block();
		assertThat(store.upkeep(List.of("sb-2")).block()).isEmpty();
		assertThat(store.counts().block()).isEqualTo(new SandboxPoolStore.Counts(1, 1, 0));
	}

}
