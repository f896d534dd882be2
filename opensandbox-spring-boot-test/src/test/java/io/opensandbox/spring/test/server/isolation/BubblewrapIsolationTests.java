package io.opensandbox.spring.test.server.isolation;

import java.nio.file.Path;

/**
 * The bubblewrap backend: the shared behaviour, where {@code bwrap} is installed.
 *
 * @author OpenSandbox Spring Boot
 */
class BubblewrapIsolationTests extends AbstractNamespaceIsolationTests {

	@Override
	SandboxIsolation isolation(Path baseDirectory) {
		return Backends.available("bubblewrap", () -> SandboxIsolation.bubblewrap(baseDirectory));
	}

	@Override
	String expectedName() {
		return "bubblewrap";
	}

}
