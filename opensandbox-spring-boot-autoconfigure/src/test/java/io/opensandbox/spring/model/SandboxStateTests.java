package io.opensandbox.spring.model;

import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link SandboxState}.
 *
 * @author OpenSandbox Spring Boot
 */
class SandboxStateTests {

	@Test
	void knownStatesUseTheServerNames() {
		assertThat(Set.of(SandboxState.PENDING, SandboxState.RUNNING, SandboxState.PAUSING, SandboxState.PAUSED,
				SandboxState.RESUMING, SandboxState.STOPPING, SandboxState.TERMINATED, SandboxState.FAILED))
			.extracting(SandboxState::value)
			.containsExactlyInAnyOrder("Pending", "Running", "Pausing", "Paused", "Resuming", "Stopping", "Terminated",
					"Failed");
	}

	@Test
	void equalityIgnoresCase() {
		assertThat(SandboxState.of("running")).isEqualTo(SandboxState.RUNNING);
		assertThat(SandboxState.of("RUNNING")).isEqualTo(SandboxState.RUNNING);
		assertThat(SandboxState.RUNNING).isEqualTo(SandboxState.of("rUnNiNg"));
		assertThat(SandboxState.of("running")).hasSameHashCodeAs(SandboxState.RUNNING);
		assertThat(Set.of(SandboxState.RUNNING)).contains(SandboxState.of("running"));
	}

	@Test
	void differentStatesAreNotEqual() {
		assertThat(SandboxState.RUNNING).isNotEqualTo(SandboxState.PAUSED);
		assertThat(SandboxState.RUNNING).isNotEqualTo("Running");
		assertThat(SandboxState.RUNNING).isNotEqualTo(null);
	}

	@Test
	void unknownStateIsKeptAsSent() {
		SandboxState state = SandboxState.of("Hibernating");
		assertThat(state.value()).isEqualTo("Hibernating");
		assertThat(state).hasToString("Hibernating");
		assertThat(state).isEqualTo(SandboxState.of("hibernating"));
		assertThat(state.isTerminal()).isFalse();
		assertThat(Set.of(SandboxState.PENDING, SandboxState.RUNNING, SandboxState.PAUSING, SandboxState.PAUSED,
				SandboxState.RESUMING, SandboxState.STOPPING, SandboxState.TERMINATED, SandboxState.FAILED))
			.doesNotContain(state);
	}

	@Test
	void valueKeepsTheCaseItWasSentIn() {
		assertThat(SandboxState.of("running").value()).isEqualTo("running");
		assertThat(SandboxState.of("running")).hasToString("running");
	}

	@ParameterizedTest
	@ValueSource(strings = { "Terminated", "terminated", "Failed", "FAILED" })
	void terminatedAndFailedAreTerminal(String value) {
		assertThat(SandboxState.of(value).isTerminal()).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "Pending", "Running", "Pausing", "Paused", "Resuming", "Stopping" })
	void otherStatesAreNotTerminal(String value) {
		assertThat(SandboxState.of(value).isTerminal()).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "  " })
	void blankStateIsRejected(String value) {
		assertThatIllegalArgumentException().isThrownBy(() -> SandboxState.of(value));
	}

}
