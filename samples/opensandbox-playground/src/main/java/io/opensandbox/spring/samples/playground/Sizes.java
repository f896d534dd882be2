package io.opensandbox.spring.samples.playground;

import java.util.Locale;

/**
 * Byte counts for people: {@code 10 MiB}, {@code 1.5 KiB}, {@code 12 bytes}.
 *
 * @author OpenSandbox Spring Boot
 */
final class Sizes {

	private static final String[] UNITS = { "KiB", "MiB", "GiB", "TiB" };

	private Sizes() {
	}

	static String format(long bytes) {
		if (bytes < 1024) {
			return bytes + ((bytes == 1) ? " byte" : " bytes");
		}
		double value = bytes;
		int unit = -1;
		while (value >= 1024 && unit < UNITS.length - 1) {
			value /= 1024;
			unit++;
		}
		String number = (value == Math.rint(value)) ? String.valueOf((long) value)
				: String.format(Locale.ROOT, "%.1f", value);
		return number + " " + UNITS[unit];
	}

}
