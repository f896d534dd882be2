/**
 * Immutable value types exchanged with OpenSandbox: sandbox specifications, sandbox and
 * snapshot information, endpoints, filters and pages. Nothing here depends on the rest of
 * the library.
 */
@NullMarked
package io.opensandbox.spring.model;

import org.jspecify.annotations.NullMarked;
