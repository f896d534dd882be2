package io.opensandbox.spring.test.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.test.server.isolation.IsolatedSandbox;
import io.opensandbox.spring.test.server.isolation.SandboxProcess;

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

	/**
	 * Most characters of exported state carried from one run to the next.
	 */
	private static final int MAX_EXPORTS = 1024 * 1024;

	private final String id = UUID.randomUUID().toString();

	private final String marker = "\u001eOSB-" + UUID.randomUUID().toString().replace("-", "");

	private final IsolatedSandbox isolated;

	private final Deadlines deadlines;

	private final Semaphore turn = new Semaphore(1);

	private volatile String exports = "";

	private volatile @Nullable String workingDirectory;

	private volatile @Nullable SandboxProcess running;

	private volatile boolean closed;

	private final Path outputDirectory;

	BashSession(IsolatedSandbox isolated, @Nullable String workingDirectory, Deadlines deadlines,
			Path outputDirectory) {
		this.outputDirectory = outputDirectory;
		this.isolated = isolated;
		this.workingDirectory = workingDirectory;
		this.deadlines = deadlines;
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
		OutputPipe output;
		try {
			output = OutputPipe.create(this.outputDirectory, "session-" + UUID.randomUUID() + ".output").get(0);
		}
		catch (IOException ex) {
			events.emit(EventSink.error("CommandExecError", "-1", List.of(String.valueOf(ex.getMessage()))));
			return;
		}
		try {
			process = this.isolated.start(List.of("/bin/bash", "--noprofile", "--norc", "-c", script.toString()), null,
					Map.of(), output.path(), output.path());
			process.stdin().close();
		}
		catch (IOException ex) {
			output.close();
			events.emit(EventSink.error("CommandExecError", "-1", List.of(String.valueOf(ex.getMessage()))));
			return;
		}
		this.running = process;
		AtomicBoolean timedOut = new AtomicBoolean();
		ScheduledFuture<?> timeout = (timeoutMillis > 0)
				? this.deadlines.after(timeoutMillis, TimeUnit.MILLISECONDS, () -> {
					timedOut.set(true);
					process.kill();
				}) : null;
		// The run ends when its shell exits, whatever it left in the background.
		process.onExit().thenRun(() -> output.endAfterExit(this.deadlines.timer(), process::hasLiveProcesses, () -> {
		}));
		Transcript transcript = new Transcript(events);
		OutputPipe.LineSplitter lines = new OutputPipe.LineSplitter(transcript::line);
		output.pump(lines);
		lines.finish();
		StringBuilder dump = transcript.dump;
		String endDirectory = transcript.endDirectory;
		int code = process.onExit().join();
		this.running = null;
		if (timeout != null) {
			timeout.cancel(false);
		}
		if (timedOut.get()) {
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

	/**
	 * The output of one run: the command's lines go to the client until the marker, after
	 * which come the exported variables and the working directory to carry over.
	 */
	private final class Transcript {

		private final EventSink events;

		private @Nullable StringBuilder dump;

		private @Nullable String endDirectory;

		Transcript(EventSink events) {
			this.events = events;
		}

		void line(String line) {
			if (this.dump == null) {
				if (line.equals(BashSession.this.marker)) {
					this.dump = new StringBuilder();
				}
				else if (!line.isEmpty()) {
					this.events.emit(EventSink.event("stdout", "text", line));
				}
			}
			else if (line.startsWith(BashSession.this.marker + "PWD:")) {
				this.endDirectory = line.substring(BashSession.this.marker.length() + 4);
			}
			else if (this.dump.length() < MAX_EXPORTS) {
				this.dump.append(line).append('\n');
			}
		}

	}

}
