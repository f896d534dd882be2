/**
 * Testing and local development without an OpenSandbox installation: an embedded
 * OpenSandbox-compatible server and the JUnit 5 and Spring test wiring that points the
 * starter at it.
 */
@NullMarked
package io.opensandbox.spring.test;

import org.jspecify.annotations.NullMarked;
