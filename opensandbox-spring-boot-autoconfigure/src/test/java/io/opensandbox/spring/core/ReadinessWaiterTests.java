package io.opensandbox.spring.core;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parts of {@link ReadinessWaiter} that need no server: its schedules and how a
 * failure shows the server's last events. The waits themselves are specified in
 * {@link SandboxTemplateTests}.
 *
 * @author OpenSandbox Spring Boot
 */
class ReadinessWaiterTests {

	@Test
	void aScheduleStartsAtItsFirstDelayAndGrowsByItsStepToItsCap() {
		ReadinessWaiter.Backoff backoff = new ReadinessWaiter.Backoff(Duration.ofMillis(250), Duration.ofMillis(150),
				Duration.ofMillis(600));
		assertThat(backoff.next()).isEqualTo(Duration.ofMillis(250));
		assertThat(backoff.next()).isEqualTo(Duration.ofMillis(400));
		assertThat(backoff.next()).isEqualTo(Duration.ofMillis(550));
		assertThat(backoff.next()).isEqualTo(Duration.ofMillis(600));
		assertThat(backoff.next()).isEqualTo(Duration.ofMillis(600));
	}

	@Test
	void aCapBelowTheFirstDelayWins() {
		ReadinessWaiter.Backoff backoff = new ReadinessWaiter.Backoff(Duration.ofMillis(250), Duration.ofMillis(150),
				Duration.ofMillis(20));
		assertThat(backoff.next()).isEqualTo(Duration.ofMillis(20));
		assertThat(backoff.next()).isEqualTo(Duration.ofMillis(20));
	}

	@Test
	void aConstantScheduleNeverChanges() {
		ReadinessWaiter.Backoff backoff = ReadinessWaiter.Backoff.constant(Duration.ofMillis(10));
		for (int i = 0; i < 5; i++) {
			assertThat(backoff.next()).isEqualTo(Duration.ofMillis(10));
		}
	}

	@Test
	void aFailureShowsTheLastFiveEventsStrippedAndShortened() {
		String content = "  one \n\ntwo\nthree\nfour\nfive\n" + "x".repeat(250) + "\n   \n";
		assertThat(ReadinessWaiter.lastLines(content))
			.isEqualTo("two | three | four | five | " + "x".repeat(200) + "...");
		assertThat(ReadinessWaiter.lastLines("only\n")).isEqualTo("only");
		assertThat(ReadinessWaiter.lastLines("x".repeat(200))).isEqualTo("x".repeat(200));
	}

	@Test
	void noEventsMeansNothingToShow() {
		assertThat(ReadinessWaiter.lastLines(null)).isNull();
		assertThat(ReadinessWaiter.lastLines("")).isNull();
		assertThat(ReadinessWaiter.lastLines(" \n \n")).isNull();
	}

}
