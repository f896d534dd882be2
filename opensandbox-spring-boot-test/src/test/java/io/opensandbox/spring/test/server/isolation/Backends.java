package io.opensandbox.spring.test.server.isolation;

import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Assumptions;

/**
 * Obtains a backend for a test, skipping the test where the backend does not work on this
 * machine. Set the system property {@code opensandbox.isolation.require} to a
 * comma-separated list of backend names ({@code unshare,bubblewrap}) to make a missing
 * backend fail instead, as CI should.
 *
 * @author OpenSandbox Spring Boot
 */
final class Backends {

	static final String REQUIRE_PROPERTY = "opensandbox.isolation.require";

	private Backends() {
	}

	static SandboxIsolation available(String name, Supplier<SandboxIsolation> backend) {
		try {
			return backend.get();
		}
		catch (IsolationUnavailableException ex) {
			String required = System.getProperty(REQUIRE_PROPERTY, "");
			if (List.of(required.split(",")).contains(name)) {
				throw ex;
			}
			Assumptions.abort("The " + name + " backend does not work here: " + ex.getMessage());
			throw ex;
		}
	}

}
