package io.opensandbox.spring.test.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * execd's file routes on the sandbox's root: what a command sees at a path is what these
 * routes read and write there. Paths that resolve (through links) outside the sandbox and
 * its read-only system directories are refused.
 *
 * @author OpenSandbox Spring Boot
 */
final class FilesApi {

	private static final Set<PosixFilePermission> ALL = EnumSet.allOf(PosixFilePermission.class);

	private static final long SMALL_FILE = 256 * 1024;

	private static final int CHUNK = 64 * 1024;

	/** The most bytes of lines one line-based read answers with. */
	static final int MAX_LINES_BYTES = 32 * 1024 * 1024;

	private static final long MAX_REPLACE = 64L * 1024 * 1024;

	private static final int MAX_PATH = 4096;

	/**
	 * Most bytes of one upload request, all files together.
	 */
	static final long MAX_UPLOAD = 1024L * 1024 * 1024;

	private final SandboxServer server;

	FilesApi(SandboxServer server) {
		this.server = server;
	}

	void register(Routes routes) {
		routes.add("GET", "/files/info", this::info)
			.add("DELETE", "/files", this::deleteFiles)
			.add("POST", "/files/permissions", this::permissions)
			.add("POST", "/files/mv", this::move)
			.add("GET", "/files/search", this::search)
			.add("POST", "/files/replace", this::replace)
			.add("POST", "/files/upload", this::upload)
			.add("GET", "/files/download", this::download)
			.add("GET", "/directories/list", this::listDirectory)
			.add("POST", "/directories", this::createDirectories)
			.add("DELETE", "/directories", this::deleteDirectories);
	}

	private static List<String> paths(Exchange exchange) {
		List<String> paths = exchange.queries("path");
		if (paths.isEmpty()) {
			throw new ApiException(400, "MISSING_QUERY", "missing query parameter 'path'");
		}
		return paths;
	}

	private FileAgent agent(Exchange exchange) {
		ServerSandbox sandbox = this.server.registry().get(exchange.variable("sandbox"));
		if (sandbox == null) {
			throw new ApiException(404, "SANDBOX_NOT_FOUND", "sandbox has been removed");
		}
		return this.server.fileAgent(sandbox);
	}

	private Mono<Void> info(Exchange exchange) {
		FileAgent agent = agent(exchange);
		List<String> paths = checked(paths(exchange));
		return blocking(() -> {
			Map<String, Object> infos = new LinkedHashMap<>();
			for (FileAgent.Entry entry : agent.info(paths)) {
				infos.put(entry.path(), fileInfo(entry.path(), entry));
			}
			return infos;
		}).flatMap((infos) -> exchange.json(200, infos));
	}

	private Mono<Void> deleteFiles(Exchange exchange) {
		FileAgent agent = agent(exchange);
		List<String> paths = checked(paths(exchange));
		return blocking(() -> {
			try {
				agent.deleteFiles(paths);
			}
			catch (FileAgent.Failure ex) {
				if (ex.kind() == FileAgent.Failure.Kind.WRONG_TYPE) {
					throw new ApiException(500, "RUNTIME_ERROR",
							"error removing file " + ex.path() + ". path is a directory: " + ex.path());
				}
				throw ex;
			}
			return paths;
		}).then(exchange.empty(200));
	}

	private Mono<Void> permissions(Exchange exchange) {
		FileAgent agent = agent(exchange);
		return exchange.body().map(Json::readObject).flatMap((body) -> blocking(() -> {
			for (Map.Entry<String, Object> entry : body.entrySet()) {
				if (!(entry.getValue() instanceof Map<?, ?> permission)) {
					throw new ApiException(400, "INVALID_REQUEST_BODY",
							"permission of " + entry.getKey() + " must be an object");
				}
				String path = checked(entry.getKey());
				FileAgent.Permission wanted = permission(permission);
				try {
					agent.chmod(path, wanted);
				}
				catch (FileAgent.Failure ex) {
					if (isUnknownPrincipal(ex)) {
						throw ex;
					}
					throw new ApiException(500, "RUNTIME_ERROR",
							"error changing permissions for " + path + ". "
									+ ((ex.kind() == FileAgent.Failure.Kind.NOT_FOUND)
											? path + ": no such file or directory" : ex.getMessage()));
				}
			}
			return body;
		})).then(exchange.empty(200));
	}

