/**
 * The embedded OpenSandbox server: lifecycle API, execd and egress policy per sandbox on
 * loopback, written from the wire behaviour of the real components, not from this
 * library's client.
 */
@NullMarked
package io.opensandbox.spring.test.server;

import org.jspecify.annotations.NullMarked;
