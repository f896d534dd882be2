/**
 * Wire layer: reactive HTTP clients for the OpenSandbox lifecycle server, built on
 * {@code WebClient}, with the one place where HTTP failures become library exceptions.
 */
@NullMarked
package io.opensandbox.spring.client;

import org.jspecify.annotations.NullMarked;
