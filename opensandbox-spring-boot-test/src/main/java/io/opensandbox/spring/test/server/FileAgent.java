package io.opensandbox.spring.test.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.test.server.isolation.IsolatedSandbox;
import io.opensandbox.spring.test.server.isolation.SandboxProcess;

/**
 * Runs file operations inside a sandbox: every route of the files API is a small shell
 * program ({@code file-agent.sh}) started in the sandbox's namespaces as the sandbox's
 * root. Paths are resolved by the kernel inside the sandbox, never on the host, so no
 * link, race, {@code ..} or {@code /proc} path can make the server touch a host file; the
 * worst a sandbox can do is point the agent at its own files.
 *
 * @author OpenSandbox Spring Boot
 */
final class FileAgent {

	/**
	 * Most entries a listing or search returns; more is refused rather than cut.
	 */
	static final int MAX_ENTRIES = 100_000;

	private static final String SCRIPT = load();

	private static final long TIMEOUT_SECONDS = 60;

	private static final int STDERR_LIMIT = 16 * 1024;

	private static final int INFO_FIELDS = 7;

	private final IsolatedSandbox sandbox;

	private final Executor io;

	private final Deadlines deadlines;

	FileAgent(IsolatedSandbox sandbox, Executor io, Deadlines deadlines) {
		this.sandbox = sandbox;
		this.io = io;
		this.deadlines = deadlines;
	}

	/**
	 * Attributes of each path, the last component not followed.
	 * @param paths absolute sandbox paths
	 * @return one entry per path, in order
	 * @throws Failure if a path does not exist or cannot be read
	 */
	List<Entry> info(List<String> paths) throws IOException {
		List<String> arguments = new ArrayList<>();
		arguments.add("info");
		arguments.addAll(paths);
		List<String> fields = fields(run(arguments, null), 0);
		List<Entry> entries = new ArrayList<>();
		for (int i = 0; i < paths.size(); i++) {
			entries.add(Entry.of(paths.get(i), fields, i * INFO_FIELDS));
		}
		return entries;
	}

	/**
	 * The entries below a directory, to a depth; a link to a directory is refused.
	 * @param directory the directory
	 * @param depth how deep to go, at least 1
	 * @return the entries with paths relative to the directory
	 */
	List<Entry> list(String directory, int depth) throws IOException {
		return relativeEntries(run(List.of("list", directory, Integer.toString(depth)), null));
	}

	/**
	 * Every regular file below a directory (a link to a directory is followed at the
	 * top).
	 * @param directory the directory
	 * @return the files with paths relative to the directory
	 */
	List<Entry> regularFiles(String directory) throws IOException {
		return relativeEntries(run(List.of("search", directory), null));
	}

	/**
	 * Opens a regular file for reading, race-free: size and content come from one open.
	 * @param path the file
	 * @return the open file
	 */
	OpenFile open(String path) throws IOException {
		SandboxProcess process = start(List.of("read", path));
		CompletableFuture<String> stderr = drain(process.stderr());
		ScheduledFuture<?> deadline = this.deadlines.after(TIMEOUT_SECONDS, TimeUnit.SECONDS, process::kill);
		try {
			String header = readLine(process.stdout());
			if (header == null) {
				throw failure(process, stderr);
			}
			String[] parts = header.split(" ");
			long size = Long.parseLong(parts[0]);
			double modified = Double.parseDouble(parts[1]);
			return new OpenFile(process, size, (long) (modified * 1000));
		}
		catch (NumberFormatException ex) {
			process.kill();
			throw new IOException("Unexpected answer of the file agent for " + path);
		}
		finally {
			deadline.cancel(false);
		}
	}

