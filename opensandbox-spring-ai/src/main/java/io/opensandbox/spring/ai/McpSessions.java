package io.opensandbox.spring.ai;

import java.io.IOException;

import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.mcp.McpToolUtils;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * MCP sessions as conversations: a tool called through Spring AI's MCP server runs in the
 * sandbox of its MCP session, and the sandbox is killed when the client ends the session
 * (an HTTP {@code DELETE} of the Streamable HTTP endpoint). Loaded only when the MCP SDK
 * is on the class path.
 *
 * @author OpenSandbox Spring Boot
 */
final class McpSessions {

	/** Header of the Streamable HTTP transport that names the session. */
	static final String SESSION_HEADER = "Mcp-Session-Id";

	private static final String PREFIX = "mcp:";

	private McpSessions() {
	}

	/**
	 * The conversation of an MCP tool call.
	 * @param context the tool context
	 * @return the conversation id, or {@code null} if the call did not come through a
	 * stateful MCP session
	 */
	static @Nullable String conversationId(ToolContext context) {
		Object exchange = context.getContext().get(McpToolUtils.TOOL_CONTEXT_MCP_EXCHANGE_KEY);
		String sessionId = null;
		if (exchange instanceof McpSyncServerExchange sync) {
			sessionId = sync.sessionId();
		}
		else if (exchange instanceof McpAsyncServerExchange async) {
			sessionId = async.sessionId();
		}
		return (sessionId != null && !sessionId.isBlank()) ? PREFIX + sessionId : null;
	}

	/**
	 * Ends the conversation of an MCP session once the server has accepted the client's
	 * {@code DELETE} of it.
	 */
	static final class EndFilter extends OncePerRequestFilter {

		private final AgentSandboxes sandboxes;

		private final String endpoint;

		EndFilter(AgentSandboxes sandboxes, String endpoint) {
			this.sandboxes = sandboxes;
			this.endpoint = endpoint;
		}

		@Override
		protected boolean shouldNotFilter(HttpServletRequest request) {
			return !"DELETE".equals(request.getMethod()) || request.getHeader(SESSION_HEADER) == null
					|| !this.endpoint.equals(request.getRequestURI().substring(request.getContextPath().length()));
		}

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			chain.doFilter(request, response);
			String sessionId = request.getHeader(SESSION_HEADER);
			if (response.getStatus() < 300 && sessionId != null && !sessionId.isBlank()) {
				this.sandboxes.end(PREFIX + sessionId);
			}
		}

	}

}