	private Mono<Void> move(Exchange exchange) {
		FileAgent agent = agent(exchange);
		return exchange.body().map(Json::readArray).flatMap((items) -> blocking(() -> {
			for (Object item : items) {
				if (!(item instanceof Map<?, ?> rename) || !(rename.get("src") instanceof String src)
						|| !(rename.get("dest") instanceof String dest)) {
					throw new ApiException(400, "INVALID_REQUEST_BODY", "each item needs src and dest");
				}
				try {
					agent.move(checked(src), checked(dest));
				}
				catch (FileAgent.Failure ex) {
					switch (ex.kind()) {
						case NOT_FOUND -> throw new ApiException(404, "FILE_NOT_FOUND",
								"file not found. source path not found: " + src + ": no such file or directory");
						case EXISTS -> throw new ApiException(500, "RUNTIME_ERROR",
								"error accessing file: destination path already exists: " + dest);
						default -> throw ex;
					}
				}
			}
			return items;
		})).then(exchange.empty(200));
	}

	private Mono<Void> search(Exchange exchange) {
		FileAgent agent = agent(exchange);
		String directory = checked(ExecdApi.requiredQuery(exchange, "path"));
		String pattern = exchange.query("pattern");
		PathMatcher matcher;
		try {
			matcher = FileSystems.getDefault()
				.getPathMatcher("glob:" + ((pattern != null && !pattern.isEmpty()) ? pattern : "**"));
		}
		catch (IllegalArgumentException ex) {
			throw new ApiException(400, "INVALID_REQUEST_BODY", "invalid search pattern '" + pattern + "': "
					+ String.valueOf(ex.getMessage()).lines().findFirst().orElse(""));
		}
		return blocking(() -> {
			List<Map<String, Object>> found = new ArrayList<>();
			try {
				for (FileAgent.Entry entry : agent.regularFiles(directory)) {
					Path relative = Path.of(entry.path());
					if (matcher.matches(relative.getFileName())) {
						String path = join(directory, entry.path());
						found.add(fileInfo(path, entry));
					}
				}
			}
			catch (FileAgent.Failure ex) {
				if (ex.kind() == FileAgent.Failure.Kind.NOT_A_DIRECTORY) {
					throw new ApiException(400, "INVALID_REQUEST_BODY", directory + " is not a directory");
				}
				throw ex;
			}
			return found;
		}).flatMap((found) -> exchange.json(200, found));
	}

	private Mono<Void> replace(Exchange exchange) {
		FileAgent agent = agent(exchange);
		boolean verbose = "true".equalsIgnoreCase(exchange.query("verbose"));
		return exchange.body().map(Json::readObject).flatMap((body) -> blocking(() -> {
			Map<String, Object> counts = new LinkedHashMap<>();
			for (Map.Entry<String, Object> entry : body.entrySet()) {
				String path = checked(entry.getKey());
				if (!(entry.getValue() instanceof Map<?, ?> replacement)
						|| !(replacement.get("old") instanceof String old) || old.isEmpty()
						|| !(replacement.get("new") instanceof String replacementText)) {
					throw new ApiException(400, "INVALID_REQUEST_BODY", "old content must not be empty");
				}
				String content = new String(readSmall(agent, path), StandardCharsets.UTF_8);
				int count = 0;
				for (int at = content.indexOf(old); at >= 0; at = content.indexOf(old, at + old.length())) {
					count++;
				}
				byte[] replaced = content.replace(old, replacementText).getBytes(StandardCharsets.UTF_8);
				agent.write(path, (out) -> out.write(replaced), FileAgent.Permission.NONE);
				counts.put(entry.getKey(), Map.of("replacedCount", count));
			}
			return counts;
		})).flatMap((counts) -> verbose ? exchange.json(200, counts) : exchange.empty(200));
	}

