package io.opensandbox.spring.test.server;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.test.server.isolation.IsolatedSandbox;
import io.opensandbox.spring.test.server.isolation.ProcessMetrics;

/**
 * execd of one sandbox: commands, bash sessions, code contexts, metrics and (through
 * {@link FilesApi}) files. Streams are bare JSON events, each followed by a blank line,
 * with a {@code ping} every three seconds while a run lasts.
 *
 * @author OpenSandbox Spring Boot
 */
final class ExecdApi {

	static final String ACCESS_TOKEN_HEADER = "X-EXECD-ACCESS-TOKEN";

	static final Duration PING_INTERVAL = Duration.ofSeconds(3);

	private final SandboxServer server;

	private final FilesApi files;

	private final Routes routes = new Routes();

	ExecdApi(SandboxServer server) {
		this.server = server;
		this.files = new FilesApi(server);
		this.routes.add("GET", "/ping", (exchange) -> exchange.empty(200))
			.add("POST", "/command", this::runCommand)
			.add("DELETE", "/command", this::interrupt)
			.add("GET", "/command/status/{id}", this::commandStatus)
			.add("GET", "/command/{id}/logs", this::commandLogs)
			.add("POST", "/session", this::createSession)
			.add("POST", "/session/{id}/run", this::runInSession)
			.add("DELETE", "/session/{id}", this::deleteSession)
			.add("POST", "/code/context", this::createContext)
			.add("GET", "/code/contexts", this::listContexts)
			.add("DELETE", "/code/contexts", this::deleteContexts)
			.add("GET", "/code/contexts/{id}", this::getContext)
			.add("DELETE", "/code/contexts/{id}", this::deleteContext)
			.add("POST", "/code", this::runCode)
			.add("DELETE", "/code", this::interrupt)
			.add("GET", "/metrics", this::metrics)
			.add("GET", "/metrics/watch", this::watchMetrics);
		this.files.register(this.routes);
		new PtyApi(server, this::sandbox).register(this.routes);
	}

	Publisher<Void> handle(ServerSandbox sandbox, Exchange exchange) {
		String token = this.server.settings().execdAccessToken();
		if (token != null && !token.equals(exchange.header(ACCESS_TOKEN_HEADER))) {
			return exchange.json(401, Map.of("error", "Unauthorized: missing or invalid " + ACCESS_TOKEN_HEADER));
		}
		exchange.variable("sandbox", sandbox.id());
		Publisher<Void> answer = this.routes.dispatch(exchange);
		if (answer == null) {
			return exchange.text(404, "404 page not found");
		}
		return Mono.from(answer)
			.onErrorResume(ApiException.class, (ex) -> exchange.json(ex.status(), ex.body()))
			.onErrorResume(Json.BadRequestException.class,
					(ex) -> exchange.json(400,
							Json.object("code", "INVALID_REQUEST_BODY", "message",
									"error parsing request, MAYBE invalid body format: " + ex.getMessage())))
			.onErrorResume(ExecdApi::unexpected, (ex) -> exchange.json(500,
					Json.object("code", "RUNTIME_ERROR", "message", String.valueOf(ex.getMessage()))));
	}

	/*
	 * Whether an error is one no route answered itself: it still gets a body that says
	 * what happened, never an empty 500.
	 */
	static boolean unexpected(Throwable ex) {
		return ex instanceof RuntimeException && !(ex instanceof ApiException);
	}

	private ServerSandbox sandbox(Exchange exchange) {
		ServerSandbox sandbox = this.server.registry().get(exchange.variable("sandbox"));
		if (sandbox == null) {
			throw new ApiException(404, "SANDBOX_NOT_FOUND", "sandbox has been removed");
		}
		return sandbox;
	}

	private Mono<Void> runCommand(Exchange exchange) {
		ServerSandbox sandbox = sandbox(exchange);
		return exchange.body().map(Json::readObject).flatMap((body) -> {
			String command = requiredString(body, "command");
			String cwd = optionalString(body, "cwd");
			boolean background = Boolean.TRUE.equals(body.get("background"));
			long timeout = optionalLong(body, "timeout");
			if (body.get("gid") != null && body.get("uid") == null) {
				throw new ApiException(400, "INVALID_REQUEST_BODY",
						"invalid request, validation error uid is required when gid is provided");
			}
			Map<String, String> env = stringMap(body.get("envs"));
			return runCommand(exchange, sandbox, command, cwd, env, timeout, background);
		});
	}

