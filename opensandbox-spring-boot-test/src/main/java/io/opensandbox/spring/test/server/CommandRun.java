package io.opensandbox.spring.test.server;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.test.server.isolation.IsolatedSandbox;
import io.opensandbox.spring.test.server.isolation.SandboxProcess;

/**
 * One command run by execd's {@code POST /command}: a {@code bash -c} process in its own
 * process group in the sandbox. A foreground run streams one event per output line; a
 * background run writes stdout and stderr into one output file read by byte offset. A
 * timeout or an interrupt kills the group, which execd reports as exit code {@code -1}.
 *
 * @author OpenSandbox Spring Boot
 */
final class CommandRun {

	private final String id = UUID.randomUUID().toString().replace("-", "");

	private final String command;

	private final Instant startedAt = Instant.now();

	private final @Nullable Path output;

	private final SandboxProcess process;

	private volatile @Nullable Instant finishedAt;

	private volatile @Nullable Integer exitCode;

	private volatile @Nullable String error;

	private volatile @Nullable String killedBy;

	private final List<OutputPipe> pipes;

	private CommandRun(String command, SandboxProcess process, @Nullable Path output, List<OutputPipe> pipes) {
		this.command = command;
		this.process = process;
		this.output = output;
		this.pipes = pipes;
	}

	/**
	 * Start a command.
	 * @param isolated the sandbox
	 * @param command the shell command
	 * @param cwd the working directory, or {@code null}
	 * @param env extra environment variables
	 * @param timeoutMillis the timeout in milliseconds, or {@code 0} for none
	 * @param events where a foreground run's events go, or {@code null} for a background
	 * run
	 * @param outputDirectory where a background run's output file goes
	 * @param io the executor for the output readers
	 * @param deadlines where the timeout waits, and the kill then runs
	 * @return the run
	 * @throws IOException if the process cannot start
	 */
	static CommandRun start(IsolatedSandbox isolated, String command, @Nullable String cwd, Map<String, String> env,
			long timeoutMillis, @Nullable EventSink events, Path outputDirectory, Executor io, Deadlines deadlines)
			throws IOException {
		String name = "command-" + UUID.randomUUID();
		List<OutputPipe> pipes = OutputPipe.create(outputDirectory, name + ".stdout", name + ".stderr");
		SandboxProcess process;
		Path output = null;
		OutputStream log = null;
		try {
			process = isolated.start(List.of("/bin/bash", "-c", command), cwd, env, pipes.get(0).path(),
					pipes.get(1).path());
			closeQuietly(process.stdin());
			if (events == null) {
				output = outputDirectory.resolve(name + ".output");
				log = Files.newOutputStream(output);
			}
		}
		catch (IOException | RuntimeException ex) {
			pipes.forEach(OutputPipe::close);
			throw ex;
		}
		CommandRun run = new CommandRun(command, process, output, pipes);
		if (events != null) {
			events.emit(EventSink.event("init", "text", run.id));
			events.emit(EventSink.ping());
		}
		OutputStream sharedLog = log;
		CompletableFuture<Void> stdout = CompletableFuture
			.runAsync(() -> run.pump(pipes.get(0), "stdout", events, sharedLog), io);
		CompletableFuture<Void> stderr = CompletableFuture
			.runAsync(() -> run.pump(pipes.get(1), "stderr", events, sharedLog), io);
		if (timeoutMillis > 0) {
			var timeout = deadlines.after(timeoutMillis, TimeUnit.MILLISECONDS, () -> run.kill("signal: killed"));
			process.onExit().whenComplete((code, ex) -> timeout.cancel(false));
		}
		// The run ends when the shell exits; what it left in the background keeps its
		// output streams but no longer holds the run open.
		CompletableFuture<Void> drained = process.onExit().thenCompose((code) -> {
			CompletableFuture<Void> ended = new CompletableFuture<>();
			int[] left = { pipes.size() };
			for (OutputPipe pipe : pipes) {
				pipe.endAfterExit(deadlines.timer(), process::hasLiveProcesses, () -> {
					synchronized (left) {
						if (--left[0] == 0) {
							ended.complete(null);
						}
					}
				});
			}
			return ended;
		});
		CompletableFuture.allOf(stdout, stderr, drained)
			.thenCombine(process.onExit(), (ignored, code) -> code)
			.whenComplete((code, ex) -> {
				if (sharedLog != null) {
					closeQuietly(sharedLog);
				}
				run.finish(code, ex, events);
			});
		return run;
	}

