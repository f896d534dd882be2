package io.opensandbox.spring.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.http.codec.multipart.Part;
import org.springframework.http.codec.multipart.PartHttpMessageWriter;
import org.springframework.util.Assert;
import org.springframework.util.MimeTypeUtils;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriBuilder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.opensandbox.spring.error.OpenSandboxException;
import io.opensandbox.spring.error.OpenSandboxProtocolException;
import io.opensandbox.spring.error.OpenSandboxStreamException;
import io.opensandbox.spring.model.FileInfo;
import io.opensandbox.spring.model.FileUpload;
import io.opensandbox.spring.model.Replacement;
import io.opensandbox.spring.model.SandboxEndpoint;
import io.opensandbox.spring.observation.OpenSandboxObservations;

/**
 * Reactive client for execd's file and directory operations in one sandbox, reached
 * through the endpoint the lifecycle server returned for port {@value ExecdClient#PORT}.
 * File contents are streamed in both directions, never held in memory whole (except by
 * {@link #readBytes(String)} and {@link #readText(String)}, which are for small files).
 * File paths travel only as strictly encoded query parameters, so no path can change the
 * route. Sends the endpoint's headers on every request and never the API key.
 * Thread-safe.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public final class ExecdFilesClient {

	/**
	 * The most bytes {@link #readBytes(String)} and {@link #readText(String)} hold in
	 * memory: 16 MiB. Larger files fail; read them with {@link #read(String)} or
	 * {@link #download(String, Path)}.
	 */
	public static final int DEFAULT_MAX_IN_MEMORY_SIZE = 16 * 1024 * 1024;

	/** The file name execd needs on each metadata part (it ignores plain form fields). */
	static final String METADATA_FILENAME = "metadata.json";

	/** Size of the chunks streamed content is read in. */
	private static final int BUFFER_SIZE = 64 * 1024;

	/** Size of the chunks a local file is read in for an upload. */
	private static final int FILE_BUFFER_SIZE = 256 * 1024;

	/** How many chunks of a local file may be read ahead of the connection. */
	private static final int FILE_READ_AHEAD = 8;

	/** How many received buffers may wait to be written to a download target. */
	private static final int WRITE_PREFETCH = 64;

	/**
	 * The file permission {@link #mkdirs(Collection, FileInfo.Permission)} uses by
	 * default.
	 */
	private static final FileInfo.Permission DEFAULT_DIRECTORY_PERMISSION = FileInfo.Permission.of(755);

	private static final ParameterizedTypeReference<Map<String, FileInfoJson>> FILE_INFO_MAP = new ParameterizedTypeReference<>() {
	};

	private static final ParameterizedTypeReference<List<FileInfoJson>> FILE_INFO_LIST = new ParameterizedTypeReference<>() {
	};

	private static final ParameterizedTypeReference<Map<String, ReplaceResultJson>> REPLACE_RESULTS = new ParameterizedTypeReference<>() {
	};

	private static final ResolvableType PART_TYPE = ResolvableType.forClass(Part.class);

	private static final Log logger = LogFactory.getLog(ExecdFilesClient.class);

	private final WebClient webClient;

	private final String baseUrl;

	private final OpenSandboxObservations observations;

	/**
	 * Create a client. The builder is cloned, never changed.
	 * @param builder the builder to start from (connector, observation, customizations)
	 * @param endpoint the execd endpoint of the sandbox
	 * @param protocol {@code http} or {@code https}
	 * @param accessToken execd's access token, if it requires one
	 * @param headers extra headers for every request
	 */
	public ExecdFilesClient(WebClient.Builder builder, SandboxEndpoint endpoint, String protocol,
			@Nullable String accessToken, Map<String, String> headers) {
		this(builder, endpoint, protocol, accessToken, headers, OpenSandboxObservations.NOOP);
	}

	/**
	 * Create a client that records an {@code opensandbox.file.transfer} observation for
	 * every upload and download.
	 * @param builder the builder to start from (connector, observation, customizations)
	 * @param endpoint the execd endpoint of the sandbox
	 * @param protocol {@code http} or {@code https}
	 * @param accessToken execd's access token, if it requires one
	 * @param headers extra headers for every request
	 * @param observations where observations go
	 */
	public ExecdFilesClient(WebClient.Builder builder, SandboxEndpoint endpoint, String protocol,
			@Nullable String accessToken, Map<String, String> headers, OpenSandboxObservations observations) {
		this.observations = observations;
		this.baseUrl = endpoint.url(protocol);
		this.webClient = EndpointWebClients.create(builder, endpoint, protocol, headers,
				(accessToken != null && !accessToken.isEmpty()) ? Map.of(ExecdClient.ACCESS_TOKEN_HEADER, accessToken)
						: Map.of());
	}

	/**
	 * Write one file ({@code POST /files/upload}).
	 * @param file the file
	 * @return completes when execd stored the file
	 * @see #write(List)
	 */
	public Mono<Void> write(FileUpload file) {
		Assert.notNull(file, "'file' must not be null");
		return write(List.of(file));
	}

	/**
	 * Write several files in one request ({@code POST /files/upload}). Each file travels
	 * as a {@code metadata} part (a JSON file part with path, owner, group and mode)
	 * immediately followed by its {@code file} part; execd pairs them by position.
	 * Content from local files, resources and streams is read in chunks while the request
	 * is sent, so a large file never sits in memory whole.
	 * @param files the files, in the order they are sent
	 * @return completes when execd stored every file
	 */
	public Mono<Void> write(List<FileUpload> files) {
		Assert.notEmpty(files, "At least one file is needed");
		Assert.noNullElements(files, "Files must not be null");
		List<byte[]> metadata = new ArrayList<>(files.size());
		for (FileUpload file : files) {
			metadata.add(WireJson.MAPPER.writeValueAsBytes(metadata(file)));
		}
		AtomicLong uploaded = new AtomicLong();
		// Parts are written as a stream of Part, in order: MultipartBodyBuilder would
		// group
		// them by name (all metadata parts, then all file parts). The body is written on
		// the
		// event loop, and Spring's writer would draw the boundary from a SecureRandom
		// there,
		// which reads /dev/urandom: draw it beforehand, off the event loop.
		Mono<byte[]> boundary = Mono.fromCallable(MimeTypeUtils::generateMultipartBoundary)
			.subscribeOn(Schedulers.boundedElastic());
		return this.observations.transfer("upload", boundary.flatMap((bytes) -> {
			BodyInserter<Flux<Part>, ClientHttpRequest> body = (request, context) -> new UploadWriter(bytes).write(
					Flux.fromIterable(parts(files, metadata, request.bufferFactory(), uploaded)), PART_TYPE,
					MediaType.MULTIPART_FORM_DATA, request, context.hints());
			return call(HttpMethod.POST, "/files/upload",
					this.webClient.post()
						.uri("/files/upload")
						.contentType(MediaType.MULTIPART_FORM_DATA)
						.body(body)
						.retrieve(),
					Void.class);
		}), uploaded::get);
	}

	/*
	 * The parts of an upload, their content read into buffers of the connection's own
	 * allocator (pooled, and direct where the transport is), so that nothing is copied
	 * again on its way to the socket.
	 */
	private static List<Part> parts(List<FileUpload> files, List<byte[]> metadata, DataBufferFactory factory,
			AtomicLong uploaded) {
		List<Part> parts = new ArrayList<>(files.size() * 2);
		for (int i = 0; i < files.size(); i++) {
			FileUpload file = files.get(i);
			byte[] json = metadata.get(i);
			parts.add(new UploadPart("metadata", METADATA_FILENAME, MediaType.APPLICATION_JSON,
					() -> Flux.just(factory.wrap(json))));
			parts.add(new UploadPart("file", filename(file.path()), MediaType.APPLICATION_OCTET_STREAM,
					() -> content(file.content(), factory)
						.doOnNext((buffer) -> uploaded.addAndGet(buffer.readableByteCount()))));
		}
		return parts;
	}

	private static Map<String, Object> metadata(FileUpload file) {
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("path", file.path());
		putIfPresent(metadata, "owner", file.owner());
		putIfPresent(metadata, "group", file.group());
		putIfPresent(metadata, "mode", file.mode());
		return metadata;
	}

	/*
	 * The file name of an upload's file part: the last path segment, kept to printable
	 * ASCII so no header encoding is involved. execd uses the path from the metadata.
	 */
	static String filename(String path) {
		String name = path.substring(path.lastIndexOf('/') + 1);
		StringBuilder safe = new StringBuilder(name.length());
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			safe.append((c > 0x20 && c < 0x7f && c != '"' && c != '\\') ? c : '_');
		}
		return (safe.length() > 0) ? safe.toString() : "file";
	}

	private static Flux<DataBuffer> content(FileUpload.Content content, DataBufferFactory factory) {
		if (content instanceof FileUpload.Content.InMemory inMemory) {
			return Flux.defer(() -> Flux.just(factory.wrap(inMemory.bytes())));
		}
		if (content instanceof FileUpload.Content.LocalFile local) {
			// Plain blocking reads, in large chunks, off the event loop: one thread hop
			// per
			// batch of chunks the connection asks for, instead of one per chunk
			return DataBufferUtils
				.readByteChannel(() -> FileChannel.open(local.file(), StandardOpenOption.READ), factory,
						FILE_BUFFER_SIZE)
				.subscribeOn(Schedulers.boundedElastic())
				// A few chunks ahead of the socket are enough; the connection would ask
				// for 128
				.limitRate(FILE_READ_AHEAD);
		}
		if (content instanceof FileUpload.Content.FromResource resource) {
			// A resource that is not a file is read through a blocking InputStream
			return DataBufferUtils.read(resource.resource(), factory, BUFFER_SIZE)
				.subscribeOn(Schedulers.boundedElastic());
		}
		FileUpload.Content.FromStream stream = (FileUpload.Content.FromStream) content;
		return DataBufferUtils.readInputStream(stream.source()::getInputStream, factory, BUFFER_SIZE)
			.subscribeOn(Schedulers.boundedElastic());
	}

	/**
	 * Read a whole file as a stream of buffers ({@code GET /files/download}). The caller
	 * owns every buffer and must release it ({@link DataBufferUtils#release}) once used.
	 * A body shorter than the {@code Content-Length} execd announced fails with an
	 * {@link OpenSandboxStreamException}; it never completes as if the file were whole.
	 * @param path the file path inside the sandbox
	 * @return the content
	 */
	public Flux<DataBuffer> read(String path) {
		return read(path, 0, null);
	}

	/**
	 * Read part of a file as a stream of buffers, with an HTTP {@code Range} request. The
	 * caller owns every buffer and must release it ({@link DataBufferUtils#release}) once
	 * used. A range that starts past the end of the file fails with an
	 * {@link io.opensandbox.spring.error.OpenSandboxApiException.Rejected} (status 416);
	 * a body shorter than announced fails with an {@link OpenSandboxStreamException}.
	 * @param path the file path inside the sandbox
	 * @param offset the first byte to read, from 0
	 * @param length how many bytes to read at most, or {@code null} for all up to the end
	 * @return the content of the range
	 */
	public Flux<DataBuffer> read(String path, long offset, @Nullable Long length) {
		return open(path, offset, length).flatMapMany(Function.identity());
	}

	/**
	 * Download a file to a local path, streaming it to disk. The target is created or
	 * truncated once execd answered, and deleted again if the download fails or is
	 * cancelled, so a partial file is never left behind as if it were complete. A missing
	 * remote file leaves an existing target untouched.
	 * @param path the file path inside the sandbox
	 * @param target the local file to write
	 * @return the number of bytes written
	 */
	public Mono<Long> download(String path, Path target) {
		Assert.notNull(target, "'target' must not be null");
		String request = "GET " + this.baseUrl + "/files/download";
		AtomicLong written = new AtomicLong();
		return this.observations.transfer("download", open(path, 0, null).flatMap((body) -> {
			Flux<DataBuffer> counted = body.doOnNext((buffer) -> written.addAndGet(buffer.readableByteCount()));
			// Opening (and truncating) the target and writing to it block: the buffers
			// are
			// handed to a worker thread in batches and written there with plain writes,
			// while
			// the event loop goes on reading the next ones
			return Mono
				.usingWhen(
						Mono.fromCallable(() -> FileChannel.open(target, StandardOpenOption.CREATE,
								StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
							.subscribeOn(Schedulers.boundedElastic()),
						(channel) -> counted.publishOn(Schedulers.boundedElastic(), WRITE_PREFETCH)
							.doOnNext((buffer) -> writeFully(channel, buffer))
							.doOnDiscard(DataBuffer.class, DataBufferUtils::release)
							.then(Mono.fromSupplier(written::get)),
						ExecdFilesClient::close, (channel, failure) -> close(channel), ExecdFilesClient::close)
				.onErrorMap((failure) -> ErrorTranslator.translate(failure, request))
				.onErrorResume((failure) -> deleteQuietly(target).then(Mono.error(failure)))
				.doOnCancel(() -> deleteQuietly(target).subscribe());
		}), written::get);
	}

	// Write a whole buffer, then release it
	private static void writeFully(FileChannel channel, DataBuffer buffer) {
		try (DataBuffer.ByteBufferIterator iterator = buffer.readableByteBuffers()) {
			while (iterator.hasNext()) {
				ByteBuffer bytes = iterator.next();
				while (bytes.hasRemaining()) {
					channel.write(bytes);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		finally {
			DataBufferUtils.release(buffer);
		}
	}

	private static Mono<Void> close(FileChannel channel) {
		return Mono.<Void>fromRunnable(() -> {
			try {
				channel.close();
			}
			catch (IOException ex) {
				logger.debug("Could not close a download target", ex);
			}
		}).subscribeOn(Schedulers.boundedElastic());
	}

	private static Mono<Void> deleteQuietly(Path file) {
		return Mono.<Void>fromRunnable(() -> {
			try {
				Files.deleteIfExists(file);
			}
			catch (IOException ex) {
				logger.debug("Could not delete partial download " + file, ex);
			}
		}).subscribeOn(Schedulers.boundedElastic());
	}

	/**
	 * Read a small file into memory, at most {@value #DEFAULT_MAX_IN_MEMORY_SIZE} bytes.
	 * @param path the file path inside the sandbox
	 * @return the content
	 * @see #readBytes(String, int)
	 */
	public Mono<byte[]> readBytes(String path) {
		return readBytes(path, DEFAULT_MAX_IN_MEMORY_SIZE);
	}

	/**
	 * Read a small file into memory. A larger file fails with an
	 * {@link OpenSandboxException} as soon as the limit is passed, without reading the
	 * rest.
	 * @param path the file path inside the sandbox
	 * @param maxBytes the most bytes to hold in memory
	 * @return the content
	 */
	public Mono<byte[]> readBytes(String path, int maxBytes) {
		return join(path, maxBytes).map((buffer) -> {
			try {
				byte[] bytes = new byte[buffer.readableByteCount()];
				buffer.read(bytes);
				return bytes;
			}
			finally {
				DataBufferUtils.release(buffer);
			}
		}).defaultIfEmpty(new byte[0]);
	}

	/**
	 * Read a small UTF-8 text file into memory, at most
	 * {@value #DEFAULT_MAX_IN_MEMORY_SIZE} bytes.
	 * @param path the file path inside the sandbox
	 * @return the text
	 */
	public Mono<String> readText(String path) {
		return readText(path, StandardCharsets.UTF_8);
	}

	/**
	 * Read a small text file into memory, at most {@value #DEFAULT_MAX_IN_MEMORY_SIZE}
	 * bytes, decoding it with the given charset.
	 * @param path the file path inside the sandbox
	 * @param charset the file's charset
	 * @return the text
	 */
	public Mono<String> readText(String path, Charset charset) {
		Assert.notNull(charset, "'charset' must not be null");
		return join(path, DEFAULT_MAX_IN_MEMORY_SIZE).map((buffer) -> {
			try {
				return buffer.toString(charset);
			}
			finally {
				DataBufferUtils.release(buffer);
			}
		}).defaultIfEmpty("");
	}

	/**
	 * Read some lines of a UTF-8 text file ({@code GET /files/download?offset=&limit=}):
	 * execd selects them, so only those lines cross the network, at most
	 * {@value #DEFAULT_MAX_IN_MEMORY_SIZE} bytes of them. An execd too old to select
	 * lines answers with the whole file as {@code application/octet-stream}: that is an
	 * {@link OpenSandboxProtocolException}, never a silent success.
	 * @param path the file path inside the sandbox
	 * @param firstLine the first line, from 1
	 * @param maxLines how many lines at most, at least 1
	 * @return the lines, without their terminators; fewer at the end of the file
	 */
	public Mono<List<String>> readLines(String path, long firstLine, int maxLines) {
		String filePath = requirePath(path);
		Assert.isTrue(firstLine >= 1, () -> "First line must be at least 1, not " + firstLine);
		Assert.isTrue(maxLines >= 1, () -> "Max lines must be at least 1, not " + maxLines);
		String request = "GET " + this.baseUrl + "/files/download";
		return this.webClient.get()
			.uri("/files/download?path={path}&offset={offset}&limit={limit}", filePath, firstLine, maxLines)
			.accept(MediaType.TEXT_PLAIN)
			.retrieve()
			.onStatus(ErrorTranslator::isFailure, ErrorTranslator::translate)
			.toEntityFlux(DataBuffer.class)
			.flatMap((entity) -> {
				MediaType type = entity.getHeaders().getContentType();
				Flux<DataBuffer> body = checkedBody(entity, null, request);
				if (type == null || !MediaType.TEXT_PLAIN.isCompatibleWith(type)) {
					return body.doOnNext(DataBufferUtils::release)
						.then(Mono.error(new OpenSandboxProtocolException(request + ": asked for lines but the answer "
								+ "was " + type + ", not text/plain: this execd cannot read by lines", null)));
				}
				return DataBufferUtils.join(body, DEFAULT_MAX_IN_MEMORY_SIZE).map((buffer) -> {
					try {
						return lines(buffer.toString(StandardCharsets.UTF_8));
					}
					finally {
						DataBufferUtils.release(buffer);
					}
				}).defaultIfEmpty(List.of());
			})
			.onErrorMap(DataBufferLimitException.class,
					(ex) -> new OpenSandboxException(request + ": the lines are longer than "
							+ DEFAULT_MAX_IN_MEMORY_SIZE + " bytes; read fewer at a time", ex))
			.onErrorMap((failure) -> ErrorTranslator.translate(failure, request));
	}

	static List<String> lines(String text) {
		if (text.isEmpty()) {
			return List.of();
		}
		String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
		List<String> lines = new ArrayList<>();
		for (String line : body.split("\n", -1)) {
			lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
		}
		return lines;
	}

	private Mono<DataBuffer> join(String path, int maxBytes) {
		Assert.isTrue(maxBytes > 0, "The in-memory limit must be positive");
		Flux<DataBuffer> content = read(path);
		return DataBufferUtils.join(content, maxBytes)
			.onErrorMap(DataBufferLimitException.class,
					(ex) -> new OpenSandboxException("GET " + this.baseUrl + "/files/download: the file is larger than "
							+ maxBytes + " bytes; stream it with read(...) or download(...)", ex));
	}

	/*
	 * Send the download request and, once the response headers arrived with a success
	 * status, provide the body, checked against the announced length.
	 */
	private Mono<Flux<DataBuffer>> open(String path, long offset, @Nullable Long length) {
		String filePath = requirePath(path);
		Assert.isTrue(offset >= 0, () -> "Offset must not be negative, not " + offset);
		Assert.isTrue(length == null || (length > 0 && length <= Long.MAX_VALUE - offset),
				() -> "Length must be positive, not " + length);
		String range = (offset > 0 || length != null)
				? "bytes=" + offset + "-" + ((length != null) ? String.valueOf(offset + length - 1) : "") : null;
		String request = "GET " + this.baseUrl + "/files/download";
		return this.webClient.get()
			.uri("/files/download?path={path}", filePath)
			.accept(MediaType.APPLICATION_OCTET_STREAM, MediaType.ALL)
			.headers((headers) -> {
				if (range != null) {
					headers.set(HttpHeaders.RANGE, range);
				}
			})
			.retrieve()
			.onStatus(ErrorTranslator::isFailure, ErrorTranslator::translate)
			.toEntityFlux(DataBuffer.class)
			.map((entity) -> checkedBody(entity, range, request))
			.onErrorMap((failure) -> ErrorTranslator.translate(failure, request));
	}

	/*
	 * The body of a download, failing if it is shorter (or longer) than the {@code
	 * Content-Length} announced, or breaks off. A ranged request answered with the whole
	 * file fails rather than deliver bytes from the wrong offset.
	 */
	static Flux<DataBuffer> checkedBody(ResponseEntity<Flux<DataBuffer>> entity, @Nullable String range,
			String request) {
		Flux<DataBuffer> body = (entity.getBody() != null) ? entity.getBody() : Flux.empty();
		if (range != null && entity.getStatusCode().value() != 206) {
			return body.take(0)
				.thenMany(Flux
					.error(new OpenSandboxProtocolException(request + ": asked for " + range + " but the answer was "
							+ entity.getStatusCode().value() + ", not 206 Partial Content", null)));
		}
		HttpHeaders headers = entity.getHeaders();
		long announced = headers.getContentLength();
		String encoding = headers.getFirst(HttpHeaders.CONTENT_ENCODING);
		boolean verifiable = announced >= 0 && (encoding == null || "identity".equalsIgnoreCase(encoding.strip()));
		return Flux.defer(() -> {
			AtomicLong received = new AtomicLong();
			return body.doOnNext((buffer) -> received.addAndGet(buffer.readableByteCount()))
				.concatWith(Flux.defer(() -> (!verifiable || received.get() == announced) ? Flux.empty()
						: Flux.error(new OpenSandboxStreamException(request + ": the body ended after " + received.get()
								+ " of the " + announced + " bytes announced", null))))
				.onErrorMap((failure) -> brokenBody(failure, request, received.get()));
		});
	}

	private static Throwable brokenBody(Throwable failure, String request, long received) {
		return ErrorTranslator.translateStream(failure, request, "after " + received + " bytes", null);
	}

	/**
	 * Get the metadata of one file or directory ({@code GET /files/info}).
	 * @param path the path inside the sandbox
	 * @return the metadata
	 */
	public Mono<FileInfo> info(String path) {
		String filePath = requirePath(path);
		return info(List.of(filePath)).flatMap((infos) -> Mono.justOrEmpty(infos.get(filePath)))
			.switchIfEmpty(Mono.error(() -> new OpenSandboxProtocolException(
					"GET " + this.baseUrl + "/files/info: execd returned no metadata for the requested path", null)));
	}

	/**
	 * Get the metadata of several files or directories in one request
	 * ({@code GET /files/info}). One missing path fails the whole request with a
	 * {@link io.opensandbox.spring.error.SandboxFileNotFoundException}.
	 * @param paths the paths inside the sandbox
	 * @return the metadata by path, as execd keyed it
	 */
	public Mono<Map<String, FileInfo>> info(Collection<String> paths) {
		List<String> checked = requirePaths(paths);
		return call(HttpMethod.GET, "/files/info",
				this.webClient.get().uri("/files/info?path={path}", repeatedQuery("path", checked)).retrieve(),
				FILE_INFO_MAP)
			.map((json) -> {
				Map<String, FileInfo> infos = new LinkedHashMap<>();
				json.forEach((key, value) -> {
					if (value != null) {
						infos.put(key, value.toInfo(key));
					}
				});
				return Collections.unmodifiableMap(infos);
			})
			.defaultIfEmpty(Map.of());
	}

	/**
	 * Find files under a directory, recursively, whose names match a glob pattern
	 * ({@code GET /files/search}). Directories themselves are not listed.
	 * @param directory the directory to search
	 * @param pattern a glob such as {@code *.py}, or {@code null} for every file
	 * @return the matching files
	 */
	public Mono<List<FileInfo>> search(String directory, @Nullable String pattern) {
		String dir = requirePath(directory);
		Assert.isTrue(pattern == null || !pattern.isEmpty(), "Pattern must not be empty (use null for all files)");
		WebClient.RequestHeadersSpec<?> spec = (pattern != null)
				? this.webClient.get().uri("/files/search?path={path}&pattern={pattern}", dir, pattern)
				: this.webClient.get().uri("/files/search?path={path}", dir);
		return call(HttpMethod.GET, "/files/search", spec.retrieve(), FILE_INFO_LIST).map(ExecdFilesClient::toInfos)
			.defaultIfEmpty(List.of());
	}

	/**
	 * List the immediate entries of a directory ({@code GET /directories/list}).
	 * @param directory the directory
	 * @return its entries, files and directories alike, in lexical order
	 */
	public Mono<List<FileInfo>> list(String directory) {
		return list(directory, 1);
	}

	/**
	 * List the entries of a directory down to a depth ({@code GET /directories/list}).
	 * Symbolic links are reported, never followed.
	 * @param directory the directory (not a symbolic link to one)
	 * @param depth how many levels below the directory to include; {@code 1} for its
	 * immediate entries
	 * @return the entries, each directory's entries in lexical order after it
	 */
	public Mono<List<FileInfo>> list(String directory, int depth) {
		String dir = requirePath(directory);
		Assert.isTrue(depth >= 0, () -> "Depth must not be negative, not " + depth);
		return call(HttpMethod.GET, "/directories/list",
				this.webClient.get().uri("/directories/list?path={path}&depth={depth}", dir, depth).retrieve(),
				FILE_INFO_LIST)
			.map(ExecdFilesClient::toInfos)
			.defaultIfEmpty(List.of());
	}

	private static List<FileInfo> toInfos(List<FileInfoJson> json) {
		List<FileInfo> infos = new ArrayList<>(json.size());
		for (FileInfoJson item : json) {
			if (item != null) {
				infos.add(item.toInfo(null));
			}
		}
		return Collections.unmodifiableList(infos);
	}

	/**
	 * Create directories with their missing parents, like {@code mkdir -p}
	 * ({@code POST /directories}).
	 * @param directories the directories
	 * @param permission the permission of each, or {@code null} for mode {@code 755}
	 * @return completes when every directory exists
	 */
	public Mono<Void> mkdirs(Collection<String> directories, FileInfo.@Nullable Permission permission) {
		List<String> checked = requirePaths(directories);
		Map<String, FileInfo.Permission> request = new LinkedHashMap<>();
		checked.forEach((dir) -> request.put(dir, (permission != null) ? permission : DEFAULT_DIRECTORY_PERMISSION));
		return mkdirs(request);
	}

	/**
	 * Create directories with their missing parents, each with its own permission
	 * ({@code POST /directories}).
	 * @param directories the permission of each directory, by path
	 * @return completes when every directory exists
	 */
	public Mono<Void> mkdirs(Map<String, FileInfo.Permission> directories) {
		Map<String, Object> body = permissionBody(directories);
		return call(HttpMethod.POST, "/directories",
				this.webClient.post()
					.uri("/directories")
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(body)
					.retrieve(),
				Void.class);
	}

	/**
	 * Delete files, not directories ({@code DELETE /files}).
	 * @param files the file paths
	 * @return completes when the files are gone
	 * @see #deleteDirectories(Collection)
	 */
	public Mono<Void> delete(Collection<String> files) {
		List<String> checked = requirePaths(files);
		return call(HttpMethod.DELETE, "/files",
				this.webClient.delete().uri("/files?path={path}", repeatedQuery("path", checked)).retrieve(),
				Void.class);
	}

	/**
	 * Delete directories with everything in them, like {@code rm -rf}
	 * ({@code DELETE /directories}).
	 * @param directories the directory paths
	 * @return completes when the directories are gone
	 */
	public Mono<Void> deleteDirectories(Collection<String> directories) {
		List<String> checked = requirePaths(directories);
		return call(HttpMethod.DELETE, "/directories",
				this.webClient.delete().uri("/directories?path={path}", repeatedQuery("path", checked)).retrieve(),
				Void.class);
	}

	/**
	 * Move or rename a file ({@code POST /files/mv}). The target directory must exist.
	 * @param source the current path
	 * @param destination the new path
	 * @return completes when the file was moved
	 */
	public Mono<Void> move(String source, String destination) {
		Map<String, String> moves = new LinkedHashMap<>();
		moves.put(requirePath(source), requirePath(destination));
		return move(moves);
	}

	/**
	 * Move or rename several files in one request ({@code POST /files/mv}), in the
	 * iteration order of the map (use a {@link LinkedHashMap} when order matters).
	 * @param moves the new path of each file, by current path
	 * @return completes when every file was moved
	 */
	public Mono<Void> move(Map<String, String> moves) {
		Assert.notEmpty(moves, "At least one move is needed");
		List<Map<String, String>> body = new ArrayList<>(moves.size());
		moves.forEach((source, destination) -> body
			.add(Map.of("src", requirePath(source), "dest", requirePath(destination))));
		return call(HttpMethod.POST, "/files/mv",
				this.webClient.post()
					.uri("/files/mv")
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(body)
					.retrieve(),
				Void.class);
	}

	/**
	 * Change the mode, and optionally the owner and group, of files
	 * ({@code POST /files/permissions}).
	 * @param permissions the permission of each file, by path
	 * @return completes when every change was applied
	 */
	public Mono<Void> chmod(Map<String, FileInfo.Permission> permissions) {
		Map<String, Object> body = permissionBody(permissions);
		return call(HttpMethod.POST, "/files/permissions",
				this.webClient.post()
					.uri("/files/permissions")
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(body)
					.retrieve(),
				Void.class);
	}

	/**
	 * Replace text in files, every occurrence, keeping each file's permissions
	 * ({@code POST /files/replace?verbose=true}).
	 * @param replacements the replacement for each file, by path
	 * @return how many occurrences were replaced in each file, by path ({@code 0} when
	 * the text was not found); empty if execd does not report counts
	 */
	public Mono<Map<String, Integer>> replace(Map<String, Replacement> replacements) {
		Assert.notEmpty(replacements, "At least one replacement is needed");
		Map<String, Object> body = new LinkedHashMap<>();
		replacements.forEach((path, replacement) -> {
			Assert.notNull(replacement, "Replacements must not be null");
			body.put(requirePath(path), Map.of("old", replacement.oldText(), "new", replacement.newText()));
		});
		return call(HttpMethod.POST, "/files/replace",
				this.webClient.post()
					.uri("/files/replace?verbose=true")
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(body)
					.retrieve(),
				REPLACE_RESULTS)
			.map((json) -> {
				Map<String, Integer> counts = new LinkedHashMap<>();
				json.forEach((path, result) -> counts.put(path,
						(result != null && result.replacedCount() != null) ? result.replacedCount() : 0));
				return Collections.unmodifiableMap(counts);
			})
			.defaultIfEmpty(Map.of());
	}

	private static Map<String, Object> permissionBody(Map<String, FileInfo.Permission> permissions) {
		Assert.notEmpty(permissions, "At least one path is needed");
		Map<String, Object> body = new LinkedHashMap<>();
		permissions.forEach((path, permission) -> {
			Assert.notNull(permission, "Permissions must not be null");
			Map<String, Object> item = new LinkedHashMap<>();
			item.put("mode", permission.mode());
			putIfPresent(item, "owner", permission.owner());
			putIfPresent(item, "group", permission.group());
			body.put(requirePath(path), item);
		});
		return body;
	}

	private static void putIfPresent(Map<String, Object> map, String key, @Nullable Object value) {
		if (value != null) {
			map.put(key, value);
		}
	}

	/*
	 * Check a path inside the sandbox. Paths are only ever sent as encoded query
	 * parameters or JSON values, so any character but NUL is allowed.
	 */
	private static String requirePath(String path) {
		Assert.isTrue(path != null && !path.isBlank(), "File path must not be empty");
		Assert.isTrue(path.indexOf('\0') < 0, "File path must not contain a NUL character");
		return path;
	}

	private static List<String> requirePaths(Collection<String> paths) {
		Assert.notEmpty(paths, "At least one path is needed");
		List<String> checked = new ArrayList<>(paths.size());
		for (String path : paths) {
			checked.add(requirePath(path));
		}
		return checked;
	}

	/*
	 * Expand a query parameter once per value, each value a strictly encoded URI variable
	 * (so {@code &}, {@code +} and {@code /} in a path cannot change the query). The URI
	 * template recorded for observations stays the constant one given to {@code uri}.
	 */
	private static Function<UriBuilder, URI> repeatedQuery(String name, List<String> values) {
		return (builder) -> {
			Map<String, Object> variables = new LinkedHashMap<>();
			Object[] placeholders = new Object[values.size()];
			for (int i = 0; i < values.size(); i++) {
				variables.put(name + i, values.get(i));
				placeholders[i] = "{" + name + i + "}";
			}
			return builder.replaceQueryParam(name, placeholders).build(variables);
		};
	}

	private <T> Mono<T> call(HttpMethod method, String path, WebClient.ResponseSpec response, Class<T> type) {
		return ErrorTranslator.body(response, type, method + " " + this.baseUrl + path);
	}

	private <T> Mono<T> call(HttpMethod method, String path, WebClient.ResponseSpec response,
			ParameterizedTypeReference<T> type) {
		return ErrorTranslator.body(response, type, method + " " + this.baseUrl + path);
	}

	/**
	 * Spring's writer of a stream of {@link Part}s, with a boundary drawn beforehand.
	 */
	private static final class UploadWriter extends PartHttpMessageWriter {

		private final byte[] boundary;

		UploadWriter(byte[] boundary) {
			this.boundary = boundary;
		}

		@Override
		protected byte[] generateMultipartBoundary() {
			return this.boundary;
		}

	}

	/**
	 * One part of an upload, in the order it is written. Its content is produced anew for
	 * each subscription, so a local file or stream is opened only when the request is
	 * sent.
	 */
	private static final class UploadPart implements FilePart {

		private final String name;

		private final String filename;

		private final HttpHeaders headers;

		private final Supplier<Flux<DataBuffer>> content;

		UploadPart(String name, String filename, MediaType contentType, Supplier<Flux<DataBuffer>> content) {
			this.name = name;
			this.filename = filename;
			this.content = content;
			this.headers = new HttpHeaders();
			this.headers.setContentDisposition(ContentDisposition.formData().name(name).filename(filename).build());
			this.headers.setContentType(contentType);
		}

		@Override
		public String name() {
			return this.name;
		}

		@Override
		public String filename() {
			return this.filename;
		}

		@Override
		public HttpHeaders headers() {
			return this.headers;
		}

		@Override
		public Flux<DataBuffer> content() {
			return Flux.defer(this.content);
		}

		@Override
		public Mono<Void> transferTo(Path dest) {
			return DataBufferUtils.write(content(), dest);
		}

	}

	/*
	 * execd's file metadata as JSON. Older execd versions send no {@code type}, and may
	 * omit {@code path} where the response is keyed by path.
	 */
	record FileInfoJson(@Nullable String path, @Nullable String type, @Nullable Long size, @Nullable String modified_at,
			@Nullable String created_at, @Nullable String owner, @Nullable String group, @Nullable Integer mode) {

		FileInfo toInfo(@Nullable String fallbackPath) {
			String path = (this.path != null && !this.path.isEmpty()) ? this.path : fallbackPath;
			return new FileInfo(LifecycleWire.require(path, "path"),
					(this.type != null && !this.type.isBlank()) ? FileInfo.Type.fromWireValue(this.type) : null,
					(this.size != null) ? this.size : 0, Timestamps.parse(this.modified_at, "modified_at"),
					Timestamps.parse(this.created_at, "created_at"), emptyToNull(this.owner), emptyToNull(this.group),
					(this.mode != null) ? this.mode : 0);
		}

		private static @Nullable String emptyToNull(@Nullable String value) {
			return (value != null && !value.isEmpty()) ? value : null;
		}

	}

	/*
	 * The result of a replacement in one file.
	 */
	record ReplaceResultJson(@Nullable Integer replacedCount) {
	}

}