	private Mono<Void> runCommand(Exchange exchange, ServerSandbox sandbox, String command, @Nullable String cwd,
			Map<String, String> env, long timeout, boolean background) {
		EventSink events = new EventSink();
		return blocking(() -> {
			IsolatedSandbox isolated = this.server.processes(sandbox);
			requireDirectory(this.server.fileAgent(sandbox), cwd);
			CommandRun run = CommandRun.start(isolated, command, cwd, env, timeout, background ? null : events,
					this.server.commandOutputs(), this.server.io(), this.server.deadlines());
			sandbox.commands.put(run.id(), run);
			if (background) {
				events.emit(EventSink.event("init", "text", run.id()));
				events.emit(EventSink.ping());
				events.emit(EventSink.event("execution_complete"));
				events.complete();
			}
			return run;
		}).then(stream(exchange, events));
	}

	/*
	 * Checks a working directory inside the sandbox (never on the host) before anything
	 * runs in it.
	 */
	static void requireDirectory(FileAgent agent, @Nullable String cwd) throws IOException {
		if (cwd == null) {
			return;
		}
		if (FilesApi.pathProblem(cwd) != null || !agent.isDirectory(cwd)) {
			throw new ApiException(400, "INVALID_REQUEST_BODY",
					"invalid request, validation error working directory does not exist: " + cwd);
		}
	}

	private Mono<Void> interrupt(Exchange exchange) {
		ServerSandbox sandbox = sandbox(exchange);
		String id = requiredQuery(exchange, "id");
		CodeContext context = sandbox.contexts.get(id);
		CommandRun run = sandbox.commands.get(id);
		BashSession session = sandbox.sessions.get(id);
		if (context == null && session == null && (run == null || !run.running())) {
			throw new ApiException(500, "RUNTIME_ERROR", "error interruptting code context. "
					+ ((run != null) ? "command session " + id + " is not running" : "no such session"));
		}
		return blocking(() -> {
			if (context != null) {
				context.interpreter().interrupt();
			}
			else if (run != null) {
				run.kill("signal: terminated");
			}
			else if (session != null) {
				sandbox.sessions.remove(id);
				session.close();
			}
			return id;
		}).then(exchange.empty(200));
	}

	private Mono<Void> commandStatus(Exchange exchange) {
		CommandRun run = command(exchange, exchange.variable("id"), 404);
		return exchange.json(200, run.status());
	}

	private Mono<Void> commandLogs(Exchange exchange) {
		CommandRun run = command(exchange, exchange.variable("id"), 400);
		if (!run.background()) {
			throw new ApiException(400, "INVALID_REQUEST_BODY",
					"command " + run.id() + " is not running in background");
		}
		long cursor = 0;
		String cursorText = exchange.query("cursor");
		if (cursorText != null) {
			try {
				cursor = Long.parseLong(cursorText);
			}
			catch (NumberFormatException ex) {
				cursor = 0;
			}
		}
		if (cursor < 0) {
			throw new ApiException(400, "INVALID_REQUEST_BODY", "error seek file: invalid argument");
		}
		long from = cursor;
		return blocking(() -> run.logsSince(from)).flatMap((logs) -> exchange.response()
			.status(200)
			.header("Content-Type", "text/plain; charset=utf-8")
			.header("Content-Length", Integer.toString(logs.bytes().length))
			.header("EXECD-COMMANDS-TAIL-CURSOR", Long.toString(logs.cursor()))
			.sendByteArray(Mono.just(logs.bytes()))
			.then());
	}

	private CommandRun command(Exchange exchange, String id, int missingStatus) {
		CommandRun run = sandbox(exchange).commands.get(id);
		if (run == null) {
			throw new ApiException(missingStatus, "INVALID_REQUEST_BODY", "command not found: " + id);
		}
		return run;
	}

