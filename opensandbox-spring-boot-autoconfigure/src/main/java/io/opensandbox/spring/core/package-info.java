/**
 * Public API for applications: {@link io.opensandbox.spring.core.SandboxManager} and its
 * reactive twin.
 */
@NullMarked
package io.opensandbox.spring.core;

import org.jspecify.annotations.NullMarked;
