package io.opensandbox.spring.test.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import io.netty.buffer.ByteBuf;
import io.opensandbox.spring.test.server.isolation.IsolatedSandbox;
import org.jspecify.annotations.Nullable;
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

	private IsolatedSandbox isolated(Exchange exchange) {
		ServerSandbox sandbox = this.server.registry().get(exchange.variable("sandbox"));
		if (sandbox == null) {
			throw new ApiException(404, "SANDBOX_NOT_FOUND", "sandbox has been removed");
		}
		return this.server.files(sandbox);
	}

	private Mono<Void> info(Exchange exchange) {
		IsolatedSandbox isolated = isolated(exchange);
		List<String> paths = paths(exchange);
		return blocking(() -> {
			Map<String, Object> infos = new LinkedHashMap<>();
			for (String path : paths) {
				infos.put(path, fileInfo(path, located(isolated, path, false)));
			}
			return infos;
		}).flatMap((infos) -> exchange.json(200, infos));
	}

	private Mono<Void> deleteFiles(Exchange exchange) {
		IsolatedSandbox isolated = isolated(exchange);
		List<String> paths = paths(exchange);
		return blocking(() -> {
			for (String path : paths) {
				Path file = writable(isolated, path);
				if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
					throw new ApiException(500, "RUNTIME_ERROR",
							"error removing file " + path + ". path is a directory: " + path);
				}
				Files.deleteIfExists(file);
			}
			return paths;
		}).then(exchange.empty(200));
	}

	private Mono<Void> permissions(Exchange exchange) {
		IsolatedSandbox isolated = isolated(exchange);
		return exchange.body().map(Json::readObject).flatMap((body) -> blocking(() -> {
			for (Map.Entry<String, Object> entry : body.entrySet()) {
				if (!(entry.getValue() instanceof Map<?, ?> permission)) {
					throw new ApiException(400, "INVALID_REQUEST_BODY", "permission of " + entry.getKey()
							+ " must be an object");
				}
				try {
					Path file = writable(isolated, entry.getKey());
					if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
						throw new NoSuchFileException(entry.getKey());
					}
					applyPermission(file, permission);
				}
				catch (IOException | ApiException ex) {
					throw new ApiException(500, "RUNTIME_ERROR",
							"error changing permissions for " + entry.getKey() + ". " + messageOf(ex));
				}
			}
			return body;
		})).then(exchange.empty(200));
	}

	private Mono<Void> move(Exchange exchange) {
		IsolatedSandbox isolated = isolated(exchange);
		return exchange.body().map(Json::readArray).flatMap((items) -> blocking(() -> {
			for (Object item : items) {
				if (!(item instanceof Map<?, ?> rename) || !(rename.get("src") instanceof String src)
						|| !(rename.get("dest") instanceof String dest)) {
					throw new ApiException(400, "INVALID_REQUEST_BODY", "each item needs src and dest");
				}
				Path source = writable(isolated, src);
				if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
					throw new ApiException(404, "FILE_NOT_FOUND",
							"file not found. source path not found: " + src + ": no such file or directory");
				}
				Path target = writable(isolated, dest);
				if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
					throw new ApiException(500, "RUNTIME_ERROR",
							"error accessing file: destination path already exists: " + dest);
				}
				Files.createDirectories(target.getParent());
				Files.move(source, target);
			}
			return items;
		})).then(exchange.empty(200));
	}

	private Mono<Void> search(Exchange exchange) {
		IsolatedSandbox isolated = isolated(exchange);
		String directory = ExecdApi.requiredQuery(exchange, "path");
		String pattern = exchange.query("pattern");
		return blocking(() -> {
			Path root = located(isolated, directory, true);
			if (!Files.isDirectory(root)) {
				throw new ApiException(400, "INVALID_REQUEST_BODY", directory + " is not a directory");
			}
			PathMatcher matcher = FileSystems.getDefault()
				.getPathMatcher("glob:" + ((pattern != null && !pattern.isEmpty()) ? pattern : "**"));
			List<Map<String, Object>> found = new ArrayList<>();
			try (Stream<Path> files = Files.walk(root)) {
				for (Path file : (Iterable<Path>) files::iterator) {
					if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
							&& matcher.matches(file.getFileName())) {
						found.add(fileInfo(join(directory, root.relativize(file)), file));
					}
				}
			}
			return found;
		}).flatMap((found) -> exchange.json(200, found));
	}

	private Mono<Void> replace(Exchange exchange) {
		IsolatedSandbox isolated = isolated(exchange);
		boolean verbose = "true".equalsIgnoreCase(exchange.query("verbose"));
		return exchange.body().map(Json::readObject).flatMap((body) -> blocking(() -> {
			Map<String, Object> counts = new LinkedHashMap<>();
			for (Map.Entry<String, Object> entry : body.entrySet()) {
				located(isolated, entry.getKey(), true);
				if (!(entry.getValue() instanceof Map<?, ?> replacement)
						|| !(replacement.get("old") instanceof String old) || old.isEmpty()
						|| !(replacement.get("new") instanceof String replacementText)) {
					throw new ApiException(400, "INVALID_REQUEST_BODY", "old content must not be empty");
				}
				Path file = writable(isolated, entry.getKey());
				String content = Files.readString(file, StandardCharsets.UTF_8);
				int count = 0;
				for (int at = content.indexOf(old); at >= 0; at = content.indexOf(old, at + old.length())) {
					count++;
				}
				Files.writeString(file, content.replace(old, replacementText), StandardCharsets.UTF_8);
				counts.put(entry.getKey(), Map.of("replacedCount", count));
			}
			return counts;
		})).flatMap((counts) -> verbose ? exchange.json(200, counts) : exchange.empty(200));
	}

	private Mono<Void> upload(Exchange exchange) {
		IsolatedSandbox isolated = isolated(exchange);
		String boundary = MultipartReader.boundary(exchange.header("Content-Type"));
		if (boundary == null) {
			throw new ApiException(400, "INVALID_FILE", "multipart form is empty");
		}
		return spool(exchange).flatMap((spooled) -> blocking(() -> {
			try {
				List<Map<String, Object>> metadata = readMetadata(spooled, boundary);
				writeFiles(isolated, spooled, boundary, metadata);
				return spooled;
			}
			finally {
				Files.deleteIfExists(spooled);
			}
		})).then(exchange.empty(200));
	}

	/**
	 * Write the body to a temporary file first, so that a body of any size is parsed
	 * without being held in memory and nothing is written into the sandbox from a body
	 * that did not arrive whole.
	 */
	private Mono<Path> spool(Exchange exchange) {
		return blocking(() -> Files.createTempFile("opensandbox-upload-", ".part")).flatMap((spooled) -> {
			FileChannel channel;
			try {
				channel = FileChannel.open(spooled, StandardOpenOption.WRITE);
			}
			catch (IOException ex) {
				return Mono.error(ex);
			}
			return exchange.request()
				.receive()
				.retain()
				.publishOn(this.server.blocking())
				.doOnNext((buffer) -> write(channel, buffer))
				.then(Mono.fromCallable(() -> {
					channel.close();
					return spooled;
				}))
				.doOnError((ex) -> closeAndDelete(channel, spooled))
				.doOnCancel(() -> closeAndDelete(channel, spooled));
		});
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

	/**
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

	/**
	 * Second pass: each file part written to the path of the metadata with its index. A new
	 * file gets mode 755 (execd's 0777 under the usual umask), an existing one keeps its
	 * mode, and parent directories are created.
	 */
	private static void writeFiles(IsolatedSandbox isolated, Path spooled, String boundary,
			List<Map<String, Object>> metadata) throws IOException {
		int[] index = { 0 };
		forEachPart(spooled, boundary, (name, filePart, reader) -> {
			if (!filePart || !"file".equals(name)) {
				copyPart(reader, OutputStream.nullOutputStream());
				return;
			}
			Map<String, Object> meta = metadata.get(index[0]++);
			Path target = writable(isolated, (String) meta.get("path"));
			Files.createDirectories(target.getParent());
			boolean created = !Files.exists(target);
			try (OutputStream out = Files.newOutputStream(target)) {
				copyPart(reader, out);
			}
			if (created) {
				Files.setPosixFilePermissions(target, permissions(755));
			}
			applyPermission(target, meta);
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

	/**
	 * Handles one part; must consume its content.
	 */
	@FunctionalInterface
	private interface PartHandler {

		void handle(@Nullable String name, boolean filePart, MultipartReader reader) throws IOException;

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
		IsolatedSandbox isolated = isolated(exchange);
		String path = ExecdApi.requiredQuery(exchange, "path");
		return blocking(() -> {
			Path file = located(isolated, path, true);
			if (!Files.isRegularFile(file)) {
				throw new ApiException(500, "RUNTIME_ERROR", "error accessing file: " + path + " is not a regular file");
			}
			return file;
		}).flatMap((file) -> {
			long size;
			Instant modified;
			try {
				size = Files.size(file);
				modified = Files.getLastModifiedTime(file).toInstant();
			}
			catch (IOException ex) {
				return Mono.error(ex);
			}
			var response = exchange.response()
				.header("Content-Type", "application/octet-stream")
				.header("Content-Disposition", "attachment; filename=\"" + file.getFileName() + "\"");
			String range = exchange.header("Range");
			if (range == null && size <= SMALL_FILE) {
				// read at once, so that a file rewritten meanwhile is still sent whole
				return blocking(() -> Files.readAllBytes(file)).flatMap((bytes) -> response.status(200)
					.header("Accept-Ranges", "bytes")
					.header("Content-Length", Integer.toString(bytes.length))
					.sendByteArray(Mono.just(bytes))
					.then());
			}
			if (range == null) {
				return response.status(200)
					.header("Accept-Ranges", "bytes")
					.header("Last-Modified", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
						.format(modified.atZone(java.time.ZoneOffset.UTC)))
					.header("Content-Length", Long.toString(size))
					.sendFile(file, 0, size)
					.then();
			}
			long[] bounds = range(range);
			if (bounds == null) {
				return exchange.json(416, Map.of("code", "UNKNOWN"));
			}
			long from = (bounds[0] < 0) ? Math.max(size + bounds[0], 0) : bounds[0];
			long to = (bounds[0] < 0 || bounds[1] < 0) ? size - 1 : Math.min(bounds[1], size - 1);
			if (from >= size || (bounds[0] < 0 && size == 0)) {
				response.header("Content-Range", "bytes */" + size);
				return exchange.text(416, "invalid range: failed to overlap\n");
			}
			long length = to - from + 1;
			return response.status(206)
				.header("Content-Range", "bytes " + from + "-" + to + "/" + size)
				.header("Content-Length", Long.toString(length))
				.sendFile(file, from, length)
				.then();
		});
	}

	/**
	 * The first range of a {@code Range} header: {@code [from, to]} with {@code to = -1} for
	 * an open end, {@code [-n, -1]} for a suffix, or {@code null} if it does not parse.
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
		IsolatedSandbox isolated = isolated(exchange);
		String directory = ExecdApi.requiredQuery(exchange, "path");
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
			Path root = located(isolated, directory, false);
			if (Files.isSymbolicLink(root)) {
				throw new ApiException(400, "INVALID_REQUEST_BODY",
						"path is a symbolic link, refusing to traverse: " + directory);
			}
			if (!Files.isDirectory(root)) {
				throw new ApiException(400, "INVALID_REQUEST_BODY", "path is not a directory: " + directory);
			}
			List<Map<String, Object>> entries = new ArrayList<>();
			listInto(entries, root, directory, maxDepth);
			return entries;
		}).flatMap((entries) -> exchange.json(200, entries));
	}

	/**
	 * Pre-order listing: entries sorted by name, each directory's children right after it.
	 */
	private static void listInto(List<Map<String, Object>> entries, Path directory, String path, int depth)
			throws IOException {
		if (depth <= 0) {
			return;
		}
		List<Path> children;
		try (Stream<Path> list = Files.list(directory)) {
			children = list.sorted(Comparator.comparing((child) -> child.getFileName().toString())).toList();
		}
		for (Path child : children) {
			String childPath = join(path, child.getFileName());
			entries.add(fileInfo(childPath, child));
			if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
				listInto(entries, child, childPath, depth - 1);
			}
		}
	}

	private Mono<Void> createDirectories(Exchange exchange) {
		IsolatedSandbox isolated = isolated(exchange);
		return exchange.body().map(Json::readObject).flatMap((body) -> blocking(() -> {
			for (Map.Entry<String, Object> entry : body.entrySet()) {
				Path directory = writable(isolated, entry.getKey());
				try {
					Files.createDirectories(directory);
				}
				catch (FileAlreadyExistsException ex) {
					throw new ApiException(400, "INVALID_REQUEST_BODY", entry.getKey() + " exists and is not a directory");
				}
				if (entry.getValue() instanceof Map<?, ?> permission) {
					applyPermission(directory, permission);
				}
			}
			return body;
		})).then(exchange.empty(200));
	}

	private Mono<Void> deleteDirectories(Exchange exchange) {
		IsolatedSandbox isolated = isolated(exchange);
		List<String> paths = paths(exchange);
		return blocking(() -> {
			for (String path : paths) {
				Path directory = writable(isolated, path);
				if (Files.isSymbolicLink(directory)) {
					Files.delete(directory);
					continue;
				}
				if (!Files.exists(directory)) {
					continue;
				}
				try (Stream<Path> tree = Files.walk(directory)) {
					for (Path item : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
						Files.deleteIfExists(item);
					}
				}
			}
			return paths;
		}).then(exchange.empty(200));
	}

	/**
	 * The host path of an existing file the sandbox may read. Links in the parent
	 * directories are resolved and must stay inside the sandbox or its read-only system
	 * directories; the last component is followed only when {@code follow} is set.
	 */
	private static Path located(IsolatedSandbox isolated, String path, boolean follow) throws IOException {
		Path file = hostPath(isolated, path);
		Path parent = file.getParent();
		if (parent == null || !Files.isDirectory(parent) || !Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
			throw notFound(path);
		}
		Path located = confined(isolated, parent.toRealPath(), path).resolve(file.getFileName());
		return follow ? confined(isolated, located.toRealPath(), path) : located;
	}

	private static Path confined(IsolatedSandbox isolated, Path real, String path) throws IOException {
		if (!real.startsWith(isolated.directory().toRealPath()) && isolated.isWritable(real.toString())) {
			throw notFound(path);
		}
		return real;
	}

	private static ApiException notFound(String path) {
		return new ApiException(404, "FILE_NOT_FOUND",
				"file not found. lstat " + path + ": no such file or directory");
	}

	/**
	 * The host path of a file the sandbox may write.
	 */
	private static Path writable(IsolatedSandbox isolated, String path) throws IOException {
		if (!isolated.isWritable(normalize(path))) {
			throw new ApiException(500, "RUNTIME_ERROR", "error accessing file: " + path + ": read-only file system");
		}
		Path file = hostPath(isolated, path);
		Path sandboxRoot = isolated.directory().toRealPath();
		for (Path dir = file.getParent(); dir != null; dir = dir.getParent()) {
			if (Files.exists(dir)) {
				if (!dir.toRealPath().startsWith(sandboxRoot)) {
					throw new ApiException(500, "RUNTIME_ERROR",
							"error accessing file: " + path + ": resolves outside the sandbox's writable directories");
				}
				break;
			}
		}
		return file;
	}

	private static Path hostPath(IsolatedSandbox isolated, String path) {
		if (!path.startsWith("/")) {
			throw new ApiException(400, "INVALID_REQUEST_BODY", "path must be absolute: " + path);
		}
		try {
			return isolated.hostPath(path);
		}
		catch (IllegalArgumentException ex) {
			throw new ApiException(400, "INVALID_REQUEST_BODY", ex.getMessage());
		}
	}

	private static String normalize(String path) {
		return Path.of(path).normalize().toString();
	}

	private static String join(String directory, Path relative) {
		if (relative.toString().isEmpty()) {
			return directory;
		}
		String base = directory.endsWith("/") ? directory : directory + "/";
		return base + relative.toString().replace('\\', '/');
	}

	private static void applyPermission(Path file, Map<?, ?> permission) throws IOException {
		PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class,
				LinkOption.NOFOLLOW_LINKS);
		UserPrincipalLookupService users = file.getFileSystem().getUserPrincipalLookupService();
		try {
			if (permission.get("owner") instanceof String owner && !owner.isEmpty()) {
				view.setOwner(users.lookupPrincipalByName(owner));
			}
			if (permission.get("group") instanceof String group && !group.isEmpty()) {
				GroupPrincipal principal = users.lookupPrincipalByGroupName(group);
				view.setGroup(principal);
			}
		}
		catch (java.nio.file.attribute.UserPrincipalNotFoundException ex) {
			throw new ApiException(400, "INVALID_REQUEST_BODY", "unknown user or group: " + ex.getName());
		}
		Object mode = permission.get("mode");
		if (mode instanceof Number number && number.intValue() != 0) {
			Files.setPosixFilePermissions(file, permissions(number.intValue()));
		}
	}

	/**
	 * Permissions from execd's mode: octal digits written as a decimal number (755).
	 */
	static Set<PosixFilePermission> permissions(int mode) {
		int octal;
		try {
			octal = Integer.parseInt(Integer.toString(mode), 8);
		}
		catch (NumberFormatException ex) {
			throw new ApiException(400, "INVALID_REQUEST_BODY", "mode must be octal digits, e.g. 755: " + mode);
		}
		Set<PosixFilePermission> result = EnumSet.noneOf(PosixFilePermission.class);
		PosixFilePermission[] order = { PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
				PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
				PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
				PosixFilePermission.OWNER_READ };
		for (int bit = 0; bit < order.length; bit++) {
			if ((octal & (1 << bit)) != 0) {
				result.add(order[bit]);
			}
		}
		return result;
	}

	static int mode(Set<PosixFilePermission> permissions) {
		int octal = 0;
		for (PosixFilePermission permission : ALL) {
			if (permissions.contains(permission)) {
				octal |= 1 << (8 - permission.ordinal());
			}
		}
		return Integer.parseInt(Integer.toOctalString(octal));
	}

	static Map<String, Object> fileInfo(String path, Path file) throws IOException {
		PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class,
				LinkOption.NOFOLLOW_LINKS);
		String type = attributes.isRegularFile() ? "file" : attributes.isDirectory() ? "directory"
				: attributes.isSymbolicLink() ? "symlink" : "other";
		return Json.object("path", path, "type", type, "size", attributes.size(), "modified_at",
				Timestamps.format(attributes.lastModifiedTime().toInstant()), "created_at",
				Timestamps.format(creation(attributes)), "owner", attributes.owner().getName(), "group",
				attributes.group().getName(), "mode", mode(attributes.permissions()));
	}

	private static Instant creation(PosixFileAttributes attributes) {
		return attributes.creationTime().toInstant();
	}

	private <T> Mono<T> blocking(Callable<T> work) {
		return Mono.fromCallable(work)
			.subscribeOn(this.server.blocking())
			.onErrorMap(NoSuchFileException.class,
					(ex) -> new ApiException(404, "FILE_NOT_FOUND", "file not found. " + ex.getFile()
							+ ": no such file or directory"))
			.onErrorMap(AccessDeniedException.class,
					(ex) -> new ApiException(403, "PERMISSION_DENIED", "permission denied: " + ex.getFile()))
			.onErrorMap(DirectoryNotEmptyException.class,
					(ex) -> new ApiException(400, "INVALID_REQUEST_BODY", "directory not empty: " + ex.getFile()))
			.onErrorMap(IOException.class,
					(ex) -> new ApiException(500, "RUNTIME_ERROR", "error accessing file: " + messageOf(ex)));
	}

	private static String messageOf(Throwable ex) {
		if (ex instanceof FileSystemException fs) {
			return fs.getFile() + ": " + ((fs.getReason() != null) ? fs.getReason() : fs.getClass().getSimpleName());
		}
		return String.valueOf(ex.getMessage());
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