	/*
	 * A whole file of at most {@link #MAX_REPLACE} bytes, for text replacement.
	 */
	private static byte[] readSmall(FileAgent agent, String path) throws IOException {
		FileAgent.OpenFile file = openRegular(agent, path);
		try {
			if (file.size() > MAX_REPLACE) {
				throw new ApiException(413, "FILE_TOO_LARGE",
						"file " + path + " is larger than " + MAX_REPLACE + " bytes, too large to replace text in");
			}
			try (InputStream content = file.range(0, file.size())) {
				byte[] bytes = content.readNBytes((int) file.size());
				if (bytes.length != file.size()) {
					throw new IOException("file " + path + " changed while it was read");
				}
				return bytes;
			}
		}
		finally {
			file.close();
		}
	}

	private static FileAgent.OpenFile openRegular(FileAgent agent, String path) throws IOException {
		try {
			return agent.open(path);
		}
		catch (FileAgent.Failure ex) {
			if (ex.kind() == FileAgent.Failure.Kind.WRONG_TYPE) {
				throw new ApiException(500, "RUNTIME_ERROR",
						"error accessing file: " + path + " is not a regular file");
			}
			throw ex;
		}
	}

	private Mono<Void> upload(Exchange exchange) {
		FileAgent agent = agent(exchange);
		String boundary = MultipartReader.boundary(exchange.header("Content-Type"));
		if (boundary == null) {
			throw new ApiException(400, "INVALID_FILE", "multipart form is empty");
		}
		return spool(exchange).flatMap((spooled) -> blocking(() -> {
			try {
				List<Map<String, Object>> metadata = readMetadata(spooled, boundary);
				writeFiles(agent, spooled, boundary, metadata);
				return spooled;
			}
			finally {
				Files.deleteIfExists(spooled);
			}
		})).then(exchange.empty(200));
	}

	/*
	 * Write the body to a temporary file first, so that a body of any size is parsed
	 * without being held in memory and nothing is written into the sandbox from a body
	 * that did not arrive whole.
	 */
	private Mono<Path> spool(Exchange exchange) {
		long declared = exchange.contentLength();
		if (declared > MAX_UPLOAD) {
			return Mono.error(uploadTooLarge());
		}
		long[] received = { 0 };
		return blocking(() -> Files.createTempFile(this.server.uploads(), "upload-", ".part")).flatMap((spooled) -> {
			FileChannel channel;
			try {
				channel = FileChannel.open(spooled, StandardOpenOption.WRITE);
			}
			catch (IOException ex) {
				return Mono.error(ex);
			}
			return exchange.request().receive().retain().publishOn(this.server.blocking()).doOnNext((buffer) -> {
				received[0] += buffer.readableBytes();
				if (received[0] > MAX_UPLOAD) {
					buffer.release();
					throw uploadTooLarge();
				}
				write(channel, buffer);
			}).then(Mono.fromCallable(() -> {
				channel.close();
				return spooled;
			})).doOnError((ex) -> closeAndDelete(channel, spooled)).doOnCancel(() -> closeAndDelete(channel, spooled));
		});
	}

	private static ApiException uploadTooLarge() {
		return new ApiException(413, "REQUEST_TOO_LARGE", "upload is larger than " + MAX_UPLOAD + " bytes");
	}

