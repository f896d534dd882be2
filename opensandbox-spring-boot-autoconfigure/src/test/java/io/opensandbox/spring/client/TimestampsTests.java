package io.opensandbox.spring.client;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.opensandbox.spring.error.OpenSandboxProtocolException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Reading timestamps: the usual RFC 3339 shape without a formatter, to the instant the
 * JDK's parser reads, and everything else through that parser.
 *
 * @author OpenSandbox Spring Boot
 */
class TimestampsTests {

	@Test
	void readsTheUsualShapesItself() {
		for (String value : List.of("2026-11-22T03:00:00Z", "2026-11-22T03:00:00.123456Z",
				"2026-11-22T03:00:00.123456789Z", "2026-11-22T03:00:00.1+02:00", "2024-02-29T23:59:59-05:30",
				"1970-01-01T00:00:00Z", "2026-11-22T03:00:00+18:00", "2026-11-22T03:00:00-00:00")) {
			assertThat(Timestamps.rfc3339(value)).as(value)
				.isNotNull()
				.isEqualTo(OffsetDateTime.parse(value).toInstant());
			assertThat(Timestamps.parse(value, "f")).isEqualTo(OffsetDateTime.parse(value).toInstant());
		}
	}

	@Test
	void leavesOtherShapesToTheJdkParser() {
		for (String value : List.of("2026-11-22t03:00:00z", "2026-11-22T03:00:00+02:00:30", "2026-11-22T24:00:00Z",
				"2026-11-22T03:00Z", "2026-02-30T03:00:00Z", "2026-11-22T03:00:00.Z", "2026-11-22T03:00:00.1234567891Z",
				"+12026-11-22T03:00:00Z", "2026-11-22T03:00:00", "2026-11-22T03:00:00+19:00")) {
			assertThat(Timestamps.rfc3339(value)).as(value).isNull();
		}
		assertThat(Timestamps.parse("2026-11-22t03:00:00z", "f")).isEqualTo(Instant.parse("2026-11-22T03:00:00Z"));
		assertThat(Timestamps.parse("2026-11-22T03:00:00+02:00:30", "f"))
			.isEqualTo(Instant.parse("2026-11-22T00:59:30Z"));
		assertThat(Timestamps.parse("2026-11-22T03:00:00", "f")).isEqualTo(Instant.parse("2026-11-22T03:00:00Z"));
		assertThatExceptionOfType(OpenSandboxProtocolException.class)
			.isThrownBy(() -> Timestamps.parse("2026-02-30T03:00:00Z", "createdAt"))
			.withMessageContaining("createdAt");
	}

	@Test
	void agreesWithTheJdkParserOnRandomTimestamps() {
		Random random = new Random(5);
		int readItself = 0;
		for (int i = 0; i < 20_000; i++) {
			StringBuilder value = new StringBuilder(String.format(Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d",
					random.nextInt(10000), random.nextInt(14), random.nextInt(33), random.nextInt(26),
					random.nextInt(62), random.nextInt(62)));
			if (random.nextBoolean()) {
				value.append('.');
				int digits = random.nextInt(11);
				for (int d = 0; d < digits; d++) {
					value.append((char) ('0' + random.nextInt(10)));
				}
			}
			switch (random.nextInt(4)) {
				case 0 -> value.append('Z');
				case 1 -> value.append(String.format(Locale.ROOT, "%s%02d:%02d", random.nextBoolean() ? "+" : "-",
						random.nextInt(20), random.nextInt(62)));
				case 2 -> value.append(random.nextBoolean() ? "z" : "+0100");
				default -> {
					// no offset
				}
			}
			String text = value.toString();
			Instant expected;
			try {
				expected = OffsetDateTime.parse(text).toInstant();
			}
			catch (DateTimeParseException ex) {
				expected = null;
			}
			Instant fast = Timestamps.rfc3339(text);
			if (fast != null) {
				readItself++;
				assertThat(fast).as(text).isEqualTo(expected);
			}
		}
		assertThat(readItself).isGreaterThan(1000);
	}

}
