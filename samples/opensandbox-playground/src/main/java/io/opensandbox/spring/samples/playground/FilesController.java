package io.opensandbox.spring.samples.playground;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.opensandbox.spring.core.ReactiveSandbox;
import io.opensandbox.spring.error.SandboxFileNotFoundException;
import io.opensandbox.spring.model.FileInfo;
import io.opensandbox.spring.model.FileUpload;

/**
 * Upload a file into the session's sandbox and download one back, both streamed. An
 * upload is the raw request body ({@code PUT /api/files?path=...}), so no multipart
 * parsing holds it in memory; it is spooled to a temporary file, counted against
 * {@code playground.max-upload-size} on the way, and then streamed to the sandbox. A
 * download streams the sandbox's file to the browser as it arrives.
 *
 * @author OpenSandbox Spring Boot
 */
@RestController
@RequestMapping("/api/files")
public class FilesController {

	private final SessionSandboxes sandboxes;

	private final PlaygroundProperties properties;

	public FilesController(SessionSandboxes sandboxes, PlaygroundProperties properties) {
		this.sandboxes = sandboxes;
		this.properties = properties;
	}

	/**
	 * Store the request body as a file in the session's sandbox (creating the sandbox if
	 * the session has none yet).
	 * @param path where to store it: an absolute path, or a name relative to the working
	 * directory
	 * @param request the request, whose body is the file
	 * @param session the browser session
	 * @return the stored file's path and size; {@code 413} when it is larger than the
	 * limit
	 */
	@PutMapping
	public Mono<Map<String, Object>> upload(@RequestParam(required = false) @Nullable String path,
			ServerHttpRequest request, WebSession session) {
		session.start();
		String target = resolve(path);
		long limit = this.properties.getMaxUploadSize().toBytes();
		long declared = request.getHeaders().getContentLength();
		if (declared > limit) {
			throw tooLarge(declared + " bytes (" + Sizes.format(declared) + ")", limit);
		}
		return Mono.usingWhen(
				createTemporaryFile(), (
						spool) -> DataBufferUtils.write(limited(request.getBody(), limit), spool)
							.then(Mono.fromCallable(() -> Files.size(spool)).subscribeOn(Schedulers.boundedElastic()))
							.flatMap((size) -> this.sandboxes.sandbox(session.getId())
								.flatMap((sandbox) -> store(sandbox, target, spool, size))),
				FilesController::deleteQuietly);
	}

	private Mono<Map<String, Object>> store(ReactiveSandbox sandbox, String target, Path spool, long size) {
		return sandbox.files().write(List.of(FileUpload.of(target, spool))).then(Mono.fromSupplier(() -> {
			Map<String, Object> stored = new LinkedHashMap<>();
			stored.put("path", target);
			stored.put("size", size);
			stored.put("sandboxId", sandbox.id());
			return stored;
		}));
	}

	/**
	 * Stream a file from the session's sandbox as an attachment.
	 * @param path the file: an absolute path, or a name relative to the working directory
	 * @param session the browser session
	 * @return the file; {@code 404} when the session has no sandbox or the file does not
	 * exist, {@code 400} for a directory
	 */
	@GetMapping
	public Mono<ResponseEntity<Flux<DataBuffer>>> download(@RequestParam(required = false) @Nullable String path,
			WebSession session) {
		String target = resolve(path);
		return this.sandboxes.existingSandbox(session.getId())
			.switchIfEmpty(Mono.error(() -> new PlaygroundInputException(HttpStatus.NOT_FOUND,
					"Your session has no sandbox yet: run a command or upload a file first")))
			.flatMap((sandbox) -> sandbox.files()
				.info(List.of(target))
				.onErrorMap(SandboxFileNotFoundException.class, (ex) -> notFound(target))
				.flatMap((infos) -> {
					FileInfo info = infos.containsKey(target) ? infos.get(target)
							: infos.values().stream().findFirst().orElse(null);
					if (info == null) {
						return Mono.error(notFound(target));
					}
					if (info.isDirectory()) {
						return Mono.error(PlaygroundInputException
							.badRequest(target + " is a directory; only files can be downloaded"));
					}
					String name = StringUtils.getFilename(target);
					return Mono.just(ResponseEntity.ok()
						.contentType(MediaType.APPLICATION_OCTET_STREAM)
						.contentLength(info.size())
						.header(HttpHeaders.CONTENT_DISPOSITION,
								ContentDisposition.attachment()
									.filename(StringUtils.hasText(name) ? name : "download", StandardCharsets.UTF_8)
									.build()
									.toString())
						.body(sandbox.files().read(target)));
				}));
	}

	private static PlaygroundInputException notFound(String target) {
		return new PlaygroundInputException(HttpStatus.NOT_FOUND, "There is no file " + target + " in your sandbox");
	}

	/*
	 * An absolute path inside the sandbox: relative names are taken from the working
	 * directory.
	 */
	private String resolve(@Nullable String path) {
		if (!StringUtils.hasText(path)) {
			throw PlaygroundInputException.badRequest("The file path is empty: give a path such as /tmp/data.csv");
		}
		String trimmed = path.strip();
		if (trimmed.indexOf('\0') >= 0) {
			throw PlaygroundInputException.badRequest("The file path must not contain a NUL character");
		}
		if (trimmed.startsWith("/")) {
			return trimmed;
		}
		String directory = this.properties.getWorkingDirectory();
		return directory.endsWith("/") ? directory + trimmed : directory + "/" + trimmed;
	}

	/*
	 * The body, failing as soon as more than the limit arrived (the declared length may
	 * be missing, with a chunked body, or wrong).
	 */
	private static Flux<DataBuffer> limited(Flux<DataBuffer> body, long limit) {
		return Flux.defer(() -> {
			AtomicLong received = new AtomicLong();
			return body.handle((buffer, sink) -> {
				if (received.addAndGet(buffer.readableByteCount()) > limit) {
					DataBufferUtils.release(buffer);
					sink.error(tooLarge("larger than that", limit));
				}
				else {
					sink.next(buffer);
				}
			});
		});
	}

	private static PlaygroundInputException tooLarge(String size, long limit) {
		return new PlaygroundInputException(HttpStatus.CONTENT_TOO_LARGE, "The file is " + size
				+ "; uploads are limited to " + Sizes.format(limit) + " (playground.max-upload-size)");
	}

	private static Mono<Path> createTemporaryFile() {
		return Mono.fromCallable(() -> Files.createTempFile("opensandbox-playground-", ".upload"))
			.subscribeOn(Schedulers.boundedElastic());
	}

	private static Mono<Void> deleteQuietly(Path file) {
		return Mono.<Void>fromRunnable(() -> {
			try {
				Files.deleteIfExists(file);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}).subscribeOn(Schedulers.boundedElastic()).onErrorResume((ex) -> Mono.empty());
	}

}