	/**
	 * Writes a file (its parents created), a new one with mode 755, then its permissions.
	 * @param path the file
	 * @param content the content, read to its end
	 * @param permission mode, owner, group (each may be empty)
	 */
	void write(String path, Content content, Permission permission) throws IOException {
		SandboxProcess process = start(
				List.of("write", path, permission.mode(), permission.owner(), permission.group()));
		CompletableFuture<String> stderr = drain(process.stderr());
		CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> readAll(process.stdout()), this.io);
		IOException writeFailure = null;
		try (OutputStream stdin = process.stdin()) {
			content.writeTo(stdin);
		}
		catch (IOException ex) {
			// The agent stopped reading (its exit code says why) or the content failed.
			writeFailure = ex;
		}
		catch (RuntimeException ex) {
			process.kill();
			throw ex;
		}
		stdout.join();
		await(process, stderr);
		if (writeFailure != null) {
			throw writeFailure;
		}
	}

	void chmod(String path, Permission permission) throws IOException {
		run(List.of("chmod", path, permission.mode(), permission.owner(), permission.group()), null);
	}

	void mkdirs(String path, Permission permission) throws IOException {
		run(List.of("mkdir", path, permission.mode(), permission.owner(), permission.group()), null);
	}

	void deleteFiles(List<String> paths) throws IOException {
		List<String> arguments = new ArrayList<>(List.of("delete"));
		arguments.addAll(paths);
		run(arguments, null);
	}

	void deleteTrees(List<String> paths) throws IOException {
		List<String> arguments = new ArrayList<>(List.of("rmtree"));
		arguments.addAll(paths);
		run(arguments, null);
	}

	void move(String source, String target) throws IOException {
		run(List.of("move", source, target), null);
	}

	boolean isDirectory(String path) throws IOException {
		try {
			run(List.of("isdir", path), null);
			return true;
		}
		catch (Failure ex) {
			if (ex.kind() == Failure.Kind.NOT_A_DIRECTORY) {
				return false;
			}
			throw ex;
		}
	}

	private List<Entry> relativeEntries(byte[] output) throws IOException {
		List<String> fields = fields(output, MAX_ENTRIES * (INFO_FIELDS + 1));
		List<Entry> entries = new ArrayList<>();
		for (int at = 0; at + INFO_FIELDS < fields.size(); at += INFO_FIELDS + 1) {
			entries.add(Entry.of(fields.get(at), fields, at + 1));
		}
		return entries;
	}

	private byte[] run(List<String> arguments, byte @Nullable [] input) throws IOException {
		SandboxProcess process = start(arguments);
		CompletableFuture<String> stderr = drain(process.stderr());
		CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> readAll(process.stdout()), this.io);
		try (OutputStream stdin = process.stdin()) {
			if (input != null) {
				stdin.write(input);
			}
		}
		catch (IOException ex) {
			// The agent stopped reading: its exit code says why.
		}
		try {
			byte[] output = stdout.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
			await(process, stderr);
			return output;
		}
		catch (TimeoutException ex) {
			process.kill();
			throw new IOException("The file operation did not finish within " + TIMEOUT_SECONDS + " seconds");
		}
		catch (ExecutionException ex) {
			process.kill();
			if (ex.getCause() instanceof UncheckedIOException unchecked
					&& unchecked.getCause() instanceof TooLarge tooLarge) {
				throw tooLarge;
			}
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw new IOException("Cannot read the file agent's answer: " + cause.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			process.kill();
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted");
		}
	}

	/*
	 * Starts the agent; arguments that are paths (they start with a slash, other
	 * arguments never do) are named as the sandbox's processes see them.
	 */
	private SandboxProcess start(List<String> arguments) throws IOException {
		List<String> command = new ArrayList<>(List.of("/bin/bash", "-c", SCRIPT, "file-agent"));
		command.add(arguments.get(0));
		for (int i = 1; i < arguments.size(); i++) {
			String argument = arguments.get(i);
			command.add(argument.startsWith("/") ? this.sandbox.agentPath(argument) : argument);
		}
		return this.sandbox.start(command, "/", Map.of());
	}

	private void await(SandboxProcess process, CompletableFuture<String> stderr) throws IOException {
		int exit;
		try {
			exit = process.onExit().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		}
		catch (TimeoutException | ExecutionException ex) {
			process.kill();
			throw new IOException("The file operation did not finish within " + TIMEOUT_SECONDS + " seconds");
		}
		catch (InterruptedException ex) {
			process.kill();
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted");
		}
		if (exit != 0) {
			throw Failure.of(exit, stderr.join());
		}
	}

	private Failure failure(SandboxProcess process, CompletableFuture<String> stderr) throws IOException {
		try {
			await(process, stderr);
		}
		catch (Failure ex) {
			return ex;
		}
		return new Failure(Failure.Kind.OTHER, "", "the file agent ended without an answer");
	}

	private CompletableFuture<String> drain(InputStream stderr) {
		return CompletableFuture.supplyAsync(() -> {
			byte[] head = new byte[STDERR_LIMIT];
			int length = 0;
			try (stderr) {
				int read;
				while ((read = stderr.read(head, length, head.length - length)) > 0) {
					length += read;
					if (length == head.length) {
						stderr.transferTo(OutputStream.nullOutputStream());
						break;
					}
				}
			}
			catch (IOException ex) {
				// What was read is the message.
			}
			return new String(head, 0, length, StandardCharsets.UTF_8);
		}, this.io);
	}

	private static byte[] readAll(InputStream stdout) {
		ByteArrayOutputStream output = new ByteArrayOutputStream();
		byte[] buffer = new byte[16384];
		long limit = 64L * 1024 * 1024;
		try (stdout) {
			int read;
			while ((read = stdout.read(buffer)) >= 0) {
				output.write(buffer, 0, read);
				if (output.size() > limit) {
					throw new UncheckedIOException(new TooLarge());
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return output.toByteArray();
	}

	private static @Nullable String readLine(InputStream stdout) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int c;
		while ((c = stdout.read()) >= 0) {
			if (c == '\n') {
				return line.toString(StandardCharsets.UTF_8);
			}
			if (line.size() > 256) {
				return null;
			}
			line.write(c);
		}
		return null;
	}

	private static List<String> fields(byte[] output, int maxFields) throws TooLarge {
		List<String> fields = new ArrayList<>();
		int start = 0;
		for (int i = 0; i < output.length; i++) {
			if (output[i] == 0) {
				fields.add(new String(output, start, i - start, StandardCharsets.UTF_8));
				start = i + 1;
				if (maxFields > 0 && fields.size() > maxFields) {
					throw new TooLarge();
				}
			}
		}
		return fields;
	}

	private static String load() {
		try (InputStream script = FileAgent.class.getResourceAsStream("file-agent.sh")) {
			if (script == null) {
				throw new IllegalStateException("file-agent.sh is missing from the classpath");
			}
			return new String(script.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Writes a file's content.
	 */
	@FunctionalInterface
	interface Content {

		void writeTo(OutputStream out) throws IOException;

	}

	/**
	 * One file's attributes, as {@code find -printf} reports them inside the sandbox.
	 *
	 * @param path the path as requested, or relative to a listed directory
	 * @param type {@code file}, {@code directory}, {@code symlink} or {@code other}
	 * @param size the size in bytes
	 * @param modifiedMillis last modification, epoch milliseconds
	 * @param createdMillis birth time if the file system knows it, else the modification
	 * @param mode permission bits as octal digits read as a decimal number (755)
	 * @param owner the owner's name inside the sandbox
	 * @param group the group's name inside the sandbox
	 */
	record Entry(String path, String type, long size, long modifiedMillis, long createdMillis, int mode, String owner,
			String group) {

		static Entry of(String path, List<String> fields, int at) throws IOException {
			if (at + INFO_FIELDS > fields.size()) {
				throw new IOException("Unexpected answer of the file agent for " + path);
			}
			String type = switch (fields.get(at)) {
				case "f" -> "file";
				case "d" -> "directory";
				case "l" -> "symlink";
				default -> "other";
			};
			long modified = millis(fields.get(at + 2));
			String birth = fields.get(at + 3);
			long created = birth.startsWith("-") ? modified : millis(birth);
			return new Entry(path, type, Long.parseLong(fields.get(at + 1)), modified, created,
					Integer.parseInt(fields.get(at + 4)), fields.get(at + 5), fields.get(at + 6));
		}

		private static long millis(String seconds) {
			return (long) (Double.parseDouble(seconds) * 1000);
		}

	}

	/**
	 * Permissions to apply; empty strings leave a part unchanged.
	 *
	 * @param mode octal digits (such as {@code 755}), or empty
	 * @param owner a user name, or empty
	 * @param group a group name, or empty
	 */
	record Permission(String mode, String owner, String group) {

		static final Permission NONE = new Permission("", "", "");

	}

	/**
	 * An open regular file in the sandbox, read by asking for a range once.
	 */
	static final class OpenFile {

		private final SandboxProcess process;

		private final long size;

		private final long modifiedMillis;

		private boolean requested;

		OpenFile(SandboxProcess process, long size, long modifiedMillis) {
			this.process = process;
			this.size = size;
			this.modifiedMillis = modifiedMillis;
		}

		long size() {
			return this.size;
		}

		long modifiedMillis() {
			return this.modifiedMillis;
		}

		/**
		 * The bytes of a range; the stream ends early if the file shrank meanwhile.
		 * @param from the first byte
		 * @param length how many bytes
		 * @return the content
		 */
		InputStream range(long from, long length) throws IOException {
			try (OutputStream stdin = this.process.stdin()) {
				stdin.write((from + " " + length + "\n").getBytes(StandardCharsets.US_ASCII));
			}
			this.requested = true;
			return this.process.stdout();
		}

		/**
		 * The content of a range, asked for on the first call.
		 * @param from the first byte
		 * @param length how many bytes
		 * @return the content
		 */
		InputStream stream(long from, long length) throws IOException {
			return this.requested ? this.process.stdout() : range(from, length);
		}

		void close() {
			this.process.kill();
		}

	}

	/**
	 * A file operation the sandbox refused, with what went wrong and for which path.
	 */
	static final class Failure extends IOException {

		enum Kind {

			NOT_FOUND, WRONG_TYPE, EXISTS, LINK, NOT_A_DIRECTORY, OTHER

		}

		private final Kind kind;

		private final String path;

		Failure(Kind kind, String path, String message) {
			super(message);
			this.kind = kind;
			this.path = path;
		}

		static Failure of(int exit, String stderr) {
			String text = stderr.strip();
			String first = text.lines().findFirst().orElse("");
			Kind kind = switch (exit) {
				case 2 -> Kind.NOT_FOUND;
				case 3 -> Kind.WRONG_TYPE;
				case 4 -> Kind.EXISTS;
				case 5 -> Kind.LINK;
				case 6 -> Kind.NOT_A_DIRECTORY;
				default -> Kind.OTHER;
			};
			if (kind != Kind.OTHER) {
				return new Failure(kind, first, first);
			}
			return new Failure(kind, "", text.isEmpty() ? "exit code " + exit : readable(text));
		}

		/*
		 * A tool's message without the tool's name ({@code mkdir: cannot create ...}).
		 */
		private static String readable(String text) {
			String line = text.lines().reduce((a, b) -> b).orElse(text);
			int colon = line.indexOf(": ");
			return (colon > 0 && colon < 12) ? line.substring(colon + 2) : line;
		}

		Kind kind() {
			return this.kind;
		}

		String path() {
			return this.path;
		}

	}

	/**
	 * An answer larger than the server is willing to hold.
	 */
	static final class TooLarge extends IOException {

		TooLarge() {
			super("more than " + MAX_ENTRIES + " entries");
		}

	}

}
