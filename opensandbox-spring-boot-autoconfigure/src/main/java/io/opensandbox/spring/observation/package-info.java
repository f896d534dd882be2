/**
 * Micrometer observations of OpenSandbox operations: documentation, contexts and
 * conventions.
 */
@NullMarked
package io.opensandbox.spring.observation;

import org.jspecify.annotations.NullMarked;
