package io.opensandbox.spring.test.server;

import java.io.Closeable;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;

/**
 * One output stream of a command (stdout or stderr), read through a named pipe that the
 * server holds open for reading and writing. Unlike the JDK's process pipes it can be
 * read to the point where the command's shell exited and then let go of: execd ends a run
 * when the shell exits, while children left in the background may still hold the stream,
 * and their output must neither hold the run open nor kill them (SIGPIPE) afterwards. The
 * reader reads only as fast as its consumer takes the data, so a slow client slows the
 * command down (the kernel's pipe buffer is all that is held).
 *
 * @author OpenSandbox Spring Boot
 */
final class OutputPipe implements Closeable {

	/**
	 * The most a pipe can hold that an unprivileged process may ask for
	 * ({@code /proc/sys/fs/pipe-max-size}); everything read after the shell's exit beyond
	 * this much came from a background child.
	 */
	private static final long MAX_PIPE_BUFFER = 1024 * 1024;

	private static final int CHUNK = 8192;

	private final Path path;

	private final FileChannel channel;

	private final FileInputStream pending;

	private volatile boolean inRead;

	private volatile boolean pumping = true;

	private volatile boolean ended;

	private volatile long readAfterExit = -1;

	private OutputPipe(Path path) throws IOException {
		this.path = path;
		// Opened for reading and writing, an open that never waits for a writer; the
		// second open, for reading only, then finds one and tells how much is pending.
		this.channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
		this.pending = new FileInputStream(path.toFile());
	}

