package io.opensandbox.spring.ai;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.content.Media;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.execution.ToolExecutionException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.opensandbox.spring.autoconfigure.OpenSandboxAutoConfiguration;
import io.opensandbox.spring.core.SandboxOperations;
import io.opensandbox.spring.error.OpenSandboxException;
import io.opensandbox.spring.model.SandboxSpec;
import io.opensandbox.spring.test.EmbeddedOpenSandboxServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;

/**
 * The lifecycle of agent sandboxes: the cap, the idle timeout, shutdown, and failures of
 * the infrastructure, which reach the application rather than the model.
 *
 * @author OpenSandbox Spring Boot
 */
@Timeout(120)
class AgentSandboxesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(OpenSandboxAutoConfiguration.class, OpenSandboxAiAutoConfiguration.class))
		.withPropertyValues("opensandbox.ai.entrypoint=sleep,infinity", "opensandbox.cleanup.keep-alive=false");

	@Test
	void theCapIsAToolErrorAndAnEndedConversationFreesItsPlace() {
		try (EmbeddedOpenSandboxServer server = EmbeddedOpenSandboxServer.builder().build().start()) {
			this.runner.withPropertyValues(connection(server))
				.withPropertyValues("opensandbox.ai.max-sandboxes=1")
				.run((context) -> {
					SandboxTools tools = context.getBean(SandboxTools.class);
					AgentSandboxes sandboxes = context.getBean(AgentSandboxes.class);
					assertThat(run(tools, "c1")).contains("exit code: 0");
					assertThatExceptionOfType(ToolExecutionException.class).isThrownBy(() -> run(tools, "c2"))
						.withMessageContaining("All 1 agent sandboxes are in use (opensandbox.ai.max-sandboxes)");
					assertThat(sandboxes.conversations()).containsExactly("c1");
					sandboxes.end("c1");
					assertThat(run(tools, "c2")).contains("exit code: 0");
					assertThat(server.getSandboxes()).hasSize(1);
				});
			assertThat(server.getSandboxes()).isEmpty();
		}
	}

	@Test
	void anIdleConversationLosesItsSandboxAndItsNextCallGetsANewOne() {
		try (EmbeddedOpenSandboxServer server = EmbeddedOpenSandboxServer.builder().build().start()) {
			this.runner.withPropertyValues(connection(server))
				.withPropertyValues("opensandbox.ai.idle-timeout=1s")
				.run((context) -> {
					SandboxTools tools = context.getBean(SandboxTools.class);
					AgentSandboxes sandboxes = context.getBean(AgentSandboxes.class);
					run(tools, "c1");
					String first = sandboxes.sandboxId("c1").orElseThrow();
					// the count drops once the kill has been answered
					await().atMost(Duration.ofSeconds(20))
						.until(() -> server.getSandboxes().isEmpty() && sandboxes.alive() == 0);
					assertThat(sandboxes.conversations()).isEmpty();
					run(tools, "c1");
					assertThat(sandboxes.sandboxId("c1")).isPresent().get().isNotEqualTo(first);
				});
		}
	}

	@Test
	void inCallModeEveryCallHasASandboxOfItsOwn() {
		try (EmbeddedOpenSandboxServer server = EmbeddedOpenSandboxServer.builder().build().start()) {
			this.runner.withPropertyValues(connection(server))
				.withPropertyValues("opensandbox.ai.mode=call")
				.run((context) -> {
					SandboxTools tools = context.getBean(SandboxTools.class);
					assertThat(run(tools, "c1", "echo kept > /tmp/mark")).contains("exit code: 0");
					assertThat(run(tools, "c1", "cat /tmp/mark")).startsWith("exit code: 1");
					assertThat(server.getSandboxes()).isEmpty();
					assertThat(context.getBean(AgentSandboxes.class).conversations()).isEmpty();
				});
		}
	}

	@Test
	void aConversationKeepsItsNewestMediaUpToTheLimit() {
		try (EmbeddedOpenSandboxServer server = EmbeddedOpenSandboxServer.builder().build().start()) {
			this.runner.withPropertyValues(connection(server))
				.withPropertyValues("opensandbox.ai.max-media-per-conversation=2")
				.run((context) -> {
					ToolCallback code = Arrays.stream(context.getBean(SandboxTools.class).getToolCallbacks())
						.filter((tool) -> tool.getToolDefinition().name().equals("sandbox_run_code"))
						.findFirst()
						.orElseThrow();
					String image = "class Image:\n    def _repr_png_(self):\n        return b'png'\nImage()";
					for (int i = 1; i <= 3; i++) {
						assertThat(code.call(
								"{\"language\": \"python\", \"code\": \"" + image.replace("\n", "\\n") + "\"}",
								new ToolContext(Map.of(SandboxTools.CONVERSATION_ID, "c1"))))
							.contains("media #" + i + " of this conversation");
					}
					assertThat(context.getBean(AgentSandboxes.class).media("c1")).extracting(Media::getId)
						.containsExactly("2", "3");
				});
		}
	}

	@Test
	void shutdownKillsEveryAgentSandboxWithTheClientsStillUp() {
		try (EmbeddedOpenSandboxServer server = EmbeddedOpenSandboxServer.builder().build().start()) {
			// the general cleanup sweep is off: agent sandboxes die at shutdown all the
			// same
			this.runner.withPropertyValues(connection(server))
				.withPropertyValues("opensandbox.cleanup.kill-on-shutdown=false")
				.run((context) -> {
					SandboxTools tools = context.getBean(SandboxTools.class);
					run(tools, "c1");
					run(tools, "c2");
					run(tools, "c3");
					assertThat(server.getSandboxes()).hasSize(3);
				});
			assertThat(server.getSandboxes()).isEmpty();
		}
	}

	@Test
	void aServerThatIsDownIsTheApplicationsProblemNotTheModels() {
		EmbeddedOpenSandboxServer server = EmbeddedOpenSandboxServer.builder().build().start();
		String[] connection = connection(server);
		server.close();
		this.runner.withPropertyValues(connection).run((context) -> {
			SandboxTools tools = context.getBean(SandboxTools.class);
			assertThatExceptionOfType(OpenSandboxException.class).isThrownBy(() -> run(tools, "c1"))
				.isNotInstanceOf(ToolExecutionException.class);
			assertThat(context.getBean(AgentSandboxes.class).alive()).isZero();
		});
	}

	@Test
	void agentSandboxesDenyAllEgressUnlessHostsAreAllowed() {
		this.runner
			.withPropertyValues("opensandbox.domain=127.0.0.1:9", "opensandbox.ai.allowed-hosts=pypi.org,*.github.com")
			.run((context) -> {
				OpenSandboxAiProperties properties = context.getBean(OpenSandboxAiProperties.class);
				var spec = OpenSandboxAiAutoConfiguration.spec(properties);
				assertThat(spec.networkPolicy()).isNotNull();
				assertThat(spec.networkPolicy().defaultAction().name()).isEqualTo("DENY");
				assertThat(spec.networkPolicy().egress())
					.extracting(io.opensandbox.spring.model.NetworkPolicy.Rule::target)
					.containsExactly("pypi.org", "*.github.com");
				assertThat(spec.timeout()).isEqualTo(Duration.ofMinutes(30));
				assertThat(spec.resourceLimits()).containsEntry("cpu", "1").containsEntry("memory", "2Gi");
			});
	}

	@Test
	void badSettingsFailStartupSayingWhatToChange() {
		this.runner.withPropertyValues("opensandbox.domain=127.0.0.1:9", "opensandbox.ai.command-timeout=20m")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("opensandbox.ai.command-timeout")
				.hasMessageContaining("max-command-timeout"));
		this.runner.withPropertyValues("opensandbox.domain=127.0.0.1:9", "opensandbox.ai.allowed-hosts=http://x/y")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("opensandbox.ai.allowed-hosts"));
		this.runner.withPropertyValues("opensandbox.domain=127.0.0.1:9", "opensandbox.ai.max-sandboxes=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("opensandbox.ai.max-sandboxes"));
	}

	@Test
	void theToolsBackOffWhenDisabledAndToBeansOfTheApplication() {
		this.runner.withPropertyValues("opensandbox.domain=127.0.0.1:9", "opensandbox.ai.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SandboxTools.class)
				.doesNotHaveBean(AgentSandboxes.class));
		this.runner.withPropertyValues("opensandbox.domain=127.0.0.1:9", "opensandbox.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SandboxTools.class));
		this.runner.withPropertyValues("opensandbox.domain=127.0.0.1:9")
			.withClassLoader(new FilteredClassLoader(ToolCallback.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(AgentSandboxes.class));
		AgentSandboxes own = new AgentSandboxes(mock(SandboxOperations.class), SandboxSpec.ofImage("own"),
				Duration.ofMinutes(1), 1, 0);
		try {
			this.runner.withPropertyValues("opensandbox.domain=127.0.0.1:9")
				.withBean("myAgentSandboxes", AgentSandboxes.class, () -> own)
				.run((context) -> {
					assertThat(context).getBean(AgentSandboxes.class).isSameAs(own);
					assertThat(context).hasSingleBean(SandboxTools.class);
				});
		}
		finally {
			own.destroy();
		}
	}

	private static String run(SandboxTools tools, String conversationId) {
		return run(tools, conversationId, "true");
	}

	private static String run(SandboxTools tools, String conversationId, String command) {
		ToolCallback tool = Arrays.stream(tools.getToolCallbacks())
			.filter((candidate) -> candidate.getToolDefinition().name().equals("sandbox_run_command"))
			.findFirst()
			.orElseThrow();
		return tool.call("{\"command\": \"" + command + "\"}",
				new ToolContext(Map.of(SandboxTools.CONVERSATION_ID, conversationId)));
	}

	private static String[] connection(EmbeddedOpenSandboxServer server) {
		return new String[] { "opensandbox.domain=" + server.getDomain(), "opensandbox.api-key=" + server.getApiKey() };
	}

}
