package io.opensandbox.spring.client;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.error.OpenSandboxProtocolException;

/**
 * Reads the timestamps OpenSandbox components write: RFC 3339 with {@code Z} or an
 * offset, and, from some deployments, local date-times meant as UTC. Every sandbox the
 * server describes carries three of them, so the usual shape is read without a
 * {@code DateTimeFormatter}.
 *
 * @author OpenSandbox Spring Boot
 */
final class Timestamps {

	private static final int SECONDS_PER_DAY = 86_400;

	private Timestamps() {
	}

	static @Nullable Instant parse(@Nullable String value, String field) {
		if (value == null || value.isBlank()) {
			return null;
		}
		Instant instant = rfc3339(value);
		if (instant != null) {
			return instant;
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

	/**
	 * Read {@code yyyy-MM-ddTHH:mm:ss[.fraction](Z|+HH:MM|-HH:MM)} with valid field
	 * values, which {@link OffsetDateTime#parse} reads to the same instant.
	 * @param value the text
	 * @return the instant, or {@code null} for any other text, left to the general parser
	 */
	static @Nullable Instant rfc3339(String value) {
		int length = value.length();
		if (length < 20 || value.charAt(4) != '-' || value.charAt(7) != '-' || value.charAt(10) != 'T'
				|| value.charAt(13) != ':' || value.charAt(16) != ':') {
			return null;
		}
		int year = digits(value, 0, 4);
		int month = digits(value, 5, 2);
		int day = digits(value, 8, 2);
		int hour = digits(value, 11, 2);
		int minute = digits(value, 14, 2);
		int second = digits(value, 17, 2);
		if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
				|| second > 59) {
			return null;
		}
		int i = 19;
		int nanos = 0;
		if (value.charAt(i) == '.') {
			int start = ++i;
			while (i < length && i - start < 9 && isDigit(value.charAt(i))) {
				nanos = nanos * 10 + (value.charAt(i) - '0');
				i++;
			}
			int count = i - start;
			if (count == 0 || (i < length && isDigit(value.charAt(i)))) {
				return null;
			}
			for (int k = count; k < 9; k++) {
				nanos *= 10;
			}
		}
		int offset;
		if (i == length - 1 && value.charAt(i) == 'Z') {
			offset = 0;
		}
		else if (i == length - 6 && (value.charAt(i) == '+' || value.charAt(i) == '-') && value.charAt(i + 3) == ':') {
			int offsetHours = digits(value, i + 1, 2);
			int offsetMinutes = digits(value, i + 4, 2);
			if (offsetHours < 0 || offsetMinutes < 0 || offsetMinutes > 59 || offsetHours > 18
					|| (offsetHours == 18 && offsetMinutes > 0)) {
				return null;
			}
			offset = ((value.charAt(i) == '-') ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
		}
		else {
			return null;
		}
		long epochDay;
		try {
			epochDay = LocalDate.of(year, month, day).toEpochDay();
		}
		catch (DateTimeException ex) {
			return null;
		}
		long seconds = epochDay * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second - offset;
		return Instant.ofEpochSecond(seconds, nanos);
	}

	private static int digits(String value, int start, int count) {
		int result = 0;
		for (int i = start; i < start + count; i++) {
			char c = value.charAt(i);
			if (!isDigit(c)) {
				return -1;
			}
			result = result * 10 + (c - '0');
		}
		return result;
	}

	private static boolean isDigit(char c) {
		return c >= '0' && c <= '9';
	}

}