	/**
	 * Creates named pipes, readable and writable by the server only.
	 * @param directory where they go (outside every sandbox)
	 * @param names their file names
	 * @return the open pipes, in order
	 * @throws IOException if they cannot be made
	 */
	static List<OutputPipe> create(Path directory, String... names) throws IOException {
		List<String> command = new ArrayList<>(List.of("mkfifo", "-m", "600", "--"));
		for (String name : names) {
			command.add(directory.resolve(name).toString());
		}
		Process mkfifo = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(mkfifo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		try {
			if (!mkfifo.waitFor(10, TimeUnit.SECONDS) || mkfifo.exitValue() != 0) {
				throw new IOException("Cannot create the output pipes of a command: " + output.strip());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while creating output pipes");
		}
		List<OutputPipe> pipes = new ArrayList<>();
		try {
			for (String name : names) {
				pipes.add(new OutputPipe(directory.resolve(name)));
			}
		}
		catch (IOException ex) {
			pipes.forEach(OutputPipe::close);
			for (String name : names) {
				Files.deleteIfExists(directory.resolve(name));
			}
			throw ex;
		}
		return pipes;
	}

	/**
	 * The pipe's path, for the command's redirect.
	 * @return the path
	 */
	Path path() {
		return this.path;
	}

	/**
	 * Reads until {@link #endAfterExit} lets go, handing each chunk to the consumer on
	 * the calling thread.
	 * @param consumer takes each chunk (it may block: the command then waits)
	 */
	void pump(ChunkConsumer consumer) {
		try {
			read(consumer);
		}
		finally {
			this.pumping = false;
		}
	}

	private void read(ChunkConsumer consumer) {
		ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
		while (!this.ended) {
			buffer.clear();
			int read;
			try {
				this.inRead = true;
				read = this.channel.read(buffer);
			}
			catch (IOException ex) {
				// let go (closed) or killed: what was read has been handed on
				return;
			}
			finally {
				this.inRead = false;
			}
			if (read < 0) {
				return;
			}
			// Delivered even when let go meanwhile: it may be the shell's last output.
			if (this.readAfterExit >= 0) {
				this.readAfterExit += read;
			}
			consumer.accept(buffer.array(), read);
		}
	}

	/**
	 * Called once the command's shell has exited: everything it wrote is in the pipe
	 * already, so the reader is let go as soon as it has read that (it waits in a read of
	 * an empty pipe) or has read more than a pipe can hold. The pipe itself stays open
	 * for reading, emptied now and then, while {@code childrenAlive} says that processes
	 * the command left behind may still write to it.
	 * @param timer runs the checks
	 * @param childrenAlive whether the command's process group still has members
	 * @param done called once the reader has been let go
	 */
	void endAfterExit(ScheduledExecutorService timer, BooleanSupplier childrenAlive, Runnable done) {
		this.readAfterExit = 0;
		Repeat.every(timer, 1, (repeat) -> {
			try {
				if (!this.pumping || (this.inRead && this.pending.available() == 0)
						|| this.readAfterExit > MAX_PIPE_BUFFER || !this.channel.isOpen()) {
					repeat.stop();
					this.ended = true;
					closeQuietly(this.channel);
					done.run();
					keepEmptying(timer, childrenAlive);
				}
			}
			catch (IOException | RuntimeException ex) {
				repeat.stop();
				close();
				done.run();
			}
		});
	}

	/*
	 * Keeps the pipe open and empty while the command's leftovers may write to it.
	 */
	private void keepEmptying(ScheduledExecutorService timer, BooleanSupplier childrenAlive) {
		if (!childrenAlive.getAsBoolean()) {
			close();
			return;
		}
		Repeat.every(timer, 200, (repeat) -> {
			try {
				discardPending();
				if (!childrenAlive.getAsBoolean()) {
					repeat.stop();
					close();
				}
			}
			catch (IOException | RuntimeException ex) {
				repeat.stop();
				close();
			}
		});
	}

	private void discardPending() throws IOException {
		byte[] scratch = new byte[CHUNK];
		int available;
		long budget = MAX_PIPE_BUFFER;
		while (budget > 0 && (available = this.pending.available()) > 0) {
			int read = this.pending.read(scratch, 0, Math.min(available, scratch.length));
			if (read <= 0) {
				return;
			}
			budget -= read;
		}
	}

	/**
	 * Stops reading at once and removes the pipe.
	 */
	@Override
	public void close() {
		this.ended = true;
		closeQuietly(this.channel);
		closeQuietly(this.pending);
		try {
			Files.deleteIfExists(this.path);
		}
		catch (IOException ex) {
			// removed with the server's work directory
		}
	}

	private static void closeQuietly(Closeable closeable) {
		try {
			closeable.close();
		}
		catch (IOException ex) {
			// nothing left to release
		}
	}

	/**
	 * Reads one line (without its {@code \n}) of at most {@code limit} bytes; the rest of
	 * a longer line is dropped and the line says so at its end, so that no line is ever
	 * held beyond the limit.
	 * @param input the input (buffered)
	 * @param limit the longest line kept
	 * @return the line, or {@code null} at the end of the input
	 * @throws IOException if reading fails
	 */
	static @Nullable String readLine(java.io.InputStream input, int limit) throws IOException {
		java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
		long dropped = 0;
		int b;
		while ((b = input.read()) >= 0) {
			if (b == '\n') {
				return text(line, dropped);
			}
			if (line.size() >= limit) {
				dropped++;
				continue;
			}
			line.write(b);
		}
		return (line.size() > 0) ? text(line, dropped) : null;
	}

	private static String text(java.io.ByteArrayOutputStream line, long dropped) {
		String text = line.toString(StandardCharsets.UTF_8);
		return (dropped > 0) ? text + " [" + dropped + " more bytes of this line dropped]" : text;
	}

	/**
	 * A task run every few milliseconds on a timer until it stops itself, whether or not
	 * its first run comes before the scheduling call has returned.
	 */
	private static final class Repeat implements Runnable {

		private final java.util.function.Consumer<Repeat> body;

		private volatile boolean stopped;

		private volatile @Nullable ScheduledFuture<?> future;

		private Repeat(java.util.function.Consumer<Repeat> body) {
			this.body = body;
		}

		static void every(ScheduledExecutorService timer, long millis, java.util.function.Consumer<Repeat> body) {
			Repeat repeat = new Repeat(body);
			ScheduledFuture<?> future = timer.scheduleWithFixedDelay(repeat, millis, millis, TimeUnit.MILLISECONDS);
			repeat.future = future;
			if (repeat.stopped) {
				future.cancel(false);
			}
		}

		@Override
		public void run() {
			if (this.stopped) {
				ScheduledFuture<?> scheduled = this.future;
				if (scheduled != null) {
					scheduled.cancel(false);
				}
				return;
			}
			this.body.accept(this);
		}

		void stop() {
			this.stopped = true;
			ScheduledFuture<?> scheduled = this.future;
			if (scheduled != null) {
				scheduled.cancel(false);
			}
		}

	}

	/**
	 * Takes a chunk of output; the array is reused after the call.
	 */
	@FunctionalInterface
	interface ChunkConsumer {

		void accept(byte[] bytes, int length);

	}

	/**
	 * Splits output into lines as execd emits them (at {@code \n}, {@code \r\n} or
	 * {@code \r}), cutting a line longer than a limit into pieces so that no line is held
	 * whole in memory.
	 */
	static final class LineSplitter implements ChunkConsumer {

		static final int MAX_LINE = 64 * 1024;

		private final java.util.function.Consumer<String> lines;

		private final byte[] line = new byte[MAX_LINE];

		private int length;

		private boolean afterCarriageReturn;

		LineSplitter(java.util.function.Consumer<String> lines) {
			this.lines = lines;
		}

		@Override
		public void accept(byte[] bytes, int count) {
			for (int i = 0; i < count; i++) {
				byte b = bytes[i];
				if (b == '\n' && this.afterCarriageReturn) {
					this.afterCarriageReturn = false;
					continue;
				}
				this.afterCarriageReturn = (b == '\r');
				if (b == '\n' || b == '\r') {
					emit(this.length);
					continue;
				}
				if (this.length == MAX_LINE) {
					emit(cut());
				}
				this.line[this.length++] = b;
			}
		}

		/*
		 * Where to cut a full line: at its end, or before its last character if that one
		 * is not complete yet, so that no UTF-8 sequence is split.
		 */
		private int cut() {
			int start = this.length - 1;
			while (start > this.length - 4 && (this.line[start] & 0xC0) == 0x80) {
				start--;
			}
			int lead = this.line[start] & 0xFF;
			int size = (lead >= 0xF0) ? 4 : (lead >= 0xE0) ? 3 : (lead >= 0xC0) ? 2 : 1;
			return (this.length - start >= size) ? this.length : start;
		}

		private void emit(int upTo) {
			this.lines.accept(new String(this.line, 0, upTo, StandardCharsets.UTF_8));
			System.arraycopy(this.line, upTo, this.line, 0, this.length - upTo);
			this.length -= upTo;
		}

		/**
		 * Emits what is left of an unterminated last line.
		 */
		void finish() {
			if (this.length > 0) {
				emit(this.length);
			}
		}

	}

}
