package io.opensandbox.spring.samples.playground;

import org.jspecify.annotations.Nullable;

/**
 * What the page asks to run.
 *
 * @param language {@code shell} (the default) or {@code python}
 * @param code the shell command or the Python program
 * @param timeoutSeconds the time limit in seconds, or {@code null} for the default
 * @author OpenSandbox Spring Boot
 */
public record RunRequest(@Nullable String language, @Nullable String code, @Nullable Integer timeoutSeconds) {

}
