package io.opensandbox.spring.test.server;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

import org.jspecify.annotations.Nullable;

/**
 * RFC 3339 timestamps as the lifecycle server writes them (UTC, microseconds).
 *
 * @author OpenSandbox Spring Boot
 */
final class Timestamps {

	private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX")
		.withZone(ZoneOffset.UTC);

	private Timestamps() {
	}

	static String format(Instant instant) {
		return FORMAT.format(instant.truncatedTo(ChronoUnit.MICROS));
	}

	/**
	 * A timestamp as execd (Go) writes it: RFC 3339 with nanoseconds, trailing zeros
	 * trimmed.
	 * @param instant the instant
	 * @return the text
	 */
	static String formatNanos(Instant instant) {
		return instant.toString();
	}

	/**
	 * Parse a timestamp as the lifecycle server's datetimes: RFC 3339 in the years 1 to
	 * 9999 (Python's), so that no later arithmetic on it can overflow.
	 * @param value the text
	 * @return the instant, or null if the text is not such a timestamp
	 */
	static @Nullable Instant parse(String value) {
		OffsetDateTime parsed;
		try {
			parsed = OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
		}
		catch (DateTimeParseException ex) {
			try {
				parsed = Instant.parse(value).atOffset(ZoneOffset.UTC);
			}
			catch (DateTimeParseException ex2) {
				return null;
			}
		}
		int year = parsed.getYear();
		return (year >= 1 && year <= 9999) ? parsed.toInstant() : null;
	}

}
