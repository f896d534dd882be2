package io.opensandbox.spring.test.server.isolation;

import java.util.Map;

/**
 * How a sandbox is isolated.
 *
 * @param network whether the sandbox gets outbound network access (user-mode, never to
 * the host's loopback); {@code false} leaves its network namespace with loopback only (an
 * honest "deny all" egress policy)
 * @param env environment variables every process in the sandbox starts with (on top of a
 * minimal {@code PATH}, {@code HOME}, {@code LANG})
 * @param limits what the sandbox's processes may use together
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record IsolationOptions(boolean network, Map<String, String> env, ResourceLimits limits) {

	public IsolationOptions {
		env = Map.copyOf(env);
	}

	/**
	 * Options with the default limits.
	 * @param network whether the sandbox gets outbound network access
	 * @param env environment variables of every process in the sandbox
	 */
	public IsolationOptions(boolean network, Map<String, String> env) {
		this(network, env, ResourceLimits.NONE);
	}

}
