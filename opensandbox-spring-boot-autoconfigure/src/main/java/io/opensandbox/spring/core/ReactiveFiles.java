package io.opensandbox.spring.core;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;

import io.opensandbox.spring.client.ExecdFilesClient;
import io.opensandbox.spring.model.FileInfo;
import io.opensandbox.spring.model.FilePermission;
import io.opensandbox.spring.model.FileUpload;
import io.opensandbox.spring.model.Replacement;

/**
 * Files and directories in a sandbox, reactively. Uploads and downloads stream; nothing
 * large is held in memory. See {@link ExecdFilesClient} for the details of each call.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class ReactiveFiles {

	private final ReactiveSandbox sandbox;

	ReactiveFiles(ReactiveSandbox sandbox) {
		this.sandbox = sandbox;
	}

	/**
	 * Write files in one request.
	 * @param files the files
	 * @return completes when every file is stored
	 */
	public Mono<Void> write(List<FileUpload> files) {
		Arguments.notEmpty(files, "file");
		return with((client) -> client.write(files));
	}

	/**
	 * Read a file as buffers, which the caller must release.
	 * @param path the file path
	 * @return the content
	 */
	public Flux<DataBuffer> read(String path) {
		Arguments.text(path, "Path");
		return this.sandbox.filesClient().flatMapMany((client) -> client.read(path));
	}

	/**
	 * Read part of a file as buffers, which the caller must release.
	 * @param path the file path
	 * @param offset the first byte, from 0
	 * @param length how many bytes at most, or {@code null} for the rest
	 * @return the content of the range
	 */
	public Flux<DataBuffer> read(String path, long offset, @Nullable Long length) {
		Arguments.text(path, "Path");
		return this.sandbox.filesClient().flatMapMany((client) -> client.read(path, offset, length));
	}

	/**
	 * Download a file to a local path; a failed download leaves no partial file.
	 * @param path the file path
	 * @param target the local file
	 * @return the number of bytes written
	 */
	public Mono<Long> download(String path, Path target) {
		Arguments.text(path, "Path");
		Arguments.notNull(target, "Target");
		return with((client) -> client.download(path, target));
	}

	/**
	 * Read a small file into memory.
	 * @param path the file path
	 * @return the content
	 */
	public Mono<byte[]> readBytes(String path) {
		Arguments.text(path, "Path");
		return with((client) -> client.readBytes(path));
	}

	/**
	 * Read a small UTF-8 text file into memory.
	 * @param path the file path
	 * @return the text
	 */
	public Mono<String> readText(String path) {
		Arguments.text(path, "Path");
		return with((client) -> client.readText(path));
	}

	/**
	 * Information on files.
	 * @param paths the paths
	 * @return the information by path
	 */
	public Mono<Map<String, FileInfo>> info(Collection<String> paths) {
		Arguments.paths(paths);
		return with((client) -> client.info(paths));
	}

	/**
	 * Find files matching a glob pattern under a directory.
	 * @param directory the directory
	 * @param pattern the pattern, or {@code null} for all files
	 * @return the files
	 */
	public Mono<List<FileInfo>> search(String directory, @Nullable String pattern) {
		Arguments.text(directory, "Directory");
		return with((client) -> client.search(directory, pattern));
	}

	/**
	 * List a directory.
	 * @param directory the directory
	 * @param depth how many levels, 1 for the immediate children
	 * @return the entries
	 */
	public Mono<List<FileInfo>> list(String directory, int depth) {
		Arguments.text(directory, "Directory");
		return with((client) -> client.list(directory, depth));
	}

	/**
	 * Create directories with their parents.
	 * @param directories the directories
	 * @param permission their permission, or {@code null} for the default
	 * @return completes when created
	 */
	public Mono<Void> mkdirs(Collection<String> directories, @Nullable FilePermission permission) {
		Arguments.paths(directories);
		return with((client) -> client.mkdirs(directories, permission));
	}

	/**
	 * Delete files.
	 * @param files the files
	 * @return completes when deleted
	 */
	public Mono<Void> delete(Collection<String> files) {
		Arguments.paths(files);
		return with((client) -> client.delete(files));
	}

	/**
	 * Delete directories with everything in them.
	 * @param directories the directories
	 * @return completes when deleted
	 */
	public Mono<Void> deleteDirectories(Collection<String> directories) {
		Arguments.paths(directories);
		return with((client) -> client.deleteDirectories(directories));
	}

	/**
	 * Move or rename a file.
	 * @param source the current path
	 * @param destination the new path
	 * @return completes when moved
	 */
	public Mono<Void> move(String source, String destination) {
		Arguments.text(source, "Source");
		Arguments.text(destination, "Destination");
		return with((client) -> client.move(source, destination));
	}

	/**
	 * Change permissions.
	 * @param permissions the permission by path
	 * @return completes when changed
	 */
	public Mono<Void> chmod(Map<String, FilePermission> permissions) {
		Arguments.paths(permissions.keySet());
		return with((client) -> client.chmod(permissions));
	}

	/**
	 * Replace text in files.
	 * @param replacements the replacement by path
	 * @return the number of replacements by path
	 */
	public Mono<Map<String, Integer>> replace(Map<String, Replacement> replacements) {
		Arguments.paths(replacements.keySet());
		return with((client) -> client.replace(replacements));
	}

	private <T> Mono<T> with(Function<ExecdFilesClient, Mono<T>> call) {
		return this.sandbox.filesClient().flatMap(call);
	}

}
