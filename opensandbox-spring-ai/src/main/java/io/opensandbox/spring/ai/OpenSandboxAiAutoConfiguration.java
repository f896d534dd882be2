package io.opensandbox.spring.ai;

import java.util.Map;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import io.opensandbox.spring.autoconfigure.InvalidOpenSandboxPropertyException;
import io.opensandbox.spring.autoconfigure.OpenSandboxAutoConfiguration;
import io.opensandbox.spring.core.SandboxPool;
import io.opensandbox.spring.core.SandboxTemplate;
import io.opensandbox.spring.model.NetworkPolicy;
import io.opensandbox.spring.model.SandboxSpec;

/**
 * Auto-configuration of the sandbox tools for Spring AI: {@link AgentSandboxes} and the
 * {@link SandboxTools} tool callback provider. It backs off when Spring AI is absent,
 * when OpenSandbox is not configured, and to beans of the application's own.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
@AutoConfiguration(after = OpenSandboxAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ToolCallback.class)
@ConditionalOnBean(SandboxTemplate.class)
@ConditionalOnBooleanProperty(name = "opensandbox.ai.enabled", matchIfMissing = true)
@EnableConfigurationProperties(OpenSandboxAiProperties.class)
public final class OpenSandboxAiAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	AgentSandboxes agentSandboxes(SandboxTemplate sandboxTemplate, OpenSandboxAiProperties properties,
			ListableBeanFactory beanFactory) {
		String pool = properties.getPool();
		if (pool != null) {
			Map<String, SandboxPool> pools = beanFactory.getBeansOfType(SandboxPool.class);
			SandboxPool named = pools.values()
				.stream()
				.filter((candidate) -> candidate.name().equals(pool))
				.findFirst()
				.orElseThrow(() -> new InvalidOpenSandboxPropertyException("opensandbox.ai.pool", pool,
						"there is no pool of that name",
						"Configure 'opensandbox.pools." + pool + ".*', or set 'opensandbox.ai.pool' to one of "
								+ pools.values().stream().map(SandboxPool::name).toList() + "."));
			return new AgentSandboxes(named, properties.getIdleTimeout(), properties.getMaxSandboxes(),
					properties.getMaxMediaPerConversation());
		}
		return new AgentSandboxes(sandboxTemplate, spec(properties), properties.getIdleTimeout(),
				properties.getMaxSandboxes(), properties.getMaxMediaPerConversation());
	}

	@Bean
	@ConditionalOnMissingBean
	SandboxTools sandboxTools(AgentSandboxes agentSandboxes, OpenSandboxAiProperties properties,
			ObjectProvider<ObservationRegistry> observationRegistry) {
		return new SandboxTools(agentSandboxes, properties,
				observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP));
	}

	/*
	 * The specification of agent sandboxes: deny-all egress but the allowed hosts.
	 */
	static SandboxSpec spec(OpenSandboxAiProperties properties) {
		SandboxSpec.Builder spec = SandboxSpec.builder()
			.image(properties.getImage())
			.timeout(properties.getTimeToLive())
			.resourceLimits(properties.getResources())
			.env(properties.getEnv())
			.networkPolicy(NetworkPolicy.denyByDefault(properties.getAllowedHosts()
				.stream()
				.map(NetworkPolicy.Rule::allow)
				.toArray(NetworkPolicy.Rule[]::new)));
		if (!properties.getEntrypoint().isEmpty()) {
			spec.entrypoint(properties.getEntrypoint());
		}
		return spec.build();
	}

	/**
	 * Ends the sandbox of an MCP session with the session, where Spring AI's MCP server
	 * runs on Spring MVC.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "io.modelcontextprotocol.server.McpSyncServerExchange",
			"org.springframework.ai.mcp.server.webmvc.transport.WebMvcStreamableServerTransportProvider",
			"jakarta.servlet.Filter" })
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnBooleanProperty(name = "spring.ai.mcp.server.enabled", matchIfMissing = true)
	static class McpSessionConfiguration {

		@Bean
		McpSessions.EndFilter openSandboxMcpSessionEndFilter(AgentSandboxes agentSandboxes, Environment environment) {
			return new McpSessions.EndFilter(agentSandboxes,
					environment.getProperty("spring.ai.mcp.server.streamable-http.mcp-endpoint", "/mcp"));
		}

	}

}
