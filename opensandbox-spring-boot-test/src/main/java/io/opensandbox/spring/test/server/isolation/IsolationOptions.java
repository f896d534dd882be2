package io.opensandbox.spring.test.server.isolation;

import java.util.Map;

/**
 * How a sandbox is isolated.
 *
 * @param network whether the sandbox may use the host network; {@code false} gives it a
 * network namespace with loopback only (an honest "deny all" egress policy)
 * @param env environment variables every process in the sandbox starts with (on top of a
 * minimal {@code PATH}, {@code HOME}, {@code LANG})
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record IsolationOptions(boolean network, Map<String, String> env) {

	public IsolationOptions {
		env = Map.copyOf(env);
	}

}
