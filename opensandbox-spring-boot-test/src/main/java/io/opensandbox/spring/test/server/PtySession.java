package io.opensandbox.spring.test.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.test.server.isolation.IsolatedSandbox;
import io.opensandbox.spring.test.server.isolation.SandboxProcess;

/**
 * An interactive PTY session of execd: a shell (or a command) that runs on a real
 * pseudo-terminal inside the sandbox, or with pipes, started by its first client. Its
 * output is kept in a bounded replay buffer with absolute offsets, so that a client that
 * comes back gets exactly what it missed. At most one client is attached at a time.
 *
 * <p>
 * The terminal itself is made inside the sandbox by a small Python driver
 * ({@code pty-driver.py}), which relays the program's output and takes input, resizes and
 * signals from this class in frames on its standard input.
 *
 * @author OpenSandbox Spring Boot
 */
final class PtySession {

	/** What a session keeps for clients that come back (execd keeps 1 MiB too). */
	static final int REPLAY_CAPACITY = 1 << 20;

	/** Bytes of input handed to the driver in one frame. */
	private static final int INPUT_CHUNK = 64 * 1024;

	private static final Pattern SIGNAL = Pattern.compile("(SIG)?[A-Z0-9]{2,12}");

	private static final String DRIVER = driver();

	private final String id = UUID.randomUUID().toString();

	private final @Nullable String cwd;

	private final @Nullable String command;

	private final IsolatedSandbox isolated;

	private final Executor io;

	private final Deadlines deadlines;

	private final Object lock = new Object();

	private final Object input = new Object();

	private final ReplayBuffer replay = new ReplayBuffer(REPLAY_CAPACITY);

	private @Nullable SandboxProcess process;

	private boolean terminal = true;

	private @Nullable Client client;

	private boolean deleted;

	PtySession(IsolatedSandbox isolated, @Nullable String cwd, @Nullable String command, Executor io,
			Deadlines deadlines) {
		this.isolated = isolated;
		this.cwd = cwd;
		this.command = command;
		this.io = io;
		this.deadlines = deadlines;
	}

	String id() {
		return this.id;
	}

	boolean attached() {
		synchronized (this.lock) {
			return this.client != null;
		}
	}

	Map<String, Object> status() {
		synchronized (this.lock) {
			return Map.of("session_id", this.id, "running", this.process != null, "output_offset", this.replay.total());
		}
	}

	/**
	 * Attach a client: start the program when it does not run (in pipe mode when asked),
	 * hand the client what it missed since an offset and then everything the program
	 * writes. With takeover, the client attached now is evicted.
	 * @param client the client
	 * @param takeover whether to evict the client attached now
	 * @param pipes whether a program started now gets pipes instead of a terminal
	 * @param since the offset of the first byte the client wants
	 * @throws Refusal when the session cannot be attached
	 */
	void attach(Client client, boolean takeover, boolean pipes, long since) {
		Client evicted;
		synchronized (this.lock) {
			if (this.deleted) {
				throw new Refusal("SESSION_GONE", "pty session " + this.id + " has been deleted");
			}
			evicted = this.client;
			if (evicted != null && !takeover) {
				throw new Refusal("ALREADY_CONNECTED", "another client is already connected to pty session " + this.id);
			}
			if (this.process == null) {
				start(pipes);
			}
			this.client = client;
			// under the lock: no output can come between the replay and the live bytes
			client.attached(this.replay.readFrom(since), this.terminal);
		}
		if (evicted != null) {
			evicted.evicted();
		}
	}

	void detach(Client client) {
		synchronized (this.lock) {
			if (this.client == client) {
				this.client = null;
			}
		}
	}

	private void start(boolean pipes) {
		if (!java.nio.file.Files.isExecutable(this.isolated.hostPath("/usr/bin/python3"))
				&& !java.nio.file.Files.isExecutable(this.isolated.hostPath("/usr/local/bin/python3"))) {
			throw new Refusal("START_FAILED",
					"the embedded server makes terminals with python3, and this sandbox has none");
		}
		SandboxProcess started;
		try {
			started = this.isolated.start(List.of("python3", "-u", "-c", DRIVER, pipes ? "pipe" : "pty",
					(this.cwd != null) ? this.cwd : "", (this.command != null) ? this.command : ""), null, Map.of());
		}
		catch (IOException | RuntimeException ex) {
			throw new Refusal("START_FAILED", "cannot start the pty session's program: " + ex.getMessage());
		}
		this.process = started;
		this.terminal = !pipes;
		CompletableFuture<Void> stdout = CompletableFuture.runAsync(() -> pump(started.stdout(), 1), this.io);
		// in terminal mode the driver's own standard error only has its diagnostics
		CompletableFuture<Void> stderr = CompletableFuture.runAsync(() -> pump(started.stderr(), pipes ? 2 : 0),
				this.io);
		started.onExit()
			.thenCombine(CompletableFuture.allOf(stdout, stderr).exceptionally((ex) -> null), (code, done) -> code)
			.thenAccept((code) -> exited(started, code));
	}

