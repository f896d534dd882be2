package io.opensandbox.spring.samples.playground;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.core.ReactiveSandboxTemplate;

/**
 * The playground's HTTP API for its page: what it is connected to, running code with live
 * output, and the application's sandboxes. Every browser session gets its own sandbox;
 * the session is started by the first call, so its cookie comes back at once.
 *
 * @author OpenSandbox Spring Boot
 */
@RestController
@RequestMapping("/api")
public class PlaygroundController {

	private final SessionSandboxes sandboxes;

	private final CommandRunner runner;

	private final ConnectedServer server;

	private final ReactiveSandboxTemplate template;

	private final PlaygroundProperties properties;

	public PlaygroundController(SessionSandboxes sandboxes, CommandRunner runner, ConnectedServer server,
			ReactiveSandboxTemplate template, PlaygroundProperties properties) {
		this.sandboxes = sandboxes;
		this.runner = runner;
		this.server = server;
		this.template = template;
		this.properties = properties;
	}

	/**
	 * What the page shows in its header: the server, the image, the limits, and this
	 * session's sandbox if it has one.
	 * @param session the browser session
	 * @return the information
	 */
	@GetMapping("/info")
	public Map<String, Object> info(WebSession session) {
		session.start();
		Map<String, Object> info = new LinkedHashMap<>();
		info.put("server", this.server.describe());
		String image = this.template.getSettings().defaults().image();
		info.put("image", (image != null) ? image : "(server default)");
		info.put("commandTimeoutSeconds", this.properties.getCommandTimeout().toSeconds());
		info.put("maxCommandTimeoutSeconds", this.properties.getMaxCommandTimeout().toSeconds());
		info.put("maxUploadBytes", this.properties.getMaxUploadSize().toBytes());
		info.put("maxCodeLength", this.properties.getMaxCodeLength());
		info.put("workingDirectory", this.properties.getWorkingDirectory());
		String sandboxId = this.sandboxes.sandboxId(session.getId());
		if (sandboxId != null) {
			info.put("sandboxId", sandboxId);
		}
		return info;
	}

	/**
	 * Run a shell command or a Python program and stream its output as server-sent events
	 * (see {@link CommandRunner}). Invalid input is answered with a {@code 400} problem
	 * instead of a stream.
	 * @param request what to run
	 * @param session the browser session
	 * @return the events
	 */
	@PostMapping("/runs")
	public Flux<ServerSentEvent<Object>> run(@RequestBody RunRequest request, WebSession session) {
		session.start();
		return this.runner.run(session.getId(), request);
	}

	/**
	 * The sandboxes this application holds, with their states; the session's own sandbox
	 * is marked.
	 * @param session the browser session
	 * @return the sandboxes, oldest first
	 */
	@GetMapping("/sandboxes")
	public Flux<SandboxView> sandboxes(WebSession session) {
		session.start();
		return this.sandboxes.list(session.getId());
	}

	/**
	 * Kill one of this application's sandboxes. If it was a session's sandbox, that
	 * session gets a new one with its next command.
	 * @param id the sandbox id
	 * @return {@code 204} once it is being terminated; {@code 404} for a sandbox this
	 * application does not hold
	 */
	@DeleteMapping("/sandboxes/{id}")
	public Mono<ResponseEntity<Void>> kill(@PathVariable String id) {
		return this.sandboxes.kill(id).thenReturn(ResponseEntity.noContent().build());
	}

}
