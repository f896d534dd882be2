/**
 * The OpenSandbox playground: a web page that runs shell commands and Python in a sandbox
 * per browser session, using only the starter's public API.
 */
@NullMarked
package io.opensandbox.spring.samples.playground;

import org.jspecify.annotations.NullMarked;