	private Mono<Void> createSession(Exchange exchange) {
		ServerSandbox sandbox = sandbox(exchange);
		return exchange.body().flatMap((text) -> {
			String cwd = text.isBlank() ? null : optionalString(Json.readObject(text), "cwd");
			return blocking(() -> {
				IsolatedSandbox isolated = this.server.processes(sandbox);
				if (cwd != null) {
					String problem = FilesApi.pathProblem(cwd);
					if (problem != null) {
						throw new ApiException(400, "INVALID_REQUEST_BODY", "invalid working directory: " + problem);
					}
					// Created inside the sandbox, as the sandbox: never on the host.
					try {
						this.server.fileAgent(sandbox).mkdirs(cwd, FileAgent.Permission.NONE);
					}
					catch (FileAgent.Failure ex) {
						throw FilesApi.translate(ex);
					}
				}
				return new BashSession(isolated, cwd, this.server.deadlines(), this.server.commandOutputs());
			});
		}).flatMap((session) -> {
			sandbox.sessions.put(session.id(), session);
			return exchange.json(200, Map.of("session_id", session.id()));
		});
	}

	private Mono<Void> runInSession(Exchange exchange) {
		ServerSandbox sandbox = sandbox(exchange);
		BashSession session = sandbox.sessions.get(exchange.variable("id"));
		if (session == null) {
			throw new ApiException(500, "RUNTIME_ERROR", "error running in session. context not found");
		}
		return exchange.body().map(Json::readObject).flatMap((body) -> {
			String command = requiredString(body, "command");
			String cwd = optionalString(body, "cwd");
			long timeout = optionalLong(body, "timeout");
			EventSink events = new EventSink();
			// the directory check touches the file system: off the event loop, like the
			// run
			return blocking(() -> {
				this.server.processes(sandbox);
				requireDirectory(this.server.fileAgent(sandbox), cwd);
				this.server.io().execute(() -> session.run(command, cwd, timeout, events));
				return session;
			}).then(stream(exchange, events));
		});
	}

	private Mono<Void> deleteSession(Exchange exchange) {
		ServerSandbox sandbox = sandbox(exchange);
		String id = exchange.variable("id");
		BashSession session = sandbox.sessions.remove(id);
		if (session == null) {
			throw new ApiException(404, "CONTEXT_NOT_FOUND", "session " + id + " not found");
		}
		return blocking(() -> {
			session.close();
			return session;
		}).then(exchange.empty(200));
	}

	private Mono<Void> createContext(Exchange exchange) {
		ServerSandbox sandbox = sandbox(exchange);
		return exchange.body().flatMap((text) -> {
			Map<String, Object> body = text.isBlank() ? Map.of() : Json.readObject(text);
			String language = optionalString(body, "language");
			return blocking(() -> newContext(sandbox, (language != null) ? language : "", UUID.randomUUID().toString(),
					"error creating code context. "));
		}).flatMap((context) -> exchange.json(200, context.toJson()));
	}

	/*
	 * Start an interpreter: {@code python} (python3) and {@code bash} run here; the other
	 * languages execd knows answer as execd does when the image has no kernel for them.
	 */
	private CodeContext newContext(ServerSandbox sandbox, String language, String id, String errorPrefix)
			throws IOException {
		IsolatedSandbox isolated = this.server.processes(sandbox);
		CodeContext.Interpreter interpreter = switch (language) {
			case "python" -> {
				if (!java.nio.file.Files.isExecutable(isolated.hostPath("/usr/bin/python3"))
						&& !java.nio.file.Files.isExecutable(isolated.hostPath("/usr/local/bin/python3"))) {
					throw new ApiException(500, "RUNTIME_ERROR", errorPrefix
							+ "language runtime server not configured, please check your image runtime (no python3)");
				}
				yield PythonInterpreter.start(isolated, this.server.io());
			}
			case "bash" -> BashInterpreter.start(isolated, this.server.io());
			case "java", "go", "javascript", "typescript" -> throw new ApiException(500, "RUNTIME_ERROR",
					errorPrefix + "language runtime server not configured, please check your image runtime");
			default -> throw new ApiException(500, "RUNTIME_ERROR", errorPrefix + "unknown language: " + language);
		};
		CodeContext context = new CodeContext(id, language, interpreter);
		sandbox.contexts.put(context.id(), context);
		return context;
	}

