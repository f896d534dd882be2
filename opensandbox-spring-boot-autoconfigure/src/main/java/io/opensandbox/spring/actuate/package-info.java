/**
 * The {@code sandboxes} actuator endpoint, usable without auto-configuration.
 */
@NullMarked
package io.opensandbox.spring.actuate;

import org.jspecify.annotations.NullMarked;
