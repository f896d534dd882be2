package io.opensandbox.spring.core;

import java.util.Collection;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import io.opensandbox.spring.model.CommandOptions;

/**
 * Checks the arguments of the sandbox APIs when a call is made, so that a bad argument is
 * an {@link IllegalArgumentException} at once, before the sandbox's endpoint is looked up
 * or anything is sent. The clients check the same arguments again; this only moves the
 * failure earlier.
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

	static void notEmpty(@Nullable Collection<?> values, String what) {
		Assert.isTrue(values != null && !values.isEmpty(), () -> "At least one " + what + " is needed");
		Assert.noNullElements(values, () -> "No " + what + " may be null");
	}

	static void paths(@Nullable Collection<String> paths) {
		notEmpty(paths, "path");
		paths.forEach((path) -> text(path, "Path"));
	}

	static void command(@Nullable String command, @Nullable CommandOptions options) {
		text(command, "Command");
		notNull(options, "Command options");
	}

}
