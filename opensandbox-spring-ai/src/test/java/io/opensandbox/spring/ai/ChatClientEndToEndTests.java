package io.opensandbox.spring.ai;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.ObservationView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.opensandbox.spring.test.EmbeddedOpenSandbox;
import io.opensandbox.spring.test.EmbeddedOpenSandboxServer;

import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Spring AI chat client with the sandbox tools, against a loopback server that
 * answers as an OpenAI model would: first a call of the code tool, then, once the tool
 * result is in the conversation, a final answer.
 *
 * @author OpenSandbox Spring Boot
 */
@SpringBootTest(properties = { "opensandbox.ai.entrypoint=sleep,infinity", "opensandbox.ai.idle-timeout=2s",
		"spring.ai.openai.api-key=test-key", "spring.ai.openai.chat.options.model=test-model",
		"spring.ai.retry.max-attempts=1" })
@EmbeddedOpenSandbox
@Timeout(120)
class ChatClientEndToEndTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final WireMockServer model = startModel();

	@Autowired
	private ChatClient.Builder chatClients;

	@Autowired
	private SandboxTools tools;

	@Autowired
	private AgentSandboxes sandboxes;

	@Autowired
	private EmbeddedOpenSandboxServer server;

	@DynamicPropertySource
	static void modelUrl(DynamicPropertyRegistry registry) {
		registry.add("spring.ai.openai.base-url", () -> "http://127.0.0.1:" + model.port() + "/v1");
	}

	@AfterAll
	static void stopModel() {
		model.stop();
	}

	private static WireMockServer startModel() {
		WireMockServer server = new WireMockServer(
				WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
		server.start();
		// Without a tool result yet: call the code tool
		server.stubFor(post(urlPathMatching(".*/chat/completions")).atPriority(5)
			.willReturn(okJson(completion("null",
					"""
							[{"id": "call_1", "type": "function", "function": {"name": "sandbox_run_code",
							  "arguments": "{\\"language\\": \\"python\\", \\"code\\": \\"import platform\\\\nprint(6 * 7, platform.system())\\"}"}}]""",
					"tool_calls"))));
		// With the tool result: the final answer
		server.stubFor(post(urlPathMatching(".*/chat/completions")).atPriority(1)
			.withRequestBody(matchingJsonPath("$.messages[?(@.role == 'tool')]"))
			.willReturn(okJson(completion("\"The code printed 42.\"", "null", "stop"))));
		return server;
	}

	private static String completion(String content, String toolCalls, String finishReason) {
		return """
				{"id": "chatcmpl-1", "object": "chat.completion", "created": 1765000000, "model": "test-model",
				 "choices": [{"index": 0, "finish_reason": "%s", "logprobs": null,
				   "message": {"role": "assistant", "content": %s, "refusal": null, "tool_calls": %s}}],
				 "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}""".formatted(finishReason,
				content, toolCalls);
	}

	@Test
	void theModelsCodeRunsInTheConversationsSandboxAndItsOutputGoesBackToTheModel() {
		model.resetRequests();
		ChatClient chat = this.chatClients.defaultToolCallbacks(this.tools).build();
		String answer = ask(chat, "first");
		assertThat(answer).isEqualTo("The code printed 42.");
		String firstSandbox = this.sandboxes.sandboxId("first").orElseThrow();
		assertThat(this.server.getSandboxes()).singleElement().satisfies((sandbox) -> {
			assertThat(sandbox.id()).isEqualTo(firstSandbox);
			assertThat(sandbox.image()).isEqualTo("opensandbox/code-interpreter:v1.0.2");
		});
		List<LoggedRequest> requests = model.findAll(postRequestedFor(urlPathMatching(".*/chat/completions")));
		assertThat(requests).hasSize(2).allSatisfy((request) -> {
			assertThat(request.getUrl()).isEqualTo("/v1/chat/completions");
			assertThat(request.getHeader("Authorization")).isEqualTo("Bearer test-key");
		});
		JsonNode first = JSON.readTree(requests.get(0).getBodyAsString());
		assertThat(first.get("tools").findValuesAsString("name")).contains("sandbox_run_code", "sandbox_run_command");
		JsonNode toolMessage = toolMessage(requests.get(1));
		assertThat(toolMessage.get("tool_call_id").asString()).isEqualTo("call_1");
		// computed in the sandbox: the model's text never said 42, and the sandbox runs
		// Linux
		assertThat(toolMessage.get("content").asString()).contains("outcome: completed").contains("42 Linux");

		// the tool call is observed inside the chat call's observation, so in its trace
		Observation.Context toolCall = Observations.started.stream()
			.filter((context) -> SandboxTools.OBSERVATION_NAME.equals(context.getName()))
			.findFirst()
			.orElseThrow();
		assertThat(ancestors(toolCall)).contains("spring.ai.tool", "spring.ai.chat.client");

		// another conversation gets another sandbox
		assertThat(ask(chat, "second")).isEqualTo("The code printed 42.");
		assertThat(this.sandboxes.sandboxId("second")).isPresent().get().isNotEqualTo(firstSandbox);
		assertThat(this.server.getSandboxes()).hasSize(2);

		// nothing is left once the conversations are idle
		await().atMost(Duration.ofSeconds(30)).until(() -> this.server.getSandboxes().isEmpty());
		assertThat(this.sandboxes.conversations()).isEmpty();
	}

	private static List<String> ancestors(Observation.Context context) {
		List<String> names = new ArrayList<>();
		ObservationView parent = context.getParentObservation();
		while (parent != null) {
			names.add(parent.getContextView().getName());
			parent = parent.getContextView().getParentObservation();
		}
		return names;
	}

	private static String ask(ChatClient chat, String conversationId) {
		return chat.prompt("Compute six times seven with Python.")
			.toolContext(Map.of(SandboxTools.CONVERSATION_ID, conversationId))
			.call()
			.content();
	}

	private static JsonNode toolMessage(LoggedRequest request) {
		for (JsonNode message : JSON.readTree(request.getBodyAsString()).get("messages")) {
			if ("tool".equals(message.get("role").asString())) {
				return message;
			}
		}
		throw new AssertionError("No tool message in " + request.getBodyAsString());
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Observations {

		static final List<Observation.Context> started = new CopyOnWriteArrayList<>();

		@Bean
		ObservationRegistry observationRegistry() {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler(new ObservationHandler<>() {

				@Override
				public void onStart(Observation.Context context) {
					started.add(context);
				}

				@Override
				public boolean supportsContext(Observation.Context context) {
					return true;
				}

			});
			return registry;
		}

	}

}
