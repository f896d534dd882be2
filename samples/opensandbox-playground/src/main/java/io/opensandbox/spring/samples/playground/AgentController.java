package io.opensandbox.spring.samples.playground;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.content.Media;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.execution.ToolExecutionException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import io.opensandbox.spring.ai.AgentSandboxes;
import io.opensandbox.spring.ai.SandboxTools;

/**
 * The agent tab: a person chats with a model that solves a task by running code in the
 * session's agent sandbox. The tool calls and their output are sent to the page as they
 * happen (server-sent events), then the answer; images the code produced are served for
 * the page to show. Without a chat model configured, the page says how to configure one.
 *
 * @author OpenSandbox Spring Boot
 */
@RestController
@RequestMapping("/api/agent")
public class AgentController {

	private static final int MAX_MESSAGE_LENGTH = 4_000;

	private static final String SETUP = "No chat model is configured. Set spring.ai.model.chat=openai, "
			+ "spring.ai.openai.base-url (any OpenAI-compatible endpoint, for example a local Ollama at "
			+ "http://localhost:11434/v1), spring.ai.openai.api-key and spring.ai.openai.chat.options.model, "
			+ "then restart the playground.";

	private static final String SYSTEM = """
			You solve the user's task by running code in a Linux sandbox with the sandbox tools, \
			then answer briefly. Files you create stay in the sandbox for this conversation.""";

	private final @Nullable ChatClient chat;

	private final SandboxTools tools;

	private final AgentSandboxes sandboxes;

	public AgentController(ObjectProvider<ChatModel> chatModels, ObjectProvider<ChatClient.Builder> chatClients,
			SandboxTools tools, AgentSandboxes sandboxes) {
		// Spring AI defines the chat client builder even without a model to build it on
		this.chat = (chatModels.getIfAvailable() != null) ? chatClients.getObject().defaultSystem(SYSTEM).build()
				: null;
		this.tools = tools;
		this.sandboxes = sandboxes;
	}

	/**
	 * Whether the agent can talk, or how to make it.
	 * @return the status
	 */
	@GetMapping
	public Map<String, Object> status() {
		Map<String, Object> status = new LinkedHashMap<>();
		status.put("configured", this.chat != null);
		if (this.chat == null) {
			status.put("setup", SETUP);
		}
		status.put("tools",
				Arrays.stream(this.tools.getToolCallbacks()).map((tool) -> tool.getToolDefinition().name()).toList());
		return status;
	}

	/**
	 * Send a message to the agent and stream what happens: {@code tool} (a call starts),
	 * {@code tool-result} (its output, with the URLs of the images it produced),
	 * {@code answer}, or {@code failure}.
	 * @param message the message
	 * @param session the browser session, whose agent conversation this is
	 * @return the events
	 */
	@PostMapping(path = "/messages", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	public Flux<ServerSentEvent<Object>> send(@RequestBody AgentMessage message, WebSession session) {
		session.start();
		ChatClient chat = this.chat;
		if (chat == null) {
			throw new PlaygroundInputException(HttpStatus.SERVICE_UNAVAILABLE, SETUP);
		}
		String text = (message.text() != null) ? message.text().strip() : "";
		if (text.isEmpty() || text.length() > MAX_MESSAGE_LENGTH) {
			throw PlaygroundInputException
				.badRequest("A message must have between 1 and " + MAX_MESSAGE_LENGTH + " characters");
		}
		String conversationId = conversationId(session);
		Sinks.Many<ServerSentEvent<Object>> events = Sinks.many().unicast().onBackpressureBuffer();
		List<ToolCallback> reporting = Arrays.stream(this.tools.getToolCallbacks())
			.map((tool) -> (ToolCallback) new ReportingTool(tool, events, conversationId))
			.toList();
		// The chat call blocks: it runs on a thread for blocking work, never on the event
		// loop
		Mono.fromCallable(() -> chat.prompt(text)
			.toolCallbacks(reporting)
			.toolContext(Map.of(SandboxTools.CONVERSATION_ID, conversationId))
			.call()
			.content()).subscribeOn(Schedulers.boundedElastic()).subscribe((answer) -> {
				events.tryEmitNext(event("answer", Map.of("text", answer)));
				events.tryEmitComplete();
			}, (failure) -> {
				events.tryEmitNext(event("failure", Map.of("message", String.valueOf(failure.getMessage()))));
				events.tryEmitComplete();
			}, events::tryEmitComplete);
		return events.asFlux();
	}

	/**
	 * An image (or other medium) the session's agent code produced.
	 * @param id its number in the conversation
	 * @param session the browser session
	 * @return the medium, or 404
	 */
	@GetMapping("/media/{id}")
	public ResponseEntity<byte[]> media(@PathVariable String id, WebSession session) {
		return this.sandboxes.media(conversationId(session))
			.stream()
			.filter((medium) -> id.equals(medium.getId()))
			.findFirst()
			.map((medium) -> ResponseEntity.ok()
				.contentType(MediaType.parseMediaType(medium.getMimeType().toString()))
				.body(medium.getDataAsByteArray()))
			.orElseGet(() -> ResponseEntity.notFound().build());
	}

	private static String conversationId(WebSession session) {
		return "playground:" + session.getId();
	}

	private static ServerSentEvent<Object> event(String name, Object data) {
		return ServerSentEvent.builder(data).event(name).build();
	}

	/**
	 * The page's message.
	 *
	 * @param text what the person wrote
	 */
	public record AgentMessage(@Nullable String text) {

	}

	/**
	 * A sandbox tool that tells the page when it is called and what it returned.
	 */
	private final class ReportingTool implements ToolCallback {

		private final ToolCallback tool;

		private final Sinks.Many<ServerSentEvent<Object>> events;

		private final String conversationId;

		ReportingTool(ToolCallback tool, Sinks.Many<ServerSentEvent<Object>> events, String conversationId) {
			this.tool = tool;
			this.events = events;
			this.conversationId = conversationId;
		}

		@Override
		public ToolDefinition getToolDefinition() {
			return this.tool.getToolDefinition();
		}

		@Override
		public String call(String toolInput) {
			return call(toolInput, null);
		}

		@Override
		public String call(String toolInput, @Nullable ToolContext toolContext) {
			String name = this.tool.getToolDefinition().name();
			this.events.tryEmitNext(event("tool", Map.of("name", name, "arguments", toolInput)));
			Set<String> before = mediaIds();
			try {
				String result = this.tool.call(toolInput, toolContext);
				List<String> images = AgentController.this.sandboxes.media(this.conversationId)
					.stream()
					.map(Media::getId)
					.filter((id) -> !before.contains(id))
					.map((id) -> "api/agent/media/" + id)
					.toList();
				this.events.tryEmitNext(event("tool-result", Map.of("name", name, "text", result, "images", images)));
				return result;
			}
			catch (ToolExecutionException ex) {
				this.events.tryEmitNext(event("tool-result",
						Map.of("name", name, "text", String.valueOf(ex.getMessage()), "images", List.of())));
				throw ex;
			}
		}

		private Set<String> mediaIds() {
			return AgentController.this.sandboxes.media(this.conversationId)
				.stream()
				.map(Media::getId)
				.collect(Collectors.toSet());
		}

	}

}