	private void pump(InputStream stream, int kind) {
		byte[] buffer = new byte[32 * 1024];
		try (stream) {
			int read;
			while ((read = stream.read(buffer)) >= 0) {
				if (read > 0 && kind != 0) {
					output(kind, java.util.Arrays.copyOf(buffer, read));
				}
			}
		}
		catch (IOException ex) {
			// the process is gone: its exit reports the end
		}
	}

	private void output(int kind, byte[] bytes) {
		synchronized (this.lock) {
			this.replay.write(bytes);
			Client attached = this.client;
			if (attached != null) {
				attached.output(kind, bytes);
			}
		}
	}

	private void exited(SandboxProcess ended, int code) {
		Client attached;
		synchronized (this.lock) {
			if (this.process != ended) {
				return;
			}
			this.process = null;
			attached = this.client;
			this.client = null;
		}
		if (attached != null) {
			attached.exited(code);
		}
	}

	/**
	 * Hand input to the program.
	 * @param bytes the input
	 * @throws IOException when the program does not take it (it has ended)
	 */
	void write(byte[] bytes) throws IOException {
		for (int from = 0; from < bytes.length; from += INPUT_CHUNK) {
			send(0, java.util.Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + INPUT_CHUNK)));
		}
	}

	/**
	 * Resize the terminal (ignored in pipe mode, as execd does).
	 * @param columns the columns
	 * @param rows the rows
	 * @throws IOException when the program has ended
	 */
	void resize(int columns, int rows) throws IOException {
		if (columns < 1 || rows < 1 || columns > 0xFFFF || rows > 0xFFFF) {
			return;
		}
		send(1, new byte[] { (byte) (columns >> 8), (byte) columns, (byte) (rows >> 8), (byte) rows });
	}

	/**
	 * Send a signal by name to the terminal's foreground job (pipe mode: to the program's
	 * process group); unknown names are ignored, as execd does.
	 * @param name the signal, such as {@code SIGINT}
	 * @throws IOException when the program has ended
	 */
	void signal(String name) throws IOException {
		if (SIGNAL.matcher(name).matches()) {
			send(2, name.getBytes(StandardCharsets.US_ASCII));
		}
	}

	private void send(int kind, byte[] payload) throws IOException {
		SandboxProcess running;
		synchronized (this.lock) {
			running = this.process;
		}
		if (running == null) {
			throw new IOException("the pty session's program is not running");
		}
		synchronized (this.input) {
			OutputStream stdin = running.stdin();
			int length = payload.length;
			stdin.write(new byte[] { (byte) kind, (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8),
					(byte) length });
			stdin.write(payload);
			stdin.flush();
		}
	}

	/**
	 * End the session: the driver hangs up the program and kills what is left after a
	 * second; the process itself is killed shortly after in case the driver does not end.
	 */
	void delete() {
		SandboxProcess running;
		synchronized (this.lock) {
			this.deleted = true;
			running = this.process;
		}
		if (running == null) {
			return;
		}
		synchronized (this.input) {
			try {
				running.stdin().close();
			}
			catch (IOException ex) {
				// gone already
			}
		}
		this.deadlines.after(3, TimeUnit.SECONDS, running::kill);
	}

	private static String driver() {
		try (InputStream script = PtySession.class.getResourceAsStream("pty-driver.py")) {
			if (script == null) {
				throw new IllegalStateException("pty-driver.py is missing from the class path");
			}
			return new String(script.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The client attached to a session. Its methods are called under the session's lock
	 * (but {@link #evicted()}), so they only hand frames on.
	 */
	interface Client {

		/**
		 * The client is attached.
		 * @param replay what it missed
		 * @param terminal whether the program runs on a terminal
		 */
		void attached(ReplayBuffer.Slice replay, boolean terminal);

		/**
		 * Output of the program.
		 * @param kind 1 for standard output (or the terminal), 2 for standard error
		 * @param bytes the bytes
		 */
		void output(int kind, byte[] bytes);

		/**
		 * The program has ended; the client is detached.
		 * @param code its exit code
		 */
		void exited(int code);

		/**
		 * Another client took the session over.
		 */
		void evicted();

	}

	/**
	 * A session that cannot be attached, with execd's error code.
	 */
	static final class Refusal extends RuntimeException {

		private final String code;

		Refusal(String code, String message) {
			super(message);
			this.code = code;
		}

		String code() {
			return this.code;
		}

	}

}
