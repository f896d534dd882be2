package io.opensandbox.spring.test.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.test.server.isolation.IsolatedSandbox;
import io.opensandbox.spring.test.server.isolation.SandboxProcess;

/**
 * A persistent bash process for {@code bash} code contexts, which execd runs in a
 * notebook kernel: each run is evaluated in the same shell, so the working directory,
 * variables and functions persist. Output arrives as chunks of whole lines, terminator
 * kept, as kernel stream messages do. An end marker with the exit status on both output
 * streams tells where a run ends; runs of one context take turns.
 *
 * @author OpenSandbox Spring Boot
 */
final class BashInterpreter implements CodeContext.Interpreter {

	/**
	 * Longest output line held; the rest of a longer one is dropped, and the line says
	 * so.
	 */
	private static final int MAX_LINE = 8 * 1024 * 1024;

	private static final char MARK = '\u001e';

	private final String marker = MARK + "OSB-" + UUID.randomUUID().toString().replace("-", "");

	private final SandboxProcess process;

	private final OutputStream stdin;

	private final Semaphore turn = new Semaphore(1);

	private final Object lock = new Object();

	private @Nullable Run current;

	private volatile boolean closed;

	private BashInterpreter(SandboxProcess process) {
		this.process = process;
		this.stdin = process.stdin();
	}

	static BashInterpreter start(IsolatedSandbox isolated, Executor io) throws IOException {
		SandboxProcess process = isolated.start(List.of("/bin/bash", "--noprofile", "--norc"), null, Map.of());
		BashInterpreter session = new BashInterpreter(process);
		io.execute(() -> session.pump(process.stdout(), "stdout"));
		io.execute(() -> session.pump(process.stderr(), "stderr"));
		process.onExit().whenComplete((code, ex) -> session.ended());
		return session;
	}

	/**
	 * Run code in the shell and stream its events; blocks until the previous run of this
	 * context has ended.
	 */
	@Override
	public void run(String command, EventSink events, String executionId) {
		this.turn.acquireUninterruptibly();
		long started = System.currentTimeMillis();
		Run run = new Run(events, started);
		synchronized (this.lock) {
			if (this.closed) {
				this.turn.release();
				events.emit(EventSink.error("RuntimeError", "session has ended", List.of()));
				events.complete();
				return;
			}
			this.current = run;
		}
		events.emit(EventSink.event("init", "text", executionId));
		events.emit(EventSink.ping());
		StringBuilder script = new StringBuilder();
		script.append("eval ").append(quote(command)).append(" </dev/null\n");
		script.append("printf '%s:%d\\n' ")
			.append(quote(this.marker))
			.append(" \"$?\"; printf '%s:0\\n' ")
			.append(quote(this.marker))
			.append(" >&2\n");
		try {
			this.stdin.write(script.toString().getBytes(StandardCharsets.UTF_8));
			this.stdin.flush();
		}
		catch (IOException ex) {
			finish(run, null);
		}
	}

	private void pump(InputStream stream, String type) {
		try (InputStream input = stream) {
			String line;
			while ((line = OutputPipe.readLine(input, MAX_LINE)) != null) {
				int at = line.indexOf(this.marker);
				synchronized (this.lock) {
					Run run = this.current;
					if (at < 0) {
						if (run != null) {
							run.events.emit(EventSink.event(type, "text", line + "\n"));
						}
						continue;
					}
					if (at > 0 && run != null) {
						run.events.emit(EventSink.event(type, "text", line.substring(0, at)));
					}
					if (run == null) {
						continue;
					}
					if (type.equals("stdout")) {
						run.exitCode = parseCode(line.substring(at + this.marker.length()));
						run.stdoutDone = true;
					}
					else {
						run.stderrDone = true;
					}
					if (run.stdoutDone && run.stderrDone) {
						finish(run, run.exitCode);
					}
				}
			}
		}
		catch (IOException ex) {
			// the session was killed; ended() finishes the current run
		}
	}

	private void ended() {
		synchronized (this.lock) {
			this.closed = true;
			Run run = this.current;
			if (run != null) {
				finish(run, null);
			}
		}
	}

	private void finish(Run run, @Nullable Integer exitCode) {
		synchronized (this.lock) {
			if (this.current != run) {
				return;
			}
			this.current = null;
		}
		if (exitCode != null && exitCode == 0) {
			run.events.emit(
					EventSink.event("execution_complete", "execution_time", System.currentTimeMillis() - run.started));
		}
		else if (exitCode != null) {
			run.events.emit(EventSink.error("CommandExecError", Integer.toString(exitCode), List.of()));
		}
		else {
			run.events
				.emit(EventSink.error("RuntimeError", "the bash interpreter of this context has ended", List.of()));
		}
		run.events.complete();
		this.turn.release();
	}

	@Override
	public void interrupt() {
		close();
	}

	@Override
	public void close() {
		this.closed = true;
		this.process.kill();
	}

	private static Integer parseCode(String rest) {
		String digits = rest.startsWith(":") ? rest.substring(1).trim() : rest.trim();
		try {
			return Integer.parseInt(digits);
		}
		catch (NumberFormatException ex) {
			return 1;
		}
	}

	static String quote(String value) {
		return "'" + value.replace("'", "'\\''") + "'";
	}

	private static final class Run {

		private final EventSink events;

		private final long started;

		private boolean stdoutDone;

		private boolean stderrDone;

		private @Nullable Integer exitCode;

		Run(EventSink events, long started) {
			this.events = events;
			this.started = started;
		}

	}

}
