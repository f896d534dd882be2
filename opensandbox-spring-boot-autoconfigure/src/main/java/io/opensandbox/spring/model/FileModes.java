package io.opensandbox.spring.model;

import org.springframework.util.Assert;

/**
 * Checks file modes written the way execd reads them: octal digits in a decimal int, so
 * {@code rwxr-xr-x} is {@code 755}, not {@code 0755} or {@code 493}.
 *
 * @author OpenSandbox Spring Boot
 */
final class FileModes {

	/** The largest mode: all permission bits plus setuid, setgid and sticky. */
	private static final int MAX = 7777;

	private FileModes() {
	}

	static int require(int mode) {
		Assert.isTrue(mode >= 0 && mode <= MAX && onlyOctalDigits(mode),
				() -> "Mode " + mode + " must be written in octal digits (0-7), for example 755 or 644");
		return mode;
	}

	private static boolean onlyOctalDigits(int mode) {
		for (int rest = mode; rest > 0; rest /= 10) {
			if (rest % 10 > 7) {
				return false;
			}
		}
		return true;
	}

}
