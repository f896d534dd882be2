package io.opensandbox.spring.ai;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.ai.mcp.SyncMcpToolCallbackProvider;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.opensandbox.spring.test.EmbeddedOpenSandbox;
import io.opensandbox.spring.test.EmbeddedOpenSandboxServer;
import io.opensandbox.spring.test.EmbeddedSandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sandbox tools served by Spring AI's MCP server over Streamable HTTP on loopback,
 * used by Spring AI's MCP client: every MCP session has a sandbox of its own, killed when
 * the client ends the session.
 *
 * @author OpenSandbox Spring Boot
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "opensandbox.ai.entrypoint=sleep,infinity",
				"spring.ai.mcp.server.protocol=STREAMABLE", "spring.ai.mcp.server.name=opensandbox" })
@EmbeddedOpenSandbox
@Timeout(120)
class McpServerEndToEndTests {

	@LocalServerPort
	private int port;

	@Autowired
	private EmbeddedOpenSandboxServer server;

	@Autowired
	private AgentSandboxes sandboxes;

	@Test
	void anMcpClientListsAndCallsEveryToolInItsSessionsSandboxWhichEndsWithTheSession() {
		McpSyncClient client = connect();
		McpSyncClient other = connect();
		try {
			assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name)
				.contains("sandbox_run_command", "sandbox_run_code", "sandbox_write_file", "sandbox_read_file",
						"sandbox_list_directory", "sandbox_search_files");
			List<ToolCallback> tools = Arrays.asList(new SyncMcpToolCallbackProvider(client).getToolCallbacks());
			assertThat(call(tools, "sandbox_run_command", "{\"command\": \"echo from mcp; mkdir -p /tmp/m\"}"))
				.contains("exit code: 0")
				.contains("from mcp");
			assertThat(
					call(tools, "sandbox_write_file", "{\"path\": \"/tmp/m/a.py\", \"content\": \"print(7 * 6)\\n\"}"))
				.contains("wrote 13 bytes to /tmp/m/a.py");
			assertThat(call(tools, "sandbox_read_file", "{\"path\": \"/tmp/m/a.py\"}")).contains("1| print(7 * 6)");
			assertThat(call(tools, "sandbox_list_directory", "{\"path\": \"/tmp/m\"}")).contains("/tmp/m/a.py");
			assertThat(call(tools, "sandbox_search_files", "{\"directory\": \"/tmp\", \"pattern\": \"*.py\"}"))
				.contains("/tmp/m/a.py");
			assertThat(call(tools, "sandbox_run_code",
					"{\"language\": \"python\", \"code\": \"exec(open('/tmp/m/a.py').read())\"}"))
				.contains("42");
			// a mistake of the model is an error result it can read, not a broken session
			McpSchema.CallToolResult missing = client
				.callTool(new McpSchema.CallToolRequest("sandbox_read_file", Map.of("path", "/tmp/m/none.txt")));
			assertThat(missing.isError()).isTrue();

			// the other session has its own sandbox
			other.callTool(new McpSchema.CallToolRequest("sandbox_run_command", Map.of("command", "true")));
			assertThat(this.server.getSandboxes()).hasSize(2);
			assertThat(this.sandboxes.conversations()).hasSize(2).allMatch((id) -> id.startsWith("mcp:"));
		}
		finally {
			client.closeGracefully();
		}
		// ending the session killed its sandbox; the other one lives on
		await().atMost(Duration.ofSeconds(20)).until(() -> this.server.getSandboxes().size() == 1);
		assertThat(this.sandboxes.conversations()).hasSize(1);
		other.closeGracefully();
		await().atMost(Duration.ofSeconds(20)).until(() -> this.server.getSandboxes().isEmpty());
		assertThat(this.sandboxes.conversations()).isEmpty();
		assertThat(this.server.getSandboxes()).extracting(EmbeddedSandbox::id).isEmpty();
	}

	private McpSyncClient connect() {
		McpSyncClient client = McpClient
			.sync(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + this.port).build())
			.requestTimeout(Duration.ofSeconds(60))
			.build();
		client.initialize();
		return client;
	}

	private static String call(List<ToolCallback> tools, String name, String arguments) {
		ToolCallback tool = tools.stream()
			.filter((candidate) -> candidate.getToolDefinition().name().endsWith(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No tool " + name + " in "
					+ tools.stream().map((candidate) -> candidate.getToolDefinition().name()).toList()));
		return tool.call(arguments);
	}

}
