package io.opensandbox.spring.samples.playground;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.core.ReactiveSandbox;
import io.opensandbox.spring.error.OpenSandboxException;
import io.opensandbox.spring.error.SandboxReadinessException;
import io.opensandbox.spring.model.CommandOptions;
import io.opensandbox.spring.model.ExecutionError;
import io.opensandbox.spring.model.ExecutionEvent;
import io.opensandbox.spring.model.FileUpload;

/**
 * Runs what the page sends in the session's sandbox and turns the command's event stream
 * into server-sent events for the browser, as they happen:
 * <ul>
 * <li>{@code status}: progress before the command starts ({@code message});</li>
 * <li>{@code started}: the command runs ({@code sandboxId}, {@code timeoutSeconds});</li>
 * <li>{@code stdout} / {@code stderr}: one output line ({@code text});</li>
 * <li>{@code exit}: the command ended ({@code exitCode}, {@code durationMillis}, and
 * {@code error} when it ended with an error other than a non-zero exit);</li>
 * <li>{@code timeout}: the command was stopped at its time limit ({@code message});</li>
 * <li>{@code failure}: the sandbox could not run it ({@code message}).</li>
 * </ul>
 * Every stream ends with exactly one of {@code exit}, {@code timeout} or {@code failure}.
 * The time limit is enforced here, by cancelling the stream, which the starter turns into
 * an interrupt of the command; execd is also given a limit a little later, should this
 * application die before it cancels. The browser going away cancels the stream as well,
 * so a closed tab leaves nothing running. Python programs are written to a file through
 * the files API and run with {@code python3}, which shows that a command sees the files
 * the API writes.
 *
 * @author OpenSandbox Spring Boot
 */
@Component
public class CommandRunner {

	private static final Log logger = LogFactory.getLog(CommandRunner.class);

	/** Where a Python program is written inside the sandbox. */
	static final String PROGRAM_PATH = "/tmp/opensandbox-playground/main.py";

	/** How much later than the playground's own limit execd stops a command. */
	private static final Duration SERVER_GRACE = Duration.ofSeconds(5);

	private final SessionSandboxes sandboxes;

	private final PlaygroundProperties properties;

	public CommandRunner(SessionSandboxes sandboxes, PlaygroundProperties properties) {
		Assert.isTrue(isPositive(properties.getCommandTimeout()), "playground.command-timeout must be positive");
		Assert.isTrue(properties.getCommandTimeout().compareTo(properties.getMaxCommandTimeout()) <= 0,
				"playground.command-timeout must not exceed playground.max-command-timeout");
		Assert.isTrue(properties.getMaxCodeLength() > 0, "playground.max-code-length must be positive");
		this.sandboxes = sandboxes;
		this.properties = properties;
	}

	private static boolean isPositive(Duration duration) {
		return !duration.isNegative() && !duration.isZero();
	}

	/**
	 * Check a request and, when it is valid, return the events of its run. Nothing runs
	 * until the result is subscribed to.
	 * @param sessionId the browser session whose sandbox runs it
	 * @param request what to run
	 * @return the events
	 * @throws PlaygroundInputException if the request is invalid; it is thrown at once,
	 * so that the page gets an error response instead of an event stream
	 */
	public Flux<ServerSentEvent<Object>> run(String sessionId, RunRequest request) {
		Run run = validate(request);
		return Flux
			.concat(Mono.just(event("status", "message", "Preparing your sandbox")),
					this.sandboxes.sandbox(sessionId).flatMapMany((sandbox) -> execute(sandbox, run)))
			.onErrorResume((ex) -> Mono.just(failure(ex)));
	}

	private Run validate(RunRequest request) {
		String language = StringUtils.hasText(request.language()) ? request.language().strip().toLowerCase(Locale.ROOT)
				: "shell";
		if (!language.equals("shell") && !language.equals("python")) {
			throw PlaygroundInputException
				.badRequest("Unknown language '" + request.language() + "': choose 'shell' or 'python'");
		}
		String code = request.code();
		if (!StringUtils.hasText(code)) {
			throw PlaygroundInputException
				.badRequest(language.equals("python") ? "The Python program is empty: type some code first"
						: "The command is empty: type a command first");
		}
		if (code.length() > this.properties.getMaxCodeLength()) {
			throw PlaygroundInputException.badRequest("The " + (language.equals("python") ? "program" : "command")
					+ " is " + code.length() + " characters long; the limit is " + this.properties.getMaxCodeLength());
		}
		long maxSeconds = this.properties.getMaxCommandTimeout().toSeconds();
		Duration timeout = this.properties.getCommandTimeout();
		if (request.timeoutSeconds() != null) {
			int seconds = request.timeoutSeconds();
			if (seconds < 1 || seconds > maxSeconds) {
				throw PlaygroundInputException
					.badRequest("The time limit must be between 1 and " + maxSeconds + " seconds, not " + seconds);
			}
			timeout = Duration.ofSeconds(seconds);
		}
		return new Run(language.equals("python"), code, timeout);
	}

