package io.opensandbox.spring.ai;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.content.Media;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.execution.ToolExecutionException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.opensandbox.spring.test.EmbeddedOpenSandbox;
import io.opensandbox.spring.test.EmbeddedOpenSandboxServer;
import io.opensandbox.spring.test.EmbeddedSandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The sandbox tools against the embedded server, called as Spring AI calls them: JSON
 * arguments and a tool context naming the conversation.
 *
 * @author OpenSandbox Spring Boot
 */
@SpringBootTest(properties = { "opensandbox.ai.entrypoint=sleep,infinity", "opensandbox.ai.output-budget=600",
		"opensandbox.ai.max-read-lines=5", "opensandbox.ai.expose-ports=true" })
@EmbeddedOpenSandbox
@Timeout(120)
class SandboxToolsTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	private SandboxTools tools;

	@Autowired
	private AgentSandboxes sandboxes;

	@Autowired
	private EmbeddedOpenSandboxServer server;

	@Autowired
	private TestObservationRegistry observations;

	@AfterEach
	void endConversations() {
		this.sandboxes.conversations().forEach(this.sandboxes::end);
		assertThat(this.server.getSandboxes()).isEmpty();
	}

	@Test
	void everyToolHasANameADescriptionAndAnObjectSchema() {
		assertThat(Arrays.stream(this.tools.getToolCallbacks()).map((tool) -> tool.getToolDefinition().name()))
			.containsExactly("sandbox_run_command", "sandbox_run_code", "sandbox_write_file", "sandbox_read_file",
					"sandbox_list_directory", "sandbox_search_files", "sandbox_expose_port");
		for (ToolCallback tool : this.tools.getToolCallbacks()) {
			assertThat(tool.getToolDefinition().description()).hasSizeGreaterThan(40);
			JsonNode schema = JSON.readTree(tool.getToolDefinition().inputSchema());
			assertThat(schema.get("type").asString()).isEqualTo("object");
			assertThat(schema.get("required").isArray()).isTrue();
			schema.get("required")
				.forEach((name) -> assertThat(schema.get("properties").has(name.asString())).as(name.asString())
					.isTrue());
		}
	}

	@Test
	void aCommandRunsInTheConversationsSandboxAndItsFailureIsAResultForTheModel() {
		String ok = call("sandbox_run_command", "{\"command\": \"echo hello; echo oops >&2\"}", "c1");
		assertThat(ok).startsWith("exit code: 0\ntime: ").contains("stdout:\nhello").contains("stderr:\noops");
		String failed = call("sandbox_run_command", "{\"command\": \"echo before; exit 3\"}", "c1");
		assertThat(failed).startsWith("exit code: 3\n").contains("stdout:\nbefore");
		assertThat(this.server.getSandboxes()).hasSize(1);
	}

	@Test
	void aCommandPastItsTimeLimitIsKilledAndSaysSo() {
		String result = call("sandbox_run_command", "{\"command\": \"sleep 30\", \"timeout_seconds\": 1}", "c1");
		assertThat(result).startsWith("timed out: the command was killed after PT1S");
	}

	@Test
	void theWorkingDirectoryIsWhereTheCommandRuns() {
		call("sandbox_run_command", "{\"command\": \"mkdir -p /tmp/w1\"}", "c1");
		assertThat(call("sandbox_run_command", "{\"command\": \"pwd\", \"working_directory\": \"/tmp/w1\"}", "c1"))
			.contains("stdout:\n/tmp/w1");
	}

	@Test
	void longOutputKeepsItsHeadAndTailAndSaysHowMuchWasLeftOut() {
		String result = call("sandbox_run_command", "{\"command\": \"seq 1 20000\"}", "c1");
		String stdout = result.substring(result.indexOf("stdout:\n") + 8);
		assertThat(stdout).startsWith("1\n2\n3\n").endsWith("19999\n20000").contains(" characters left out ...]");
		assertThat(result.length()).isLessThan(700);
		long total = 0;
		for (int i = 1; i <= 20000; i++) {
			total += Integer.toString(i).length() + 1;
		}
		total -= 1;
		long kept = stdout.length()
				- stdout.substring(stdout.indexOf("\n[... "), stdout.indexOf("...]\n") + 5).length();
		String omitted = stdout.replaceAll("(?s).*\\[\\.\\.\\. ([0-9,]+) characters left out.*", "$1").replace(",", "");
		assertThat(Long.parseLong(omitted) + kept).isEqualTo(total);
	}

	@Test
	void codeKeepsItsStateBetweenCallsOfAConversationAndAnExceptionIsAResult() {
		assertThat(call("sandbox_run_code", "{\"language\": \"python\", \"code\": \"x = 41\\nprint('set')\"}", "c1"))
			.startsWith("outcome: completed")
			.contains("stdout:\nset");
		assertThat(call("sandbox_run_code", "{\"language\": \"python\", \"code\": \"x + 1\"}", "c1"))
			.contains("result:\n42");
		String error = call("sandbox_run_code", "{\"language\": \"python\", \"code\": \"y + 1\"}", "c1");
		assertThat(error).startsWith("outcome: error")
			.contains("error: NameError: name 'y' is not defined")
			.contains("traceback:");
		// another conversation has another interpreter
		assertThat(call("sandbox_run_code", "{\"language\": \"python\", \"code\": \"'x' in globals()\"}", "c2"))
			.contains("result:\nFalse");
	}

	@Test
	void anImageGoesToTheApplicationAsMediaAndTheModelReadsOnlyItsTypeAndSize() {
		String code = """
				import base64
				class Chart:
				    def _repr_png_(self):
				        return base64.b64decode('%s')
				Chart()""".formatted(PNG);
		String result = call("sandbox_run_code", "{\"language\": \"python\", \"code\": " + quote(code) + "}", "c1");
		assertThat(result).contains("[image/png, 70 bytes: kept for the application as media #1 of this conversation]")
			.doesNotContain(PNG);
		List<Media> media = this.sandboxes.media("c1");
		assertThat(media).hasSize(1);
		assertThat(media.get(0).getMimeType().toString()).isEqualTo("image/png");
		assertThat(media.get(0).getId()).isEqualTo("1");
		assertThat(media.get(0).getDataAsByteArray()).isEqualTo(java.util.Base64.getDecoder().decode(PNG));
	}

	@Test
	void openFiguresAreHandedBackAsImagesAfterTheRunAndClosed() {
		// a stand-in for matplotlib.pyplot with the calls the interpreter makes
		String code = """
				import base64, sys, types
				closed = []
				class Figure:
				    def savefig(self, out, format):
				        out.write(base64.b64decode('%s'))
				plt = types.ModuleType('matplotlib.pyplot')
				plt.get_fignums = lambda: [] if closed else [1, 2]
				plt.figure = lambda number: Figure()
				plt.close = lambda which: closed.append(which)
				sys.modules['matplotlib.pyplot'] = plt""".formatted(PNG);
		String result = call("sandbox_run_code", "{\"language\": \"python\", \"code\": " + quote(code) + "}", "c1");
		assertThat(result).contains("result:\n<Figure 1>")
			.contains("[image/png, 70 bytes: kept for the application as media #1 of this conversation]")
			.contains("[image/png, 70 bytes: kept for the application as media #2 of this conversation]");
		assertThat(call("sandbox_run_code", "{\"language\": \"python\", \"code\": \"closed\"}", "c1"))
			.contains("result:\n['all']");
		assertThat(this.sandboxes.media("c1")).hasSize(2);
		// a call in a sandbox of its own keeps nothing
		String alone = tool("sandbox_run_code").call("{\"language\": \"python\", \"code\": " + quote(code) + "}",
				new ToolContext(Map.of()));
		assertThat(alone).contains("[image/png, 70 bytes: not kept: this call ran in a sandbox of its own]");
	}

	@Test
	void anImageTooLargeToHandBackIsAnErrorNotASilentLoss() {
		String code = """
				class Huge:
				    def _repr_png_(self):
				        return bytes(4 * 1024 * 1024)
				Huge()""";
		String result = call("sandbox_run_code", "{\"language\": \"python\", \"code\": " + quote(code) + "}", "c1");
		assertThat(result).startsWith("outcome: error")
			.contains("error: ValueError: a result of 4194304 bytes is larger");
		// text that would not fit the interpreter's message is refused too, not dropped
		String html = """
				class Page:
				    def _repr_html_(self):
				        return '<p>' + chr(233) * 1000000 + '</p>'
				Page()""";
		assertThat(call("sandbox_run_code", "{\"language\": \"python\", \"code\": " + quote(html) + "}", "c1"))
			.startsWith("outcome: error")
			.contains("characters is longer than the 4194304 this interpreter hands back");
		assertThat(this.sandboxes.media("c1")).isEmpty();
	}

	@Test
	void aFileIsWrittenAndReadAPageAtATime() {
		StringBuilder content = new StringBuilder();
		for (int i = 1; i <= 12; i++) {
			content.append("line ").append(i).append('\n');
		}
		assertThat(call("sandbox_write_file",
				"{\"path\": \"/tmp/new/dir/notes.txt\", \"content\": " + quote(content.toString()) + "}", "c1"))
			.isEqualTo("wrote 87 bytes to /tmp/new/dir/notes.txt");
		String first = call("sandbox_read_file", "{\"path\": \"/tmp/new/dir/notes.txt\"}", "c1");
		assertThat(first).contains("lines: 1-5")
			.contains("content:\n1| line 1\n2| line 2\n")
			.contains("5| line 5\n[more lines")
			.doesNotContain("line 6")
			.endsWith("[more lines follow: call again with first_line=6]");
		String last = call("sandbox_read_file", "{\"path\": \"/tmp/new/dir/notes.txt\", \"first_line\": 11}", "c1");
		assertThat(last).contains("lines: 11-12").contains("11| line 11\n12| line 12").endsWith("[end of file]");
		assertThat(call("sandbox_read_file", "{\"path\": \"/tmp/new/dir/notes.txt\", \"first_line\": 40}", "c1"))
			.contains("no lines from line 40 on");
	}

	@Test
	void directoriesAreListedAndSearched() {
		call("sandbox_run_command",
				"{\"command\": \"mkdir -p /tmp/p/q && echo a > /tmp/p/a.py && echo b > /tmp/p/q/b.py"
						+ " && echo c > /tmp/p/c.txt\"}",
				"c1");
		assertThat(call("sandbox_list_directory", "{\"path\": \"/tmp/p\"}", "c1"))
			.contains("entries: /tmp/p (depth 1), 3")
			.contains("dir ")
			.contains("/tmp/p/a.py")
			.doesNotContain("b.py");
		assertThat(call("sandbox_search_files", "{\"directory\": \"/tmp/p\", \"pattern\": \"*.py\"}", "c1"))
			.contains("/tmp/p/a.py")
			.contains("/tmp/p/q/b.py")
			.doesNotContain("c.txt");
	}

	@Test
	void anAgentSandboxCannotReachTheHostOrTheNetwork() throws Exception {
		try (ServerSocket host = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
			String code = """
					import socket
					reached = []
					for address in ('127.0.0.1', '10.0.2.2', '10.0.2.3', '1.1.1.1'):
					    try:
					        socket.create_connection((address, %d), 2).close()
					        reached.append(address)
					    except OSError:
					        pass
					print('reached', reached)""".formatted(host.getLocalPort());
			String result = call("sandbox_run_code", "{\"language\": \"python\", \"code\": " + quote(code) + "}", "c1");
			assertThat(result).contains("stdout:\nreached []");
		}
	}

	@Test
	void aPortOfTheSandboxIsExposedAsAUrl() {
		assertThat(call("sandbox_expose_port", "{\"port\": 8000}", "c1"))
			.matches("port 8000 of the sandbox is at http://.+");
	}

	@Test
	void mistakesOfTheModelAreToolErrorsItCanRead() {
		assertThatExceptionOfType(ToolExecutionException.class)
			.isThrownBy(() -> call("sandbox_read_file", "{\"path\": \"/tmp/missing.txt\"}", "c1"))
			.satisfies((ex) -> assertThat(ex.getToolDefinition().name()).isEqualTo("sandbox_read_file"));
		assertThatExceptionOfType(ToolExecutionException.class)
			.isThrownBy(() -> call("sandbox_read_file", "{\"path\": \"relative.txt\"}", "c1"))
			.withMessage("Invalid arguments: 'path' must be an absolute path (starting with /)");
		assertThatExceptionOfType(ToolExecutionException.class)
			.isThrownBy(() -> call("sandbox_run_command", "{}", "c1"))
			.withMessage("Invalid arguments: 'command' is required and must be a non-empty string");
		assertThatExceptionOfType(ToolExecutionException.class)
			.isThrownBy(() -> call("sandbox_run_command", "{\"command\": \"true\", \"timeout_seconds\": 100000}", "c1"))
			.withMessage("Invalid arguments: 'timeout_seconds' must be between 1 and 600");
		assertThatExceptionOfType(ToolExecutionException.class)
			.isThrownBy(() -> call("sandbox_run_code", "{\"language\": \"cobol\", \"code\": \"x\"}", "c1"))
			.withMessageStartingWith("Invalid arguments: language must be one of");
		assertThatExceptionOfType(ToolExecutionException.class)
			.isThrownBy(() -> call("sandbox_run_command", "not json", "c1"))
			.withMessageStartingWith("Invalid arguments: not JSON");
	}

	@Test
	void aConversationKeepsItsSandboxAndAnotherConversationGetsItsOwn() {
		call("sandbox_run_command", "{\"command\": \"echo one > /tmp/mark\"}", "c1");
		call("sandbox_run_command", "{\"command\": \"true\"}", "c2");
		assertThat(this.server.getSandboxes()).hasSize(2);
		assertThat(this.sandboxes.sandboxId("c1")).isNotEqualTo(this.sandboxes.sandboxId("c2"));
		assertThat(call("sandbox_run_command", "{\"command\": \"cat /tmp/mark\"}", "c1")).contains("stdout:\none");
		assertThat(call("sandbox_run_command", "{\"command\": \"cat /tmp/mark\"}", "c2")).startsWith("exit code: 1");
		// Spring AI's own conversation id key names the same conversation
		ToolContext chatMemory = new ToolContext(Map.of(ChatMemory.CONVERSATION_ID, "c1"));
		assertThat(tool("sandbox_run_command").call("{\"command\": \"cat /tmp/mark\"}", chatMemory))
			.contains("stdout:\none");
		assertThat(this.sandboxes.end("c1")).isTrue();
		assertThat(this.server.getSandboxes()).extracting(EmbeddedSandbox::id)
			.containsExactly(this.sandboxes.sandboxId("c2").orElseThrow());
	}

	@Test
	void aCallWithoutAConversationRunsInASandboxOfItsOwnThatIsKilledAfterIt() {
		String result = tool("sandbox_run_command").call("{\"command\": \"echo alone\"}", new ToolContext(Map.of()));
		assertThat(result).contains("stdout:\nalone");
		assertThat(this.server.getSandboxes()).isEmpty();
		assertThat(this.sandboxes.alive()).isZero();
		String perCall = tool("sandbox_run_command").call("{\"command\": \"echo once\"}",
				new ToolContext(Map.of(SandboxTools.CONVERSATION_ID, "c1", SandboxTools.MODE, "call")));
		assertThat(perCall).contains("stdout:\nonce");
		assertThat(this.server.getSandboxes()).isEmpty();
	}

	@Test
	void everyCallIsObservedWithItsToolOutcomeConversationAndSandbox() {
		this.observations.clear();
		call("sandbox_run_command", "{\"command\": \"true\"}", "c1");
		assertThatExceptionOfType(ToolExecutionException.class)
			.isThrownBy(() -> call("sandbox_run_command", "{}", "c1"));
		String sandboxId = this.sandboxes.sandboxId("c1").orElseThrow();
		io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat(this.observations)
			.hasNumberOfObservationsWithNameEqualTo(SandboxTools.OBSERVATION_NAME, 2)
			.hasAnObservation(
					(observation) -> observation.hasLowCardinalityKeyValue("opensandbox.ai.tool", "sandbox_run_command")
						.hasLowCardinalityKeyValue("outcome", "success")
						.hasHighCardinalityKeyValue("opensandbox.ai.conversation.id", "c1")
						.hasHighCardinalityKeyValue("opensandbox.sandbox.id", sandboxId))
			.hasAnObservation((observation) -> observation.hasLowCardinalityKeyValue("outcome", "tool_error"));
	}

	private String call(String tool, String arguments, String conversationId) {
		return tool(tool).call(arguments, new ToolContext(Map.of(SandboxTools.CONVERSATION_ID, conversationId)));
	}

	private ToolCallback tool(String name) {
		return Arrays.stream(this.tools.getToolCallbacks())
			.filter((tool) -> tool.getToolDefinition().name().equals(name))
			.findFirst()
			.orElseThrow();
	}

	private static String quote(String text) {
		return JSON.writeValueAsString(text);
	}

	/** A 1x1 PNG. */
	static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

	@TestConfiguration(proxyBeanMethods = false)
	static class Observations {

		@Bean
		TestObservationRegistry observationRegistry() {
			return TestObservationRegistry.create();
		}

	}

}
