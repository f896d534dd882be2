package io.opensandbox.spring.model;

/**
 * A slice of a background command's output.
 *
 * @param text the output after the requested cursor (stdout and stderr interleaved)
 * @param cursor the cursor to pass next time to read only newer output
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record CommandLogs(String text, long cursor) {

}
