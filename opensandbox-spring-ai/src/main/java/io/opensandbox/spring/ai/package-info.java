/**
 * Sandbox tools for Spring AI agents: {@link io.opensandbox.spring.ai.SandboxTools} and
 * the per-conversation sandboxes of {@link io.opensandbox.spring.ai.AgentSandboxes}.
 */
@NullMarked
package io.opensandbox.spring.ai;

import org.jspecify.annotations.NullMarked;
