/**
 * The single unchecked exception hierarchy of the library, rooted at
 * {@link io.opensandbox.spring.error.OpenSandboxException}.
 */
@NullMarked
package io.opensandbox.spring.error;

import org.jspecify.annotations.NullMarked;