	private Mono<Void> listContexts(Exchange exchange) {
		String language = exchange.query("language");
		List<Map<String, Object>> contexts = new ArrayList<>();
		sandbox(exchange).contexts.values()
			.stream()
			.filter((context) -> language == null || context.language().equals(language))
			.forEach((context) -> contexts.add(context.toJson()));
		return exchange.json(200, contexts);
	}

	private Mono<Void> getContext(Exchange exchange) {
		return exchange.json(200, context(sandbox(exchange), exchange.variable("id")).toJson());
	}

	private Mono<Void> deleteContext(Exchange exchange) {
		ServerSandbox sandbox = sandbox(exchange);
		CodeContext context = context(sandbox, exchange.variable("id"));
		sandbox.contexts.remove(context.id());
		return blocking(() -> {
			context.interpreter().close();
			return context;
		}).then(exchange.empty(200));
	}

	private Mono<Void> deleteContexts(Exchange exchange) {
		ServerSandbox sandbox = sandbox(exchange);
		String language = requiredQuery(exchange, "language");
		List<CodeContext> removed = new ArrayList<>();
		sandbox.contexts.values().removeIf((context) -> {
			if (context.language().equals(language)) {
				removed.add(context);
				return true;
			}
			return false;
		});
		return blocking(() -> {
			removed.forEach((context) -> context.interpreter().close());
			return removed;
		}).then(exchange.empty(200));
	}

	private CodeContext context(ServerSandbox sandbox, String id) {
		CodeContext context = sandbox.contexts.get(id);
		if (context == null) {
			throw new ApiException(404, "CONTEXT_NOT_FOUND", "context " + id + " not found");
		}
		return context;
	}

	@SuppressWarnings("unchecked")
	private Mono<Void> runCode(Exchange exchange) {
		ServerSandbox sandbox = sandbox(exchange);
		return exchange.body().map(Json::readObject).flatMap((body) -> {
			String code = requiredString(body, "code");
			Map<String, Object> requested = (body.get("context") instanceof Map<?, ?> map) ? (Map<String, Object>) map
					: Map.of();
			String id = optionalString(requested, "id");
			String language = optionalString(requested, "language");
			if (language == null) {
				// execd runs code without a language as a shell command
				return runCommand(exchange, sandbox, code, null, Map.of(), 0, false);
			}
			return blocking(() -> {
				if (id != null) {
					CodeContext context = sandbox.contexts.get(id);
					if (context == null) {
						throw new ApiException(500, "RUNTIME_ERROR", "error running codes context not found");
					}
					return context;
				}
				String defaultId = "default-" + language;
				synchronized (sandbox.contexts) {
					CodeContext existing = sandbox.contexts.get(defaultId);
					return (existing != null) ? existing
							: newContext(sandbox, language, defaultId, "error running codes ");
				}
			}).flatMap((context) -> {
				EventSink events = new EventSink();
				this.server.io().execute(() -> context.interpreter().run(code, events, context.id()));
				return stream(exchange, events);
			});
		});
	}

	private Mono<Void> metrics(Exchange exchange) {
		ServerSandbox sandbox = sandbox(exchange);
		return blocking(() -> metricsJson(this.server.files(sandbox).metrics()))
			.flatMap((json) -> exchange.json(200, json));
	}

	private Mono<Void> watchMetrics(Exchange exchange) {
		ServerSandbox sandbox = sandbox(exchange);
		Flux<String> body = Flux.interval(Duration.ZERO, Duration.ofSeconds(1))
			.concatMap((tick) -> blocking(() -> Json.write(metricsJson(this.server.files(sandbox).metrics())) + "\n"))
			.takeUntil((ignored) -> !this.server.registry().containsKey(sandbox.id()));
		return eventStream(exchange, body);
	}

