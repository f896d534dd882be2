package io.opensandbox.spring.core;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

import org.springframework.core.io.InputStreamSource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.buffer.DataBuffer;

import io.opensandbox.spring.model.FileInfo;
import io.opensandbox.spring.model.FilePermission;
import io.opensandbox.spring.model.FileUpload;
import io.opensandbox.spring.model.Replacement;

/**
 * Files and directories in a sandbox. Writes and downloads stream their content, so large
 * files never sit in memory whole.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class Files {

	private final ReactiveFiles reactive;

	Files(ReactiveFiles reactive) {
		this.reactive = reactive;
	}

	/**
	 * Write a text file (UTF-8).
	 * @param path the path inside the sandbox
	 * @param text the content
	 */
	public void write(String path, String text) {
		write(List.of(FileUpload.of(path, text)));
	}

	/**
	 * Write a file.
	 * @param path the path inside the sandbox
	 * @param content the content
	 */
	public void write(String path, byte[] content) {
		write(List.of(FileUpload.of(path, content)));
	}

	/**
	 * Upload a local file, streaming it.
	 * @param path the path inside the sandbox
	 * @param source the local file
	 */
	public void write(String path, Path source) {
		write(List.of(FileUpload.of(path, source)));
	}

	/**
	 * Upload a resource, streaming it.
	 * @param path the path inside the sandbox
	 * @param source the resource
	 */
	public void write(String path, Resource source) {
		write(List.of(FileUpload.of(path, source)));
	}

	/**
	 * Upload the content of a stream, which is opened when the request is sent.
	 * @param path the path inside the sandbox
	 * @param source opens the stream, for example {@code () -> new FileInputStream(f)}
	 */
	public void write(String path, InputStreamSource source) {
		write(List.of(FileUpload.of(path, source)));
	}

	/**
	 * Write several files in one request.
	 * @param files the files, with optional owner, group and mode
	 */
	public void write(List<FileUpload> files) {
		Blocking.run(this.reactive.write(files));
	}

	/**
	 * Read a small UTF-8 text file.
	 * @param path the path inside the sandbox
	 * @return the text
	 */
	public String readText(String path) {
		return Blocking.get(this.reactive.readText(path));
	}

	/**
	 * Read a small file.
	 * @param path the path inside the sandbox
	 * @return the content
	 */
	public byte[] readBytes(String path) {
		return Blocking.get(this.reactive.readBytes(path));
	}

	/**
	 * Download a file to a local path, streaming it to disk. A failed download leaves no
	 * partial file behind.
	 * @param path the path inside the sandbox
	 * @param target the local file
	 * @return the number of bytes written
	 */
	public long download(String path, Path target) {
		return Blocking.get(this.reactive.download(path, target));
	}

	/**
	 * Stream a file (or part of it) as buffers, which the caller must release.
	 * @param path the path inside the sandbox
	 * @param offset the first byte, from 0
	 * @param length how many bytes at most, or {@code null} for the rest
	 * @return the content
	 */
	public Flux<DataBuffer> read(String path, long offset, @Nullable Long length) {
		return this.reactive.read(path, offset, length);
	}

	/**
	 * Information on one file.
	 * @param path the path inside the sandbox
	 * @return the information
	 */
	public FileInfo info(String path) {
		Map<String, FileInfo> info = info(List.of(path));
		FileInfo result = info.get(path);
		return (result != null) ? result : info.values().iterator().next();
	}

	/**
	 * Information on files.
	 * @param paths the paths
	 * @return the information by path
	 */
	public Map<String, FileInfo> info(Collection<String> paths) {
		return Blocking.get(this.reactive.info(paths));
	}

	/**
	 * Find files matching a glob pattern under a directory.
	 * @param directory the directory
	 * @param pattern the pattern, for example {@code **}{@code /*.py}, or {@code null}
	 * @return the files
	 */
	public List<FileInfo> search(String directory, @Nullable String pattern) {
		return Blocking.get(this.reactive.search(directory, pattern));
	}

	/**
	 * List the immediate children of a directory.
	 * @param directory the directory
	 * @return the entries
	 */
	public List<FileInfo> list(String directory) {
		return list(directory, 1);
	}

	/**
	 * List a directory to the given depth.
	 * @param directory the directory
	 * @param depth how many levels
	 * @return the entries
	 */
	public List<FileInfo> list(String directory, int depth) {
		return Blocking.get(this.reactive.list(directory, depth));
	}

	/**
	 * Create directories with their parents.
	 * @param directories the directories
	 */
	public void mkdirs(String... directories) {
		Blocking.run(this.reactive.mkdirs(List.of(directories), null));
	}

	/**
	 * Delete files.
	 * @param files the files
	 */
	public void delete(String... files) {
		Blocking.run(this.reactive.delete(List.of(files)));
	}

	/**
	 * Delete directories with everything in them.
	 * @param directories the directories
	 */
	public void deleteDirectories(String... directories) {
		Blocking.run(this.reactive.deleteDirectories(List.of(directories)));
	}

	/**
	 * Move or rename a file.
	 * @param source the current path
	 * @param destination the new path
	 */
	public void move(String source, String destination) {
		Blocking.run(this.reactive.move(source, destination));
	}

	/**
	 * Change permissions.
	 * @param permissions the permission by path
	 */
	public void chmod(Map<String, FilePermission> permissions) {
		Blocking.run(this.reactive.chmod(permissions));
	}

	/**
	 * Replace text in files.
	 * @param replacements the replacement by path
	 * @return the number of replacements by path
	 */
	public Map<String, Integer> replace(Map<String, Replacement> replacements) {
		return Blocking.get(this.reactive.replace(replacements));
	}

	/**
	 * The reactive twin of this API.
	 * @return the reactive files
	 */
	public ReactiveFiles reactive() {
		return this.reactive;
	}

}
