package io.opensandbox.spring.core;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link Readiness}: defaults, copies and what it refuses.
 *
 * @author OpenSandbox Spring Boot
 */
class ReadinessTests {

	@Test
	void defaultsWaitForExecdWithinThirtySeconds() {
		Readiness defaults = Readiness.defaults();
		assertThat(defaults.check()).isSameAs(Readiness.Check.EXECD_PING);
		assertThat(defaults.timeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(defaults.pollInterval()).isEqualTo(Duration.ofMillis(400));
		assertThat(defaults.probeInterval()).isEqualTo(Duration.ofMillis(10));
		assertThat(defaults.waits()).isTrue();
	}

	@Test
	void skipDoesNotWaitAndKeepsTheRest() {
		Readiness skip = Readiness.skip();
		assertThat(skip.waits()).isFalse();
		assertThat(skip.check()).isSameAs(Readiness.Check.NONE);
		assertThat(skip.timeout()).isEqualTo(Readiness.DEFAULT_TIMEOUT);
		assertThat(Readiness.Check.NONE.check(null).block()).isNull();
	}

	@Test
	void copiesChangeOneThingEach() {
		Readiness.Check check = (sandbox) -> reactor.core.publisher.Mono.empty();
		Readiness changed = Readiness.defaults()
			.withCheck(check)
			.withTimeout(Duration.ofSeconds(5))
			.withPollInterval(Duration.ofMillis(250))
			.withProbeInterval(Duration.ofMillis(3));
		assertThat(changed)
			.isEqualTo(new Readiness(check, Duration.ofSeconds(5), Duration.ofMillis(250), Duration.ofMillis(3)));
		assertThat(Readiness.defaults()).isEqualTo(new Readiness(Readiness.Check.EXECD_PING, Readiness.DEFAULT_TIMEOUT,
				Readiness.DEFAULT_POLL_INTERVAL, Readiness.DEFAULT_PROBE_INTERVAL));
	}

	@Test
	void aMissingCheckOrANonPositiveDurationIsRefused() {
		Duration second = Duration.ofSeconds(1);
		assertThatIllegalArgumentException().isThrownBy(() -> new Readiness(null, second, second, second));
		for (Duration bad : new Duration[] { null, Duration.ZERO, Duration.ofMillis(-1) }) {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> new Readiness(Readiness.Check.EXECD_PING, bad, second, second))
				.withMessage("Ready timeout must be positive");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> new Readiness(Readiness.Check.EXECD_PING, second, bad, second))
				.withMessage("Ready poll interval must be positive");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> new Readiness(Readiness.Check.EXECD_PING, second, second, bad))
				.withMessage("Ready probe interval must be positive");
		}
	}

}