	private static Map<String, Object> metricsJson(ProcessMetrics metrics) {
		return Json.object("cpu_count", metrics.cpuCount(), "cpu_used_pct", metrics.cpuUsedPercent(), "mem_total_mib",
				metrics.memoryTotalMiB(), "mem_used_mib", metrics.memoryUsedMiB(), "timestamp",
				System.currentTimeMillis());
	}

	/**
	 * Answer with the events of a run as execd does: bare JSON and a blank line per
	 * event, a ping every three seconds until the run ends.
	 * @param exchange the exchange
	 * @param events the run's events
	 * @return completion
	 */
	private Mono<Void> stream(Exchange exchange, EventSink events) {
		Flux<String> body = events.events()
			.map((event) -> Json.write(event) + "\n\n")
			.publish((shared) -> Flux.merge(shared,
					Flux.interval(PING_INTERVAL)
						.map((tick) -> Json.write(EventSink.ping()) + "\n\n")
						.takeUntilOther(shared.then())));
		return eventStream(exchange, body);
	}

	private static Mono<Void> eventStream(Exchange exchange, Flux<String> body) {
		return exchange.response()
			.status(200)
			.header("Content-Type", "text/event-stream")
			.header("Cache-Control", "no-cache")
			.sendString(body)
			.then();
	}

	private <T> Mono<T> blocking(Callable<T> work) {
		return blocking(this.server, work);
	}

	/*
	 * Work that blocks (processes, files, locks a process start may hold), on the
	 * server's blocking scheduler; an I/O failure is execd's 500.
	 */
	static <T> Mono<T> blocking(SandboxServer server, Callable<T> work) {
		return Mono.fromCallable(work)
			.subscribeOn(server.blocking())
			.onErrorMap(IOException.class,
					(ex) -> new ApiException(500, "RUNTIME_ERROR", String.valueOf(ex.getMessage())));
	}

	static String requiredString(Map<String, Object> body, String field) {
		if (!(body.get(field) instanceof String value) || value.isEmpty()) {
			throw new ApiException(400, "INVALID_REQUEST_BODY", "invalid request, validation error Key: '" + field
					+ "' Error:Field validation for '" + field + "' failed on the 'required' tag");
		}
		return value;
	}

	static @Nullable String optionalString(Map<String, Object> body, String field) {
		Object value = body.get(field);
		if (value != null && !(value instanceof String)) {
			throw new ApiException(400, "INVALID_REQUEST_BODY",
					"error parsing request, MAYBE invalid body format: " + field + " must be a string");
		}
		return (value != null && !((String) value).isEmpty()) ? (String) value : null;
	}

	private static long optionalLong(Map<String, Object> body, String field) {
		Object value = body.get(field);
		if (value == null) {
			return 0;
		}
		if (!(value instanceof Number number) || !Json.isLong(number) || number.longValue() < 0) {
			throw new ApiException(400, "INVALID_REQUEST_BODY",
					"error parsing request, MAYBE invalid body format: " + field + " must be a non-negative integer");
		}
		return number.longValue();
	}

	static String requiredQuery(Exchange exchange, String name) {
		String value = exchange.query(name);
		if (value == null || value.isEmpty()) {
			throw new ApiException(400, "MISSING_QUERY", "missing query parameter '" + name + "'");
		}
		return value;
	}

	private static Map<String, String> stringMap(@Nullable Object value) {
		Map<String, String> result = new LinkedHashMap<>();
		if (value instanceof Map<?, ?> map) {
			map.forEach((key, item) -> {
				String name = key.toString();
				String text = String.valueOf(item);
				if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0 || text.indexOf('\0') >= 0) {
					throw new ApiException(400, "INVALID_REQUEST_BODY",
							"invalid environment variable '" + name.replace("\0", "\\0")
									+ "': names must be non-empty without '=' or NUL, values without NUL");
				}
				result.put(name, text);
			});
		}
		else if (value != null) {
			throw new ApiException(400, "INVALID_REQUEST_BODY",
					"error parsing request, MAYBE invalid body format. envs must be an object");
		}
		return result;
	}

}
