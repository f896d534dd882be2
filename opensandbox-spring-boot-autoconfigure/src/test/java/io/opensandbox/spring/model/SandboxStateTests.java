package io.opensandbox.spring.model;

import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link SandboxInfo.State}.
 *
 * @author OpenSandbox Spring Boot
 */
class SandboxStateTests {

	@Test
	void knownStatesUseTheServerNames() {
		assertThat(Set.of(SandboxInfo.State.PENDING, SandboxInfo.State.RUNNING, SandboxInfo.State.PAUSING,
				SandboxInfo.State.PAUSED, SandboxInfo.State.RESUMING, SandboxInfo.State.STOPPING,
				SandboxInfo.State.TERMINATED, SandboxInfo.State.FAILED))
			.extracting(SandboxInfo.State::value)
			.containsExactlyInAnyOrder("Pending", "Running", "Pausing", "Paused", "Resuming", "Stopping", "Terminated",
					"Failed");
	}

	@Test
	void equalityIgnoresCase() {
		assertThat(SandboxInfo.State.of("running")).isEqualTo(SandboxInfo.State.RUNNING);
		assertThat(SandboxInfo.State.of("RUNNING")).isEqualTo(SandboxInfo.State.RUNNING);
		assertThat(SandboxInfo.State.RUNNING).isEqualTo(SandboxInfo.State.of("rUnNiNg"));
		assertThat(SandboxInfo.State.of("running")).hasSameHashCodeAs(SandboxInfo.State.RUNNING);
		assertThat(Set.of(SandboxInfo.State.RUNNING)).contains(SandboxInfo.State.of("running"));
	}

	@Test
	void differentStatesAreNotEqual() {
		assertThat(SandboxInfo.State.RUNNING).isNotEqualTo(SandboxInfo.State.PAUSED);
		assertThat(SandboxInfo.State.RUNNING).isNotEqualTo("Running");
		assertThat(SandboxInfo.State.RUNNING).isNotEqualTo(null);
	}

	@Test
	void unknownStateIsKeptAsSent() {
		SandboxInfo.State state = SandboxInfo.State.of("Hibernating");
		assertThat(state.value()).isEqualTo("Hibernating");
		assertThat(state).hasToString("Hibernating");
		assertThat(state).isEqualTo(SandboxInfo.State.of("hibernating"));
		assertThat(state.isTerminal()).isFalse();
		assertThat(Set.of(SandboxInfo.State.PENDING, SandboxInfo.State.RUNNING, SandboxInfo.State.PAUSING,
				SandboxInfo.State.PAUSED, SandboxInfo.State.RESUMING, SandboxInfo.State.STOPPING,
				SandboxInfo.State.TERMINATED, SandboxInfo.State.FAILED))
			.doesNotContain(state);
	}

	@Test
	void valueKeepsTheCaseItWasSentIn() {
		assertThat(SandboxInfo.State.of("running").value()).isEqualTo("running");
		assertThat(SandboxInfo.State.of("running")).hasToString("running");
	}

	@ParameterizedTest
	@ValueSource(strings = { "Terminated", "terminated", "Failed", "FAILED" })
	void terminatedAndFailedAreTerminal(String value) {
		assertThat(SandboxInfo.State.of(value).isTerminal()).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "Pending", "Running", "Pausing", "Paused", "Resuming", "Stopping" })
	void otherStatesAreNotTerminal(String value) {
		assertThat(SandboxInfo.State.of(value).isTerminal()).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "  " })
	void blankStateIsRejected(String value) {
		assertThatIllegalArgumentException().isThrownBy(() -> SandboxInfo.State.of(value));
	}

}
