package io.opensandbox.spring.samples.playground;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.support.WebSocketHandlerAdapter;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.model.PtySession;

/**
 * The terminal: {@code GET /api/terminal} gives the browser session its PTY session (in
 * its sandbox, created on first use or again when the sandbox was replaced), and the
 * WebSocket at {@code /api/terminal/ws} connects the page to it
 * ({@link TerminalHandler}). The socket learns whose session it is from the WebSession,
 * whose terminal attributes the handshake copies.
 *
 * @author OpenSandbox Spring Boot
 */
@Configuration(proxyBeanMethods = false)
public class TerminalConfiguration {

	/*
	 * Only the page itself may open the terminal: a handshake from another origin
	 * (another site, or another port on the same host, which shares the session cookie)
	 * is refused with 403 by CORS processing, whose configuration allows no other origin.
	 */
	@Bean
	HandlerMapping terminalHandlerMapping(SessionSandboxes sandboxes) {
		SimpleUrlHandlerMapping mapping = new SimpleUrlHandlerMapping(
				Map.of(TerminalHandler.PATH, new TerminalHandler(sandboxes)), -1);
		mapping.setCorsConfigurations(Map.of(TerminalHandler.PATH, new CorsConfiguration()));
		return mapping;
	}

	@Bean
	WebSocketHandlerAdapter terminalWebSocketHandlerAdapter() {
		HandshakeWebSocketService service = new HandshakeWebSocketService();
		service.setSessionAttributePredicate((name) -> name.startsWith("terminal."));
		return new WebSocketHandlerAdapter(service);
	}

	/**
	 * The browser session's terminal.
	 */
	@RestController
	static class TerminalController {

		private final SessionSandboxes sandboxes;

		TerminalController(SessionSandboxes sandboxes) {
			this.sandboxes = sandboxes;
		}

		/**
		 * The PTY session of this browser session: the one it has while its sandbox knows
		 * it, else a new shell.
		 * @param session the browser session
		 * @return the PTY session's id and the sandbox's
		 */
		@GetMapping("/api/terminal")
		Mono<Map<String, Object>> terminal(WebSession session) {
			session.start();
			String known = session.getAttribute(TerminalHandler.SESSION_ATTRIBUTE);
			return this.sandboxes.sandbox(session.getId()).flatMap((sandbox) -> {
				Mono<String> existing = (known != null) ? sandbox.pty()
					.status(known)
					.map((status) -> known)
					.onErrorResume(OpenSandboxApiException.NotFound.class, (ex) -> Mono.empty()) : Mono.empty();
				return existing.switchIfEmpty(Mono.defer(() -> sandbox.pty().create(PtySession.Spec.shell())))
					.map((terminal) -> {
						session.getAttributes().put(TerminalHandler.BROWSER_ATTRIBUTE, session.getId());
						session.getAttributes().put(TerminalHandler.SESSION_ATTRIBUTE, terminal);
						Map<String, Object> answer = new LinkedHashMap<>();
						answer.put("session", terminal);
						answer.put("sandboxId", sandbox.id());
						return answer;
					});
			});
		}

	}

}