	private void pump(OutputPipe pipe, String type, @Nullable EventSink events, @Nullable OutputStream log) {
		if (log != null) {
			pipe.pump((bytes, length) -> {
				synchronized (log) {
					try {
						log.write(bytes, 0, length);
						log.flush();
					}
					catch (IOException ex) {
						throw new java.io.UncheckedIOException(ex);
					}
				}
			});
			return;
		}
		if (events == null) {
			throw new IllegalStateException("Output of a run goes to a log or to events");
		}
		OutputPipe.LineSplitter lines = new OutputPipe.LineSplitter((line) -> events.emit(EventSink.line(type, line)));
		pipe.pump(lines);
		lines.finish();
	}

	private void finish(@Nullable Integer code, @Nullable Throwable failure, @Nullable EventSink events) {
		String killed = this.killedBy;
		int exit = (killed != null || code == null) ? -1 : code;
		this.exitCode = exit;
		if (failure != null) {
			this.error = String.valueOf(failure.getMessage());
		}
		else if (killed != null) {
			this.error = killed;
		}
		else if (exit != 0) {
			this.error = "exit status " + exit;
		}
		this.finishedAt = Instant.now();
		if (events != null) {
			if (exit == 0) {
				events.emit(EventSink.event("execution_complete", "execution_time",
						this.finishedAt.toEpochMilli() - this.startedAt.toEpochMilli()));
			}
			else {
				events.emit(EventSink.error("CommandExecError", Integer.toString(exit), List.of(this.error)));
			}
			events.complete();
		}
	}

	String id() {
		return this.id;
	}

	boolean running() {
		return this.finishedAt == null;
	}

	boolean background() {
		return this.output != null;
	}

	/**
	 * Kill the command's process group.
	 * @param reason what the status's error says afterwards
	 */
	void kill(String reason) {
		if (running()) {
			this.killedBy = reason;
			this.process.kill();
		}
	}

	/**
	 * The output after a byte offset and the offset after it.
	 * @param cursor the byte offset already read
	 * @return the bytes after the cursor and the new cursor
	 * @throws IOException if the output cannot be read
	 */
	Logs logsSince(long cursor) throws IOException {
		Path file = this.output;
		if (file == null) {
			throw new IllegalStateException("not a background command");
		}
		try (RandomAccessFile reader = new RandomAccessFile(file.toFile(), "r")) {
			long length = reader.length();
			if (cursor >= length) {
				return new Logs(new byte[0], cursor);
			}
			byte[] bytes = new byte[(int) Math.min(length - cursor, Integer.MAX_VALUE - 16)];
			reader.seek(cursor);
			reader.readFully(bytes);
			return new Logs(bytes, cursor + bytes.length);
		}
	}

	void deleteOutput() {
		this.pipes.forEach(OutputPipe::close);
		Path file = this.output;
		if (file != null) {
			try {
				Files.deleteIfExists(file);
			}
			catch (IOException ex) {
				// removed with the server's work directory
			}
		}
	}

	/**
	 * The status as execd writes it: no exit code, error or finish time while running.
	 * @return the status JSON
	 */
	Map<String, Object> status() {
		Instant finished = this.finishedAt;
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("id", this.id);
		json.put("content", this.command);
		json.put("running", finished == null);
		if (finished != null) {
			json.put("exit_code", this.exitCode);
			if (this.error != null) {
				json.put("error", this.error);
			}
		}
		json.put("started_at", Timestamps.formatNanos(this.startedAt));
		if (finished != null) {
			json.put("finished_at", Timestamps.formatNanos(finished));
		}
		return json;
	}

	private static void closeQuietly(java.io.Closeable closeable) {
		try {
			closeable.close();
		}
		catch (IOException ex) {
			// nothing left to do
		}
	}

	/**
	 * Output bytes and the cursor after them.
	 *
	 * @param bytes the bytes
	 * @param cursor the cursor
	 */
	record Logs(byte[] bytes, long cursor) {
	}

}
