/**
 * Auto-configuration of the {@code sandboxes} actuator endpoint.
 */
@NullMarked
package io.opensandbox.spring.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
