package io.opensandbox.spring.test.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.opensandbox.spring.test.server.isolation.IsolatedSandbox;
import io.opensandbox.spring.test.server.isolation.SandboxProcess;
import org.jspecify.annotations.Nullable;

/**
 * An execd bash session: every run is a new {@code bash} process that starts from the
 * exported variables and working directory the previous run ended with (plain variables,
 * functions and aliases do not carry over, and nothing carries over from a run that calls
 * {@code exit}). Standard error is merged into standard output and empty lines are
 * dropped, as execd does; runs of one session take turns.
 *
 * @author OpenSandbox Spring Boot
 */
final class BashSession {

	private final String id = UUID.randomUUID().toString();

	private final String marker = "\u001eOSB-" + UUID.randomUUID().toString().replace("-", "");

	private final IsolatedSandbox isolated;

	private final ScheduledExecutorService timer;

	private final Semaphore turn = new Semaphore(1);

	private volatile String exports = "";

	private volatile @Nullable String workingDirectory;

	private volatile @Nullable SandboxProcess running;

	private volatile boolean closed;

	BashSession(IsolatedSandbox isolated, @Nullable String workingDirectory, ScheduledExecutorService timer) {
		this.isolated = isolated;
		this.workingDirectory = workingDirectory;
		this.timer = timer;
	}

	String id() {
		return this.id;
	}

	/**
	 * Run a command and stream its events; blocks until the previous run has ended.
	 * @param command the command
	 * @param cwd the directory for this run, or {@code null} for the session's
	 * @param timeoutMillis the timeout, {@code 0} for none
	 * @param events where the events go
	 */
	void run(String command, @Nullable String cwd, long timeoutMillis, EventSink events) {
		this.turn.acquireUninterruptibly();
		try {
			runInTurn(command, cwd, timeoutMillis, events);
		}
		finally {
			this.turn.release();
			events.complete();
		}
	}

	private void runInTurn(String command, @Nullable String cwd, long timeoutMillis, EventSink events) {
		long started = System.currentTimeMillis();
		events.emit(EventSink.event("init", "text", this.id));
		events.emit(EventSink.ping());
		if (this.closed) {
			events.emit(Json.object("code", "RUNTIME_ERROR", "message", "error running in session. context not found"));
			return;
		}
		String directory = (cwd != null) ? cwd : this.workingDirectory;
		StringBuilder script = new StringBuilder("exec 2>&1\n");
		script.append("{ :\n").append(this.exports).append("\n} >/dev/null 2>&1\n");
		if (directory != null) {
			script.append("cd -- ").append(BashInterpreter.quote(directory)).append(" || exit 1\n");
		}
		script.append(command).append("\n__osb_status=$?\n");
		script.append("printf '\\n%s\\n' ").append(BashInterpreter.quote(this.marker)).append('\n');
		script.append("export -p\n");
		script.append("printf '%sPWD:%s\\n' ").append(BashInterpreter.quote(this.marker)).append(" \"$(pwd)\"\n");
		script.append("exit $__osb_status\n");
		SandboxProcess process;
		try {
			process = this.isolated.start(List.of("/bin/bash", "--noprofile", "--norc", "-c", script.toString()), null,
					Map.of());
			process.stdin().close();
		}
		catch (IOException ex) {
			events.emit(EventSink.error("CommandExecError", "-1", List.of(String.valueOf(ex.getMessage()))));
			return;
		}
		this.running = process;
		boolean[] timedOut = { false };
		ScheduledFuture<?> timeout = (timeoutMillis > 0) ? this.timer.schedule(() -> {
			timedOut[0] = true;
			process.kill();
		}, timeoutMillis, TimeUnit.MILLISECONDS) : null;
		StringBuilder dump = null;
		String endDirectory = null;
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.stdout(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				if (dump == null) {
					if (line.equals(this.marker)) {
						dump = new StringBuilder();
					}
					else if (!line.isEmpty()) {
						events.emit(EventSink.event("stdout", "text", line));
					}
				}
				else if (line.startsWith(this.marker + "PWD:")) {
					endDirectory = line.substring(this.marker.length() + 4);
				}
				else {
					dump.append(line).append('\n');
				}
			}
		}
		catch (IOException ex) {
			// killed: the exit code tells the rest
		}
		int code = process.onExit().join();
		this.running = null;
		if (timeout != null) {
			timeout.cancel(false);
		}
		if (timedOut[0]) {
			events.emit(Json.object("code", "RUNTIME_ERROR", "message",
					"error running in session. timeout after " + timeoutMillis + "ms"));
			return;
		}
		if (dump != null && endDirectory != null) {
			this.exports = dump.toString();
			this.workingDirectory = endDirectory;
		}
		if (code == 0) {
			events.emit(EventSink.event("execution_complete", "execution_time", System.currentTimeMillis() - started));
		}
		else {
			events.emit(EventSink.error("CommandExecError", Integer.toString(code), List.of("exit status " + code)));
		}
	}

	/**
	 * End the session, killing a run in progress.
	 */
	void close() {
		this.closed = true;
		SandboxProcess process = this.running;
		if (process != null) {
			process.kill();
		}
	}

}
