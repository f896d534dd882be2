package io.opensandbox.spring.model;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * An interactive PTY session in a sandbox, as the server describes it; its nested types
 * are what opens one ({@link Spec}), how to attach ({@link Attach}) and what comes out
 * ({@link Output}).
 *
 * @param id the session's id
 * @param running whether its program runs (it starts on the first attach, and an attach
 * after it ended starts it again)
 * @param outputOffset the bytes of output so far: the offset the next byte will have
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record PtySession(String id, boolean running, long outputOffset) {

	/**
	 * An interactive session to open in a sandbox: a shell (or one command) on a
	 * pseudo-terminal, or with pipes.
	 *
	 * @param workingDirectory where the program starts, {@code null} for the sandbox's
	 * default
	 * @param command the command to run through the shell, {@code null} for an
	 * interactive shell
	 * @param mode a terminal (output merged, as a person sees it) or pipes (standard
	 * error apart, no terminal)
	 * @param columns the terminal's width to set once attached, 0 for the server's
	 * default (80)
	 * @param rows the terminal's height to set once attached, 0 for the server's default
	 * (24)
	 */
	public record Spec(@Nullable String workingDirectory, @Nullable String command, Mode mode, int columns, int rows) {

		/** An interactive shell on a terminal of the server's default size. */
		public static final Spec SHELL = new Spec(null, null, Mode.TERMINAL, 0, 0);

		public Spec {
			Assert.notNull(mode, "'mode' must not be null");
			Assert.isTrue(
					workingDirectory == null || (!workingDirectory.isEmpty() && workingDirectory.indexOf('\0') < 0),
					"'workingDirectory' must be null or a path without NUL");
			Assert.isTrue(command == null || (!command.isBlank() && command.indexOf('\0') < 0),
					"'command' must be null or a command without NUL");
			Assert.isTrue(columns >= 0 && columns <= 0xFFFF && rows >= 0 && rows <= 0xFFFF,
					"'columns' and 'rows' must be between 0 and 65535");
			Assert.isTrue((columns == 0) == (rows == 0), "'columns' and 'rows' must be given together");
		}

		/**
		 * An interactive shell on a terminal.
		 * @return the spec
		 */
		public static Spec shell() {
			return SHELL;
		}

		/**
		 * A command run through the shell on a terminal.
		 * @param command the command, such as {@code python3} or {@code top}
		 * @return the spec
		 */
		public static Spec command(String command) {
			return new Spec(null, command, Mode.TERMINAL, 0, 0);
		}

		/**
		 * This spec in another working directory.
		 * @param workingDirectory the directory
		 * @return a new spec
		 */
		public Spec withWorkingDirectory(String workingDirectory) {
			return new Spec(workingDirectory, this.command, this.mode, this.columns, this.rows);
		}

		/**
		 * This spec with pipes instead of a terminal: standard error comes apart, and
		 * there is no terminal to resize.
		 * @return a new spec
		 */
		public Spec withPipes() {
			return new Spec(this.workingDirectory, this.command, Mode.PIPE, this.columns, this.rows);
		}

		/**
		 * This spec with a terminal of a given size.
		 * @param columns the width
		 * @param rows the height
		 * @return a new spec
		 */
		public Spec withSize(int columns, int rows) {
			Assert.isTrue(columns > 0 && rows > 0, "'columns' and 'rows' must be positive");
			return new Spec(this.workingDirectory, this.command, this.mode, columns, rows);
		}

	}

	/**
	 * How the program's standard streams are connected.
	 */
	public enum Mode {

		/** A pseudo-terminal: interactive programs, colours, resize, Ctrl-C. */
		TERMINAL,

		/** Pipes: standard output and standard error apart, no terminal. */
		PIPE

	}

	/**
	 * How to attach to a session.
	 *
	 * @param mode the mode the program starts in if this attach starts it (the first
	 * attach does); a running program keeps its mode
	 * @param since the offset of the first output byte wanted: what the server still
	 * keeps from there is replayed, and a gap (bytes the server no longer keeps) fails
	 * the output; -1 for whatever the server still keeps, without a gap check
	 * @param takeover whether to evict a client attached now (it is closed as taken over)
	 * instead of failing
	 */
	public record Attach(Mode mode, long since, boolean takeover) {

		/** Attach in terminal mode, replaying what the server keeps, without takeover. */
		public static final Attach DEFAULTS = new Attach(Mode.TERMINAL, -1, false);

		public Attach {
			Assert.notNull(mode, "'mode' must not be null");
			Assert.isTrue(since >= -1, "'since' must be an offset, or -1");
		}

		/**
		 * These options, resuming at an offset: exactly the bytes from there, or an error
		 * if the server no longer keeps them.
		 * @param offset the offset of the first byte wanted
		 * @return new options
		 */
		public Attach resumingAt(long offset) {
			Assert.isTrue(offset >= 0, "'offset' must not be negative");
			return new Attach(this.mode, offset, this.takeover);
		}

		/**
		 * These options, evicting a client attached now.
		 * @return new options
		 */
		public Attach takingOver() {
			return new Attach(this.mode, this.since, true);
		}

		/**
		 * These options, starting the program with pipes if this attach starts it.
		 * @return new options
		 */
		public Attach withPipes() {
			return new Attach(Mode.PIPE, this.since, this.takeover);
		}

	}

	/**
	 * Bytes a PTY session's program wrote, as they came: a terminal's output carries
	 * control sequences, and a chunk may end inside a UTF-8 character.
	 *
	 * @param stream where the bytes come from
	 * @param bytes the bytes
	 * @param offset the offset of the first byte in the session's output (both streams
	 * counted), to resume from with {@link Attach#resumingAt(long)}
	 */
	public record Output(Stream stream, byte[] bytes, long offset) {

		public Output {
			Assert.notNull(stream, "'stream' must not be null");
			Assert.notNull(bytes, "'bytes' must not be null");
		}

		/**
		 * The offset just past these bytes.
		 * @return the next offset
		 */
		public long end() {
			return this.offset + this.bytes.length;
		}

		@Override
		public String toString() {
			return "Output[" + this.stream + ", " + this.bytes.length + " bytes at " + this.offset + "]";
		}

		/**
		 * Where output comes from.
		 */
		public enum Stream {

			/** Standard output, or everything a terminal shows. */
			STDOUT,

			/** Standard error, apart in pipe mode only. */
			STDERR

		}

	}

}
