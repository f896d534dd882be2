package io.opensandbox.spring.client;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.error.OpenSandboxProtocolException;

/**
 * Reads the timestamps OpenSandbox components write: RFC 3339 with {@code Z} or an offset,
 * and, from some deployments, local date-times meant as UTC.
 */
final class Timestamps {

	private Timestamps() {
	}

	static @Nullable Instant parse(@Nullable String value, String field) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return OffsetDateTime.parse(value).toInstant();
		}
		catch (DateTimeParseException ex) {
			try {
				return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
			}
			catch (DateTimeParseException ex2) {
				throw new OpenSandboxProtocolException("Field '" + field + "' is not a timestamp: '" + value + "'", ex);
			}
		}
	}

}