	private Flux<ServerSentEvent<Object>> execute(ReactiveSandbox sandbox, Run run) {
		Mono<Void> prepare = run.python() ? sandbox.files().write(List.of(FileUpload.of(PROGRAM_PATH, run.code())))
				: Mono.empty();
		// Unbuffered (-u): to a pipe, Python would otherwise hold its output until it
		// ends
		String command = run.python() ? "python3 -u " + PROGRAM_PATH : run.code();
		CommandOptions options = CommandOptions.defaults()
			.withCwd(this.properties.getWorkingDirectory())
			.withTimeout(run.timeout().plus(SERVER_GRACE));
		return prepare.thenMany(Flux.defer(() -> {
			Progress progress = new Progress(System.nanoTime());
			Flux<ServerSentEvent<Object>> events = sandbox.commands()
				.stream(command, options)
				.takeUntilOther(Mono.delay(run.timeout()))
				.concatMap((event) -> toEvents(event, progress, sandbox.id(), run));
			return Flux.concat(events, Mono.fromSupplier(() -> progress.finished ? null : timedOut(run)));
		}));
	}

	private Flux<ServerSentEvent<Object>> toEvents(ExecutionEvent event, Progress progress, String sandboxId, Run run) {
		if (progress.finished) {
			return Flux.empty();
		}
		return switch (event.type()) {
			case INIT ->
				Flux.just(event("started", "sandboxId", sandboxId, "timeoutSeconds", run.timeout().toSeconds()));
			case STDOUT -> Flux.just(event("stdout", "text", line(event.text())));
			case STDERR -> Flux.just(event("stderr", "text", line(event.text())));
			case PING -> Flux.just(ServerSentEvent.builder().comment("ping").build());
			case EXECUTION_COMPLETE -> {
				progress.finished = true;
				yield Flux.just(exit(0, null, progress));
			}
			case ERROR -> {
				progress.finished = true;
				ExecutionError error = event.error();
				Integer exitCode = (error != null) ? error.exitCode() : null;
				yield Flux.just(exit(exitCode, (exitCode != null) ? null : error, progress));
			}
			default -> Flux.empty();
		};
	}

	/* execd sends an empty line as a lone line feed. */
	private static String line(@Nullable String text) {
		return (text == null || text.equals("\n")) ? "" : text;
	}

	private static ServerSentEvent<Object> exit(@Nullable Integer exitCode, @Nullable ExecutionError error,
			Progress progress) {
		Map<String, @Nullable Object> data = new LinkedHashMap<>();
		data.put("exitCode", exitCode);
		data.put("durationMillis", Duration.ofNanos(System.nanoTime() - progress.startNanos).toMillis());
		if (error != null) {
			data.put("error", error.name() + ": " + error.value());
			data.put("traceback", error.traceback());
		}
		return ServerSentEvent.builder((Object) data).event("exit").build();
	}

	private static ServerSentEvent<Object> timedOut(Run run) {
		long seconds = run.timeout().toSeconds();
		return event("timeout", "message",
				"Stopped: the command was still running after its time limit of " + seconds + " s", "timeoutSeconds",
				seconds);
	}

	private static ServerSentEvent<Object> failure(Throwable ex) {
		String message;
		if (ex instanceof SandboxReadinessException) {
			message = "The sandbox did not become ready: " + ex.getMessage();
		}
		else if (ex instanceof OpenSandboxException) {
			message = "The OpenSandbox server could not run it: " + ex.getMessage();
		}
		else {
			message = "The command could not be run: " + ex.getMessage();
		}
		logger.warn(message, ex);
		return event("failure", "message", message);
	}

	private static ServerSentEvent<Object> event(String name, Object... keysAndValues) {
		Map<String, Object> data = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			data.put((String) keysAndValues[i], keysAndValues[i + 1]);
		}
		return ServerSentEvent.builder((Object) data).event(name).build();
	}

	/**
	 * A validated request.
	 */
	private record Run(boolean python, String code, Duration timeout) {

	}

	/**
	 * What one run has seen so far; touched only by the run's own serialized signals.
	 */
	private static final class Progress {

		private final long startNanos;

		private volatile boolean finished;

		Progress(long startNanos) {
			this.startNanos = startNanos;
		}

	}

}
