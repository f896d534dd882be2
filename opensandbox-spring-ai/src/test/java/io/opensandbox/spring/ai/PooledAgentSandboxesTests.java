package io.opensandbox.spring.ai;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.opensandbox.spring.autoconfigure.InvalidOpenSandboxPropertyException;
import io.opensandbox.spring.autoconfigure.OpenSandboxAutoConfiguration;
import io.opensandbox.spring.core.SandboxPool;
import io.opensandbox.spring.test.EmbeddedOpenSandbox;
import io.opensandbox.spring.test.EmbeddedOpenSandboxServer;
import io.opensandbox.spring.test.EmbeddedSandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Agent sandboxes drawn warm from a pool ({@code opensandbox.ai.pool}): a conversation's
 * first tool call runs in a sandbox that was ready before it, and the pool refills.
 *
 * @author OpenSandbox Spring Boot
 */
@SpringBootTest(properties = { "opensandbox.pools.agents.image=python:3.12",
		"opensandbox.pools.agents.entrypoint=sleep,infinity", "opensandbox.pools.agents.min-idle=1",
		"opensandbox.pools.agents.max-idle=1", "opensandbox.ai.pool=agents" })
@EmbeddedOpenSandbox
@Timeout(120)
class PooledAgentSandboxesTests {

	@Autowired
	private SandboxTools tools;

	@Autowired
	private AgentSandboxes sandboxes;

	@Autowired
	@Qualifier("agents")
	private SandboxPool pool;

	@Autowired
	private EmbeddedOpenSandboxServer server;

	@Test
	void aConversationsFirstToolCallRunsInASandboxThePoolMadeReadyBeforeIt() {
		await().atMost(Duration.ofSeconds(30)).until(() -> this.pool.status().idle() == 1);
		String warm = this.server.getSandboxes().get(0).id();
		String result = tool("sandbox_run_command").call("{\"command\": \"echo pooled\"}",
				new ToolContext(Map.of(SandboxTools.CONVERSATION_ID, "c1")));
		assertThat(result).startsWith("exit code: 0").contains("pooled");
		assertThat(this.sandboxes.sandboxId("c1")).contains(warm);
		await().atMost(Duration.ofSeconds(30)).until(() -> this.pool.status().idle() == 1);
		assertThat(this.sandboxes.end("c1")).isTrue();
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(this.server.getSandboxes()).extracting(EmbeddedSandbox::id)
				.doesNotContain(warm)
				.hasSize(1));
	}

	@Test
	void aPoolNameThatNamesNoPoolFailsStartupWithTheFix() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(OpenSandboxAutoConfiguration.class, OpenSandboxAiAutoConfiguration.class))
			.withPropertyValues("opensandbox.domain=" + this.server.getDomain(),
					"opensandbox.pools.agents.image=python:3.12", "opensandbox.pools.agents.min-idle=0",
					"opensandbox.ai.pool=agent")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidOpenSandboxPropertyException.class)
				.hasMessageContaining("opensandbox.ai.pool")
				.extracting((ex) -> ((InvalidOpenSandboxPropertyException) ex).getAction())
				.asString()
				.contains("[agents]"));
	}

	private ToolCallback tool(String name) {
		return Arrays.stream(this.tools.getToolCallbacks())
			.filter((tool) -> tool.getToolDefinition().name().equals(name))
			.findFirst()
			.orElseThrow();
	}

}
