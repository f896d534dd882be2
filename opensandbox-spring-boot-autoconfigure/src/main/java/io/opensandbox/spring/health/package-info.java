/**
 * Health indicator for the OpenSandbox lifecycle server, usable without
 * auto-configuration.
 */
@NullMarked
package io.opensandbox.spring.health;

import org.jspecify.annotations.NullMarked;
