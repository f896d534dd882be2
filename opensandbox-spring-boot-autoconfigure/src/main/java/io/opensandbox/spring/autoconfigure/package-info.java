/**
 * Auto-configuration, configuration properties and connection details for OpenSandbox.
 */
@NullMarked
package io.opensandbox.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
