/**
 * Auto-configuration of the OpenSandbox health indicator.
 */
@NullMarked
package io.opensandbox.spring.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
