/**
 * Per-sandbox isolation for the embedded server: a private root for each sandbox and the
 * processes that run inside it.
 */
@NullMarked
package io.opensandbox.spring.test.server.isolation;

import org.jspecify.annotations.NullMarked;
