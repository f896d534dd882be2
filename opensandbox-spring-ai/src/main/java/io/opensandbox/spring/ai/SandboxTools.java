package io.opensandbox.spring.ai;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.execution.ToolExecutionException;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import org.springframework.util.MimeType;
import org.springframework.util.MimeTypeUtils;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.opensandbox.spring.ai.AgentSandboxes.Session;
import io.opensandbox.spring.core.Execution;
import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.model.CodeContext;
import io.opensandbox.spring.model.CommandOptions;
import io.opensandbox.spring.model.FileInfo;

/**
 * The sandbox tools for Spring AI: run a command, run code, write, read, list and search
 * files, and optionally expose a port, each in the sandbox of the calling conversation.
 * <p>
 * The application names the conversation in the tool context, under
 * {@link #CONVERSATION_ID} or Spring AI's {@link ChatMemory#CONVERSATION_ID}:
 * <pre class="code">
 * chatClient.prompt(question)
 *     .toolCallbacks(sandboxTools)
 *     .toolContext(Map.of(SandboxTools.CONVERSATION_ID, conversationId))
 *     .call();
 * </pre> Through Spring AI's MCP server, the MCP session is the conversation. A call
 * without a conversation id runs in a sandbox of its own, killed after the call, so that
 * nothing is shared between users by accident.
 * <p>
 * What a model can act on is a normal result: a command's non-zero exit, a Python
 * exception, a missing file, bad arguments, the sandbox cap. Failures of the
 * infrastructure (server down, key rejected, sandbox not created) are thrown to the
 * application. Every call is observed as {@code opensandbox.ai.tool}.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class SandboxTools implements ToolCallbackProvider {

	/** Tool context key of the conversation id. */
	public static final String CONVERSATION_ID = "opensandbox.conversation-id";

	/**
	 * Tool context key of the {@link AgentSandboxes.Mode} of one call (a mode or its
	 * name).
	 */
	public static final String MODE = "opensandbox.mode";

	/** Name of the observation of a tool call. */
	public static final String OBSERVATION_NAME = "opensandbox.ai.tool";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final boolean MCP_PRESENT = ClassUtils
		.isPresent("io.modelcontextprotocol.server.McpSyncServerExchange", SandboxTools.class.getClassLoader());

	private static final Set<String> LANGUAGES = Set.of(CodeContext.PYTHON, CodeContext.JAVASCRIPT,
			CodeContext.TYPESCRIPT, CodeContext.BASH, CodeContext.JAVA, CodeContext.GO);

	private final AgentSandboxes sandboxes;

	private final OpenSandboxAiProperties properties;

	private final ObservationRegistry observations;

	private final List<ToolCallback> tools;

	/**
	 * Create the tools.
	 * @param sandboxes where the tools run
	 * @param properties budgets, limits and the default mode
	 * @param observations where tool call observations go
	 */
	public SandboxTools(AgentSandboxes sandboxes, OpenSandboxAiProperties properties,
			ObservationRegistry observations) {
		Assert.notNull(sandboxes, "'sandboxes' must not be null");
		Assert.notNull(properties, "'properties' must not be null");
		Assert.notNull(observations, "'observations' must not be null");
		this.sandboxes = sandboxes;
		this.properties = properties;
		this.observations = observations;
		long maxTimeout = Math.max(1, properties.getMaxCommandTimeout().toSeconds());
		List<ToolCallback> tools = new ArrayList<>();
		tools.add(new Tool("sandbox_run_command", """
				Run a shell command (bash -c) in a Linux sandbox and get its exit code, \
				standard output and standard error. Files and installed packages stay \
				between calls of the same conversation. The sandbox has no network \
				unless the application allowed some hosts. Long output is cut in the \
				middle.""",
				"""
						{"type": "object", "properties": {
						  "command": {"type": "string", "description": "The command line, for example 'ls -la' or 'python3 app.py'"},
						  "working_directory": {"type": "string", "description": "Absolute directory to run in; default: the sandbox's working directory"},
						  "timeout_seconds": {"type": "integer", "minimum": 1, "maximum": %d, "description": "Time limit in seconds; the command is killed when it passes. Default: %d"}
						}, "required": ["command"], "additionalProperties": false}"""
					.formatted(maxTimeout, properties.getCommandTimeout().toSeconds()),
				this::runCommand));
		tools.add(new Tool("sandbox_run_code", """
				Run code in a persistent interpreter in the sandbox, like a notebook \
				cell: variables, imports and functions of one call are there in the next \
				call of the same conversation and language. Returns the output, the \
				value of a final expression, or the error with its traceback. Images \
				(for example a matplotlib figure) go to the application; the result \
				names them.""", """
				{"type": "object", "properties": {
				  "language": {"type": "string", "enum": ["python", "javascript", "typescript", "bash", "java", "go"]},
				  "code": {"type": "string", "description": "The code to run"}
				}, "required": ["language", "code"], "additionalProperties": false}""", this::runCode));
		tools.add(new Tool("sandbox_write_file", """
				Write a text file in the sandbox, replacing it if it exists; missing \
				parent directories are created.""", """
				{"type": "object", "properties": {
				  "path": {"type": "string", "description": "Absolute path, for example /tmp/work/app.py"},
				  "content": {"type": "string", "description": "The whole content of the file"}
				}, "required": ["path", "content"], "additionalProperties": false}""", this::writeFile));
		tools.add(new Tool("sandbox_read_file", """
				Read lines of a text file in the sandbox, numbered. Large files are read \
				a page at a time: the result says which line to ask for next.""",
				"""
						{"type": "object", "properties": {
						  "path": {"type": "string", "description": "Absolute path of the file"},
						  "first_line": {"type": "integer", "minimum": 1, "description": "First line to read, from 1. Default: 1"},
						  "max_lines": {"type": "integer", "minimum": 1, "maximum": %d, "description": "Most lines to read. Default: %d"}
						}, "required": ["path"], "additionalProperties": false}"""
					.formatted(properties.getMaxReadLines(), properties.getMaxReadLines()),
				this::readFile));
		tools.add(new Tool("sandbox_list_directory", """
				List a directory of the sandbox: type, size and path of each entry.""",
				"""
						{"type": "object", "properties": {
						  "path": {"type": "string", "description": "Absolute path of the directory"},
						  "depth": {"type": "integer", "minimum": 1, "maximum": 3, "description": "How many levels to list. Default: 1"}
						}, "required": ["path"], "additionalProperties": false}""",
				this::listDirectory));
		tools.add(new Tool("sandbox_search_files", """
				Find files in the sandbox whose name matches a glob pattern, under a \
				directory and its subdirectories.""", """
				{"type": "object", "properties": {
				  "directory": {"type": "string", "description": "Absolute path of the directory to search"},
				  "pattern": {"type": "string", "description": "Glob pattern of file names, for example *.py"}
				}, "required": ["directory", "pattern"], "additionalProperties": false}""", this::searchFiles));
		if (properties.isExposePorts()) {
			tools.add(new Tool("sandbox_expose_port", """
					Get a URL at which the application can reach a port of the sandbox, \
					for example a web server the code started.""", """
					{"type": "object", "properties": {
					  "port": {"type": "integer", "minimum": 1, "maximum": 65535}
					}, "required": ["port"], "additionalProperties": false}""", this::exposePort));
		}
		this.tools = List.copyOf(tools);
	}

	@Override
	public ToolCallback[] getToolCallbacks() {
		return this.tools.toArray(ToolCallback[]::new);
	}

	private String runCommand(JsonNode input, Session session) {
		String command = text(input, "command");
		CommandOptions options = CommandOptions.defaults().withTimeout(timeout(input));
		String cwd = optionalText(input, "working_directory");
		if (cwd != null) {
			options = options.withCwd(absolute(cwd, "working_directory"));
		}
		Execution execution = session.sandbox().commands().run(command, options);
		ToolOutput output = new ToolOutput();
		switch (execution.outcome()) {
			case COMPLETED, FAILED -> output.field("exit code", execution.exitCode().orElse(-1));
			case TIMED_OUT -> output.field("timed out", "the command was killed after " + options.timeout());
			case INTERRUPTED -> output.field("interrupted", "the command was stopped before it ended");
			case ERRORED -> output.field("error", describe(execution));
		}
		output.field("time", ToolOutput.seconds(execution.executionTime()));
		int budget = this.properties.getOutputBudget();
		output.block("stdout", execution.stdoutText(), budget * 5 / 8, execution.omittedStdout());
		output.block("stderr", execution.stderrText(), budget * 3 / 8, execution.omittedStderr());
		return output.toString();
	}

	private String runCode(JsonNode input, Session session) {
		String language = text(input, "language").toLowerCase(Locale.ROOT);
		if (!LANGUAGES.contains(language)) {
			throw new IllegalArgumentException("language must be one of " + LANGUAGES + ", not '" + language + "'");
		}
		String code = text(input, "code");
		Execution execution = session.sandbox().codes().run(session.codeContext(language), code);
		ToolOutput output = new ToolOutput();
		output.field("outcome", execution.isSuccess() ? "completed" : "error");
		output.field("time", ToolOutput.seconds(execution.executionTime()));
		int budget = this.properties.getOutputBudget();
		output.block("stdout", execution.stdoutText(), budget / 2, execution.omittedStdout());
		output.block("stderr", execution.stderrText(), budget / 4, execution.omittedStderr());
		for (Map<String, Object> result : execution.results()) {
			results(result, session, output, budget / 4);
		}
		if (execution.error() != null) {
			output.field("error", describe(execution));
			output.block("traceback", String.join("\n", execution.error().traceback()), budget / 4);
		}
		return output.toString();
	}

	/*
	 * A rich result: text goes to the model; every other representation is kept for the
	 * application as media, and the model learns only its type and size.
	 */
	private void results(Map<String, Object> result, Session session, ToolOutput output, int budget) {
		Object text = result.get("text");
		if (text == null) {
			text = result.get("text/plain");
		}
		if (text != null) {
			output.block("result", String.valueOf(text), budget);
		}
		for (Map.Entry<String, Object> representation : result.entrySet()) {
			String type = representation.getKey();
			if (type.equals("text") || type.equals("text/plain") || !type.contains("/")) {
				continue;
			}
			MimeType mimeType;
			try {
				mimeType = MimeTypeUtils.parseMimeType(type);
			}
			catch (RuntimeException ex) {
				continue;
			}
			String value = String.valueOf(representation.getValue());
			byte[] data = isBinary(mimeType) ? decode(value) : value.getBytes(StandardCharsets.UTF_8);
			if (data == null) {
				output.line("[" + type + ": not valid base64, dropped]");
				continue;
			}
			int number = session.keep(mimeType, data);
			String where = session.conversationId().isEmpty() ? "not kept: this call ran in a sandbox of its own"
					: "kept for the application as media #" + number + " of this conversation";
			output.line("[" + type + ", " + ToolOutput.size(data.length) + ": " + where + "]");
		}
	}

	private static boolean isBinary(MimeType type) {
		return !type.getType().equals("text") && !type.getSubtype().endsWith("json")
				&& !type.getSubtype().endsWith("xml");
	}

	private static byte @Nullable [] decode(String base64) {
		try {
			return Base64.getMimeDecoder().decode(base64);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private static String describe(Execution execution) {
		if (execution.error() == null) {
			return execution.outcome().name().toLowerCase(Locale.ROOT);
		}
		return execution.error().name() + ": " + execution.error().value();
	}

	private String writeFile(JsonNode input, Session session) {
		String path = absolute(text(input, "path"), "path");
		String content = textAllowingEmpty(input, "content");
		int slash = path.lastIndexOf('/');
		if (slash > 0) {
			session.sandbox().files().mkdirs(List.of(path.substring(0, slash)));
		}
		byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
		session.sandbox().files().write(path, bytes);
		return "wrote " + ToolOutput.size(bytes.length) + " to " + path;
	}

	private String readFile(JsonNode input, Session session) {
		String path = absolute(text(input, "path"), "path");
		long firstLine = number(input, "first_line", 1, 1, Long.MAX_VALUE);
		int maxLines = (int) number(input, "max_lines", this.properties.getMaxReadLines(), 1,
				this.properties.getMaxReadLines());
		// one line more than asked tells whether the file goes on
		List<String> lines = session.sandbox().files().readLines(path, firstLine, maxLines + 1);
		boolean more = lines.size() > maxLines;
		List<String> page = more ? lines.subList(0, maxLines) : lines;
		if (page.isEmpty()) {
			return path + ": no lines from line " + firstLine + " on (the file has fewer lines)";
		}
		long last = firstLine + page.size() - 1;
		StringBuilder numbered = new StringBuilder();
		int width = Long.toString(last).length();
		for (int i = 0; i < page.size(); i++) {
			if (i > 0) {
				numbered.append('\n');
			}
			numbered.append(String.format(Locale.ROOT, "%" + width + "d| ", firstLine + i)).append(page.get(i));
		}
		ToolOutput output = new ToolOutput().field("file", path).field("lines", firstLine + "-" + last);
		output.block("content", numbered.toString(), this.properties.getOutputBudget());
		output.line(more ? "[more lines follow: call again with first_line=" + (last + 1) + "]" : "[end of file]");
		return output.toString();
	}

	private String listDirectory(JsonNode input, Session session) {
		String path = absolute(text(input, "path"), "path");
		int depth = (int) number(input, "depth", 1, 1, 3);
		return entries(path + " (depth " + depth + ")", session.sandbox().files().list(path, depth));
	}

	private String searchFiles(JsonNode input, Session session) {
		String directory = absolute(text(input, "directory"), "directory");
		String pattern = text(input, "pattern");
		return entries(directory + " matching " + pattern, session.sandbox().files().search(directory, pattern));
	}

	private String entries(String what, List<FileInfo> entries) {
		if (entries.isEmpty()) {
			return what + ": no entries";
		}
		StringBuilder listing = new StringBuilder();
		for (FileInfo entry : entries) {
			String type = (entry.type() == FileInfo.Type.DIRECTORY) ? "dir "
					: (entry.type() == FileInfo.Type.SYMLINK) ? "link" : "file";
			listing.append(type).append(' ').append(String.format(Locale.ROOT, "%10d", entry.size())).append(' ');
			listing.append(entry.path()).append('\n');
		}
		return new ToolOutput().field("entries", what + ", " + entries.size())
			.block("listing", listing.toString(), this.properties.getOutputBudget())
			.toString();
	}

	private String exposePort(JsonNode input, Session session) {
		int port = (int) number(input, "port", -1, 1, 65535);
		return "port " + port + " of the sandbox is at " + session.sandbox().endpointUrl(port);
	}

	private Duration timeout(JsonNode input) {
		long seconds = number(input, "timeout_seconds", this.properties.getCommandTimeout().toSeconds(), 1,
				Math.max(1, this.properties.getMaxCommandTimeout().toSeconds()));
		return Duration.ofSeconds(seconds);
	}

	private static String text(JsonNode input, String name) {
		String value = optionalText(input, name);
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException("'" + name + "' is required and must be a non-empty string");
		}
		return value;
	}

	private static String textAllowingEmpty(JsonNode input, String name) {
		String value = optionalText(input, name);
		if (value == null) {
			throw new IllegalArgumentException("'" + name + "' is required and must be a string");
		}
		return value;
	}

	private static @Nullable String optionalText(JsonNode input, String name) {
		JsonNode node = input.get(name);
		if (node == null || node.isNull()) {
			return null;
		}
		if (!node.isString()) {
			throw new IllegalArgumentException("'" + name + "' must be a string");
		}
		return node.asString();
	}

	private static long number(JsonNode input, String name, long fallback, long min, long max) {
		JsonNode node = input.get(name);
		if (node == null || node.isNull()) {
			if (fallback < min) {
				throw new IllegalArgumentException("'" + name + "' is required");
			}
			return fallback;
		}
		if (!node.canConvertToLong() || !node.isIntegralNumber()) {
			throw new IllegalArgumentException("'" + name + "' must be a whole number");
		}
		long value = node.asLong();
		if (value < min || value > max) {
			throw new IllegalArgumentException("'" + name + "' must be between " + min + " and " + max);
		}
		return value;
	}

	private static String absolute(String path, String name) {
		if (!path.startsWith("/")) {
			throw new IllegalArgumentException("'" + name + "' must be an absolute path (starting with /)");
		}
		return path;
	}

	static @Nullable String conversationId(@Nullable ToolContext context) {
		if (context == null) {
			return null;
		}
		for (String key : List.of(CONVERSATION_ID, ChatMemory.CONVERSATION_ID)) {
			Object value = context.getContext().get(key);
			if (value != null && !value.toString().isBlank()) {
				return value.toString();
			}
		}
		return MCP_PRESENT ? McpSessions.conversationId(context) : null;
	}

	private AgentSandboxes.Mode mode(@Nullable ToolContext context) {
		Object value = (context != null) ? context.getContext().get(MODE) : null;
		if (value == null) {
			return this.properties.getMode();
		}
		if (value instanceof AgentSandboxes.Mode mode) {
			return mode;
		}
		try {
			return AgentSandboxes.Mode.valueOf(value.toString().strip().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("Tool context entry '" + MODE + "' must be one of "
					+ List.of(AgentSandboxes.Mode.values()) + ", not '" + value + "'");
		}
	}

	/**
	 * A model-facing failure: the model gets its message as the tool result.
	 */
	private static final class ModelError extends RuntimeException {

		private static final long serialVersionUID = 1L;

		ModelError(@Nullable String message, @Nullable Throwable cause) {
			super(String.valueOf(message), cause, false, false);
		}

	}

	/**
	 * One tool: its definition, and a handler that runs in the conversation's sandbox.
	 */
	private final class Tool implements ToolCallback {

		private final ToolDefinition definition;

		private final BiFunction<JsonNode, Session, String> handler;

		Tool(String name, String description, String schema, BiFunction<JsonNode, Session, String> handler) {
			this.definition = ToolDefinition.builder().name(name).description(description).inputSchema(schema).build();
			this.handler = handler;
		}

		@Override
		public ToolDefinition getToolDefinition() {
			return this.definition;
		}

		@Override
		public String call(String toolInput) {
			return call(toolInput, null);
		}

		@Override
		public String call(String toolInput, @Nullable ToolContext toolContext) {
			String conversationId = conversationId(toolContext);
			Observation observation = Observation.createNotStarted(OBSERVATION_NAME, SandboxTools.this.observations)
				.contextualName("sandbox tool " + this.definition.name())
				.lowCardinalityKeyValue("opensandbox.ai.tool", this.definition.name())
				.highCardinalityKeyValue("opensandbox.ai.conversation.id",
						(conversationId != null) ? conversationId : "none")
				.start();
			try (Observation.Scope scope = observation.openScope()) {
				String result = invoke(toolInput, toolContext, conversationId, observation);
				observation.lowCardinalityKeyValue(KeyValue.of("outcome", "success"));
				return result;
			}
			catch (ModelError ex) {
				observation.lowCardinalityKeyValue(KeyValue.of("outcome", "tool_error"));
				throw new ToolExecutionException(this.definition, ex);
			}
			catch (RuntimeException ex) {
				observation.lowCardinalityKeyValue(KeyValue.of("outcome", "error"));
				observation.error(ex);
				throw ex;
			}
			finally {
				observation.stop();
			}
		}

		private String invoke(String toolInput, @Nullable ToolContext toolContext, @Nullable String conversationId,
				Observation observation) {
			JsonNode input;
			AgentSandboxes.Mode mode;
			try {
				input = JSON.readTree((toolInput == null || toolInput.isBlank()) ? "{}" : toolInput);
				if (!input.isObject()) {
					throw new IllegalArgumentException("the arguments must be a JSON object");
				}
				mode = mode(toolContext);
			}
			catch (JacksonException ex) {
				throw new ModelError("Invalid arguments: not JSON: " + ex.getOriginalMessage(), null);
			}
			catch (IllegalArgumentException ex) {
				throw new ModelError("Invalid arguments: " + ex.getMessage(), null);
			}
			try {
				return SandboxTools.this.sandboxes.run(conversationId, mode, (session) -> {
					observation.highCardinalityKeyValue("opensandbox.sandbox.id", session.sandbox().id());
					try {
						return this.handler.apply(input, session);
					}
					catch (IllegalArgumentException ex) {
						throw new ModelError("Invalid arguments: " + ex.getMessage(), null);
					}
					catch (OpenSandboxApiException.NotFound | OpenSandboxApiException.Rejected
							| OpenSandboxApiException.Conflict ex) {
						// The sandbox refused what the model asked for: a missing file, a
						// bad
						// path
						throw new ModelError(ex.getMessage(), ex);
					}
				});
			}
			catch (AgentSandboxes.LimitReachedException ex) {
				throw new ModelError(ex.getMessage(), ex);
			}
		}

	}

}