	private static void write(FileChannel channel, ByteBuf buffer) {
		try {
			while (buffer.isReadable()) {
				buffer.readBytes(channel, buffer.readableBytes());
			}
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		finally {
			buffer.release();
		}
	}

	private static void closeAndDelete(FileChannel channel, Path file) {
		try {
			channel.close();
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			// best effort
		}
	}

	/*
	 * First pass: the metadata file parts, in order, checked against the file parts as
	 * execd checks them before it writes anything.
	 */
	private static List<Map<String, Object>> readMetadata(Path spooled, String boundary) throws IOException {
		List<Map<String, Object>> metadata = new ArrayList<>();
		int[] files = { 0 };
		forEachPart(spooled, boundary, (name, filePart, reader) -> {
			if (filePart && "metadata".equals(name)) {
				java.io.ByteArrayOutputStream json = new java.io.ByteArrayOutputStream();
				copyPart(reader, new LimitedOutputStream(json, 64 * 1024));
				Map<String, Object> item;
				try {
					item = Json.readObject(json.toString(StandardCharsets.UTF_8));
				}
				catch (Json.BadRequestException ex) {
					throw new ApiException(400, "INVALID_FILE_METADATA", "invalid metadata format. " + ex.getMessage());
				}
				if (!(item.get("path") instanceof String path) || path.isEmpty()) {
					throw new ApiException(400, "INVALID_FILE_METADATA", "metadata path is empty");
				}
				String problem = pathProblem(path);
				if (problem != null) {
					throw new ApiException(400, "INVALID_FILE_METADATA", "invalid metadata path: " + problem);
				}
				permission(item);
				metadata.add(item);
				return;
			}
			if (filePart && "file".equals(name)) {
				files[0]++;
			}
			copyPart(reader, OutputStream.nullOutputStream());
		});
		if (metadata.isEmpty()) {
			throw new ApiException(400, "INVALID_FILE_METADATA", "metadata file is missing");
		}
		if (files[0] == 0) {
			throw new ApiException(400, "INVALID_FILE_CONTENT", "file is missing");
		}
		if (files[0] != metadata.size()) {
			throw new ApiException(400, "INVALID_FILE",
					"metadata and file count mismatch: " + metadata.size() + " vs " + files[0]);
		}
		return metadata;
	}

	/*
	 * Second pass: each file part written, by the agent inside the sandbox, to the path
	 * of the metadata with its index. A new file gets mode 755 (execd's 0777 under the
	 * usual umask), an existing one keeps its mode, and parent directories are created.
	 */
	private static void writeFiles(FileAgent agent, Path spooled, String boundary, List<Map<String, Object>> metadata)
			throws IOException {
		int[] index = { 0 };
		forEachPart(spooled, boundary, (name, filePart, reader) -> {
			if (!filePart || !"file".equals(name)) {
				copyPart(reader, OutputStream.nullOutputStream());
				return;
			}
			Map<String, Object> meta = metadata.get(index[0]++);
			// The first pass refused metadata without a path
			String path = Objects.requireNonNull((String) meta.get("path"));
			try {
				agent.write(path, reader::copyTo, permission(meta));
			}
			catch (FileAgent.Failure ex) {
				if (ex.kind() == FileAgent.Failure.Kind.WRONG_TYPE) {
					throw new ApiException(500, "RUNTIME_ERROR", "error accessing file: " + path + " is a directory");
				}
				throw ex;
			}
		});
	}

	private static void forEachPart(Path spooled, String boundary, PartHandler handler) throws IOException {
		try (InputStream input = Files.newInputStream(spooled)) {
			MultipartReader reader = new MultipartReader(input, boundary);
			Map<String, String> headers;
			while ((headers = nextPart(reader)) != null) {
				Map<String, String> disposition = MultipartReader
					.parameters(headers.getOrDefault("content-disposition", ""));
				handler.handle(disposition.get("name"), disposition.containsKey("filename"), reader);
			}
		}
	}

	private static @Nullable Map<String, String> nextPart(MultipartReader reader) {
		try {
			return reader.next();
		}
		catch (IOException ex) {
			throw new ApiException(400, "INVALID_FILE", "malformed multipart body: " + ex.getMessage());
		}
	}

	private static void copyPart(MultipartReader reader, OutputStream out) {
		try {
			reader.copyTo(out);
		}
		catch (ApiException ex) {
			throw ex;
		}
		catch (IOException ex) {
			throw new ApiException(400, "INVALID_FILE", "malformed multipart body: " + ex.getMessage());
		}
	}

	private Mono<Void> download(Exchange exchange) {
		FileAgent agent = agent(exchange);
		String path = checked(ExecdApi.requiredQuery(exchange, "path"));
		String range = exchange.header("Range");
		String offset = exchange.query("offset");
		String limit = exchange.query("limit");
		if (offset != null || limit != null) {
			if (range != null) {
				throw new ApiException(400, "INVALID_REQUEST",
						"offset and limit cannot be combined with a Range header");
			}
			long first = lineNumber(offset, "offset", 1);
			long count = lineNumber(limit, "limit", Long.MAX_VALUE);
			return blocking(() -> lines(openRegular(agent, path), first, count)).flatMap((bytes) -> exchange.response()
				.status(200)
				.header("Content-Type", "text/plain; charset=utf-8")
				.header("Content-Length", Integer.toString(bytes.length))
				.sendByteArray(Mono.just(bytes))
				.then());
		}
		return blocking(() -> openRegular(agent, path)).flatMap((file) -> {
			long size = file.size();
			var response = exchange.response()
				.header("Content-Type", "application/octet-stream")
				.header("Content-Disposition", "attachment; filename=\"" + fileName(path) + "\"");
			long from = 0;
			long length = size;
			int status = 200;
			if (range != null) {
				long[] bounds = range(range);
				if (bounds == null) {
					file.close();
					return exchange.json(416, Map.of("code", "UNKNOWN"));
				}
				from = (bounds[0] < 0) ? Math.max(size + bounds[0], 0) : bounds[0];
				long to = (bounds[0] < 0 || bounds[1] < 0) ? size - 1 : Math.min(bounds[1], size - 1);
				if (from >= size || (bounds[0] < 0 && size == 0)) {
					file.close();
					response.header("Content-Range", "bytes */" + size);
					return exchange.text(416, "invalid range: failed to overlap\n");
				}
				length = to - from + 1;
				status = 206;
				response.header("Content-Range", "bytes " + from + "-" + to + "/" + size);
			}
			else {
				response.header("Accept-Ranges", "bytes")
					.header("Last-Modified", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
						.format(Instant.ofEpochMilli(file.modifiedMillis()).atZone(java.time.ZoneOffset.UTC)));
			}
			long start = from;
			long count = length;
			response.status(status).header("Content-Length", Long.toString(length));
			if (length <= SMALL_FILE) {
				// read at once, so that a file rewritten meanwhile is still sent whole
				return blocking(() -> readRange(file, start, count))
					.flatMap((bytes) -> response.sendByteArray(Mono.just(bytes)).then());
			}
			return response.send(content(file, start, count)).then();
		});
	}

	private static long lineNumber(@Nullable String value, String name, long absent) {
		if (value == null) {
			return absent;
		}
		try {
			long number = Long.parseLong(value);
			if (number >= 1) {
				return number;
			}
		}
		catch (NumberFormatException ex) {
			// answered below
		}
		throw new ApiException(400, "INVALID_REQUEST", name + " must be an integer of at least 1, not '" + value + "'");
	}

	/*
	 * Lines first to first + count - 1 (from 1) of the file, with their terminators, read
	 * in one pass that stops after the last wanted line and holds only the wanted bytes
	 * (at most MAX_LINES_BYTES).
	 */
	static byte[] lines(FileAgent.OpenFile file, long first, long count) throws IOException {
		long last = (count > Long.MAX_VALUE - first) ? Long.MAX_VALUE : first + count - 1;
		java.io.ByteArrayOutputStream selected = new java.io.ByteArrayOutputStream();
		try (InputStream content = file.range(0, file.size())) {
			return selectLines(content, first, last, selected);
		}
		finally {
			file.close();
		}
	}

	static byte[] selectLines(InputStream content, long first, long last, java.io.ByteArrayOutputStream selected)
			throws IOException {
		byte[] chunk = new byte[CHUNK];
		long line = 1;
		int read;
		while (line <= last && (read = content.read(chunk)) > 0) {
			int start = -1;
			for (int i = 0; i < read && line <= last; i++) {
				if (line >= first && start < 0) {
					start = i;
				}
				if (chunk[i] == '\n') {
					if (line == last) {
						selected.write(chunk, start, i + 1 - start);
						start = -2;
					}
					line++;
				}
			}
			if (start >= 0) {
				selected.write(chunk, start, read - start);
			}
			if (selected.size() > MAX_LINES_BYTES) {
				throw new ApiException(400, "INVALID_REQUEST",
						"the lines asked for are longer than " + MAX_LINES_BYTES + " bytes; ask for fewer");
			}
		}
		return selected.toByteArray();
	}

	private static byte[] readRange(FileAgent.OpenFile file, long from, long length) throws IOException {
		try (InputStream content = file.range(from, length)) {
			byte[] bytes = content.readNBytes((int) length);
			if (bytes.length != length) {
				throw new IOException(
						"the file changed while it was read (" + bytes.length + " of " + length + " bytes)");
			}
			return bytes;
		}
		finally {
			file.close();
		}
	}

	/*
	 * A large file's content, read on a blocking thread as the connection asks for more,
	 * so the server holds one chunk at a time. A file that shrank meanwhile ends the
	 * stream with an error (the client sees a short body, never a success). The agent is
	 * stopped off the event loop, where a client that goes away cancels.
	 */
	private Flux<ByteBuf> content(FileAgent.OpenFile file, long from, long length) {
		return Flux.<ByteBuf, long[]>generate(() -> new long[] { 0 }, (sent, sink) -> {
			try {
				InputStream content = file.stream(from, length);
				byte[] chunk = content.readNBytes((int) Math.min(CHUNK, length - sent[0]));
				if (chunk.length == 0) {
					sink.error(new IOException(
							"the file changed while it was read (" + sent[0] + " of " + length + " bytes)"));
					return sent;
				}
				sent[0] += chunk.length;
				sink.next(Unpooled.wrappedBuffer(chunk));
				if (sent[0] >= length) {
					sink.complete();
				}
			}
			catch (IOException ex) {
				sink.error(ex);
			}
			return sent;
		}, (sent) -> this.server.blocking().schedule(file::close)).subscribeOn(this.server.blocking());
	}

	/*
	 * The first range of a {@code Range} header: {@code [from, to]} with {@code to = -1}
	 * for an open end, {@code [-n, -1]} for a suffix, or {@code null} if it does not
	 * parse.
	 */
	private static long @Nullable [] range(String header) {
		String value = header.trim();
		if (!value.startsWith("bytes=")) {
			return null;
		}
		String spec = value.substring(6).split(",")[0].trim();
		int dash = spec.indexOf('-');
		try {
			if (dash < 0) {
				return null;
			}
			if (dash == 0) {
				long suffix = Long.parseLong(spec.substring(1));
				return (suffix > 0) ? new long[] { -suffix, -1 } : null;
			}
			long from = Long.parseLong(spec.substring(0, dash));
			long to = (dash == spec.length() - 1) ? -1 : Long.parseLong(spec.substring(dash + 1));
			return (from < 0 || (to >= 0 && to < from)) ? null : new long[] { from, to };
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private Mono<Void> listDirectory(Exchange exchange) {
		FileAgent agent = agent(exchange);
		String directory = checked(ExecdApi.requiredQuery(exchange, "path"));
		String depthText = exchange.query("depth");
		int depth;
		try {
			depth = (depthText != null) ? Integer.parseInt(depthText) : 1;
		}
		catch (NumberFormatException ex) {
			depth = -1;
		}
		if (depth < 0) {
			throw new ApiException(400, "INVALID_REQUEST_BODY", "invalid query parameter 'depth': " + depthText);
		}
		int maxDepth = depth;
		return blocking(() -> {
			List<FileAgent.Entry> found;
			try {
				found = (maxDepth == 0) ? List.of() : agent.list(directory, maxDepth);
			}
			catch (FileAgent.Failure ex) {
				switch (ex.kind()) {
					case LINK -> throw new ApiException(400, "INVALID_REQUEST_BODY",
							"path is a symbolic link, refusing to traverse: " + directory);
					case NOT_A_DIRECTORY ->
						throw new ApiException(400, "INVALID_REQUEST_BODY", "path is not a directory: " + directory);
					default -> throw ex;
				}
			}
			// Pre-order: entries sorted by name, each directory's children right after
			// it.
			List<FileAgent.Entry> sorted = new ArrayList<>(found);
			sorted.sort(Comparator.comparing((entry) -> List.of(entry.path().split("/")), FilesApi::compareNames));
			List<Map<String, Object>> entries = new ArrayList<>();
			for (FileAgent.Entry entry : sorted) {
				entries.add(fileInfo(join(directory, entry.path()), entry));
			}
			return entries;
		}).flatMap((entries) -> exchange.json(200, entries));
	}

	private static int compareNames(List<String> left, List<String> right) {
		for (int i = 0; i < Math.min(left.size(), right.size()); i++) {
			int order = left.get(i).compareTo(right.get(i));
			if (order != 0) {
				return order;
			}
		}
		return Integer.compare(left.size(), right.size());
	}

	private Mono<Void> createDirectories(Exchange exchange) {
		FileAgent agent = agent(exchange);
		return exchange.body().map(Json::readObject).flatMap((body) -> blocking(() -> {
			for (Map.Entry<String, Object> entry : body.entrySet()) {
				String path = checked(entry.getKey());
				FileAgent.Permission permission = (entry.getValue() instanceof Map<?, ?> map) ? permission(map)
						: FileAgent.Permission.NONE;
				try {
					agent.mkdirs(path, permission);
				}
				catch (FileAgent.Failure ex) {
					if (ex.kind() == FileAgent.Failure.Kind.EXISTS) {
						throw new ApiException(400, "INVALID_REQUEST_BODY", path + " exists and is not a directory");
					}
					throw ex;
				}
			}
			return body;
		})).then(exchange.empty(200));
	}

	private Mono<Void> deleteDirectories(Exchange exchange) {
		FileAgent agent = agent(exchange);
		List<String> paths = checked(paths(exchange));
		return blocking(() -> {
			agent.deleteTrees(paths);
			return paths;
		}).then(exchange.empty(200));
	}

	/*
	 * Why a path cannot name a file in a sandbox, or {@code null} if it can: it must be
	 * absolute, without NUL, and must not climb above the root.
	 */
	static @Nullable String pathProblem(String path) {
		if (path.isEmpty() || path.charAt(0) != '/') {
			return "path must be absolute: " + path;
		}
		if (path.indexOf('\0') >= 0) {
			return "path must not contain NUL characters";
		}
		if (path.length() > MAX_PATH) {
			return "path is longer than " + MAX_PATH + " characters";
		}
		int depth = 0;
		for (String name : path.split("/")) {
			if ("..".equals(name)) {
				if (--depth < 0) {
					return "path leaves the sandbox: " + path;
				}
			}
			else if (!name.isEmpty() && !".".equals(name)) {
				depth++;
			}
		}
		return null;
	}

	static String checked(String path) {
		String problem = pathProblem(path);
		if (problem != null) {
			throw new ApiException(400, "INVALID_REQUEST_BODY", problem);
		}
		return path;
	}

	private static List<String> checked(List<String> paths) {
		paths.forEach(FilesApi::checked);
		return paths;
	}

	private static String fileName(String path) {
		Path fileName = Path.of(path).getFileName();
		String name = (fileName != null) ? fileName.toString() : "";
		return name.replace("\"", "").replace("\r", "").replace("\n", "");
	}

	private static String join(String directory, String relative) {
		if (relative.isEmpty()) {
			return directory;
		}
		String base = directory.endsWith("/") ? directory : directory + "/";
		return base + relative;
	}

	/*
	 * The permission of a request item: mode (octal digits as a number), owner, group.
	 */
	static FileAgent.Permission permission(Map<?, ?> item) {
		String mode = "";
		if (item.get("mode") instanceof Number number && number.longValue() != 0) {
			long value = number.longValue();
			if (value < 0 || value > 7777 || !Long.toString(value).chars().allMatch((c) -> c >= '0' && c <= '7')
					|| number.doubleValue() != value) {
				throw new ApiException(400, "INVALID_REQUEST_BODY", "mode must be octal digits, e.g. 755: " + number);
			}
			mode = Long.toString(value);
		}
		else if (item.get("mode") != null && !(item.get("mode") instanceof Number)) {
			throw new ApiException(400, "INVALID_REQUEST_BODY", "mode must be a number of octal digits, e.g. 755");
		}
		return new FileAgent.Permission(mode, principal(item.get("owner")), principal(item.get("group")));
	}

	private static String principal(@Nullable Object value) {
		if (value == null) {
			return "";
		}
		if (!(value instanceof String name) || name.length() > 64 || !name.matches("[A-Za-z0-9._][A-Za-z0-9._-]*|")) {
			throw new ApiException(400, "INVALID_REQUEST_BODY", "invalid user or group name: " + value);
		}
		return name;
	}

	private static boolean isUnknownPrincipal(FileAgent.Failure ex) {
		String message = String.valueOf(ex.getMessage());
		return message.startsWith("invalid user") || message.startsWith("invalid group");
	}

	static Map<String, Object> fileInfo(String path, FileAgent.Entry entry) {
		return Json.object("path", path, "type", entry.type(), "size", entry.size(), "modified_at",
				Timestamps.format(Instant.ofEpochMilli(entry.modifiedMillis())), "created_at",
				Timestamps.format(Instant.ofEpochMilli(entry.createdMillis())), "owner", entry.owner(), "group",
				entry.group(), "mode", entry.mode());
	}

	private <T> Mono<T> blocking(Callable<T> work) {
		return Mono.fromCallable(work)
			.subscribeOn(this.server.blocking())
			.onErrorMap(IOException.class, FilesApi::translate);
	}

	/*
	 * What the agent reported, as execd words it.
	 */
	static ApiException translate(IOException ex) {
		if (ex instanceof FileAgent.TooLarge) {
			return new ApiException(400, "INVALID_REQUEST_BODY",
					"more than " + FileAgent.MAX_ENTRIES + " entries: narrow the path or the depth");
		}
		if (ex instanceof FileAgent.Failure failure) {
			String message = String.valueOf(failure.getMessage());
			return switch (failure.kind()) {
				case NOT_FOUND -> new ApiException(404, "FILE_NOT_FOUND",
						"file not found. lstat " + failure.path() + ": no such file or directory");
				case WRONG_TYPE, NOT_A_DIRECTORY, EXISTS, LINK ->
					new ApiException(400, "INVALID_REQUEST_BODY", message);
				case OTHER -> isUnknownPrincipal(failure)
						? new ApiException(400, "INVALID_REQUEST_BODY", "unknown user or group: " + message)
						: message.contains("Permission denied")
								? new ApiException(403, "PERMISSION_DENIED", "permission denied: " + message)
								: new ApiException(500, "RUNTIME_ERROR", "error accessing file: " + message);
			};
		}
		return new ApiException(500, "RUNTIME_ERROR", "error accessing file: " + ex.getMessage());
	}

	/**
	 * Handles one part; must consume its content.
	 */
	@FunctionalInterface
	private interface PartHandler {

		void handle(@Nullable String name, boolean filePart, MultipartReader reader) throws IOException;

	}

	/**
	 * An output stream that refuses more than a limit, for parts read into memory.
	 */
	private static final class LimitedOutputStream extends OutputStream {

		private final OutputStream delegate;

		private long remaining;

		LimitedOutputStream(OutputStream delegate, long limit) {
			this.delegate = delegate;
			this.remaining = limit;
		}

		@Override
		public void write(int b) throws IOException {
			write(new byte[] { (byte) b }, 0, 1);
		}

		@Override
		public void write(byte[] bytes, int offset, int length) throws IOException {
			this.remaining -= length;
			if (this.remaining < 0) {
				throw new ApiException(400, "INVALID_FILE_METADATA", "file metadata part is too large");
			}
			this.delegate.write(bytes, offset, length);
		}

	}

}
