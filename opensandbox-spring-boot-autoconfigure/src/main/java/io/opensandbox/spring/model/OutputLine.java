package io.opensandbox.spring.model;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One line of a command's output, without its terminator.
 *
 * @param text the line
 * @param timestamp when execd read it, if it said
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record OutputLine(String text, @Nullable Instant timestamp) {

	@Override
	public String toString() {
		return this.text;
	}

}
