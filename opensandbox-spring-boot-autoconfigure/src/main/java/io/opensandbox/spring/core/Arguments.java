package io.opensandbox.spring.core;

import java.util.Collection;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

import io.opensandbox.spring.model.CommandOptions;

/**
 * Checks the arguments of the sandbox APIs when a call is made, so that a bad argument is
 * an {@link IllegalArgumentException} at once, before the sandbox's endpoint is looked up
 * or anything is sent. The one place where the public API checks its arguments.
 *
 * @author OpenSandbox Spring Boot
 */
final class Arguments {

	private Arguments() {
	}

	static void text(@Nullable String value, String what) {
		Assert.isTrue(value != null && !value.isBlank(), () -> what + " must not be empty");
	}

	static void notNull(@Nullable Object value, String what) {
		Assert.isTrue(value != null, () -> what + " must not be null");
	}

	static void future(java.time.@Nullable Instant instant, java.time.Clock clock, String what) {
		Assert.isTrue(instant != null && instant.isAfter(clock.instant()),
				() -> what + " must be in the future, not " + instant);
	}

	static void notNegative(long value, String what) {
		Assert.isTrue(value >= 0, () -> what + " must not be negative, not " + value);
	}

	static void positive(long value, String what) {
		Assert.isTrue(value > 0, () -> what + " must be positive, not " + value);
	}

	static void notEmpty(@Nullable Collection<?> values, String what) {
		Assert.isTrue(values != null && !values.isEmpty(), () -> "At least one " + what + " is needed");
		Assert.noNullElements(values, () -> "No " + what + " may be null");
	}

	static void paths(@Nullable Collection<String> paths) {
		notEmpty(paths, "path");
		if (paths != null) {
			paths.forEach((path) -> text(path, "Path"));
		}
	}

	static void command(@Nullable String command, @Nullable CommandOptions options) {
		text(command, "Command");
		notNull(options, "Command options");
	}

	static void sessionCommand(@Nullable String command, @Nullable CommandOptions options) {
		command(command, options);
		Assert.isTrue(options != null && options.env().isEmpty() && options.uid() == null,
				"A bash session run takes only a working directory and a time limit, not an environment or a user");
	}

}
