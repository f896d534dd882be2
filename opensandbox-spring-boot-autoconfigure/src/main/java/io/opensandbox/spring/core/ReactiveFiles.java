package io.opensandbox.spring.core;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.model.FileInfo;
import io.opensandbox.spring.model.FileUpload;
import io.opensandbox.spring.model.Replacement;

/**
 * Files and directories in a sandbox, reactively. Uploads and downloads stream, so their
 * memory does not grow with the file. {@link Files} is the blocking twin, with the same
 * methods. Paths are absolute paths inside the sandbox.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public interface ReactiveFiles {

	/**
	 * Write a text file (UTF-8), creating its parent directories.
	 * @param path the file path
	 * @param text the content
	 * @return completes when done
	 */
	Mono<Void> write(String path, String text);

	/**
	 * Write a file, creating its parent directories.
	 * @param path the file path
	 * @param content the content
	 * @return completes when done
	 */
	Mono<Void> write(String path, byte[] content);

	/**
	 * Write files in one request, streamed from where they are (memory, a local file, a
	 * {@code Resource}); a partial upload is an error, never a success.
	 * @param files the files, with their modes and owners
	 * @return completes when done
	 */
	Mono<Void> write(List<FileUpload> files);

	/**
	 * Read a file as it streams in. Reactively, the caller releases the buffers;
	 * blocking, the caller closes the stream.
	 * @param path the file path
	 * @return the content
	 */
	Flux<DataBuffer> read(String path);

	/**
	 * Read part of a file as it streams in.
	 * @param path the file path
	 * @param offset the first byte, from 0
	 * @param length how many bytes at most, at least 1
	 * @return the content
	 */
	Flux<DataBuffer> read(String path, long offset, long length);

	/**
	 * Download a file to a local path with constant memory; a failed download leaves no
	 * partial file.
	 * @param path the file path
	 * @param target the local file
	 * @return the number of bytes written
	 */
	Mono<Long> download(String path, Path target);

	/**
	 * Read a small file into memory.
	 * @param path the file path
	 * @return the content
	 */
	Mono<byte[]> readBytes(String path);

	/**
	 * Read a small UTF-8 text file into memory.
	 * @param path the file path
	 * @return the content
	 */
	Mono<String> readText(String path);

	/**
	 * Read a small text file into memory.
	 * @param path the file path
	 * @param charset the file's charset
	 * @return the content
	 */
	Mono<String> readText(String path, Charset charset);

	/**
	 * Read some lines of a UTF-8 text file: execd selects them, so a large file can be
	 * paged through without reading it whole.
	 * @param path the file path
	 * @param firstLine the first line, from 1
	 * @param maxLines how many lines at most, at least 1
	 * @return the lines, without terminators; fewer (or none) past the end of the file
	 */
	Mono<List<String>> readLines(String path, long firstLine, int maxLines);

	/**
	 * Information on a file; a missing file is a
	 * {@link io.opensandbox.spring.error.SandboxFileNotFoundException}.
	 * @param path the path
	 * @return the information
	 */
	Mono<FileInfo> info(String path);

	/**
	 * Information on files.
	 * @param paths the paths
	 * @return the information by path
	 */
	Mono<Map<String, FileInfo>> info(Collection<String> paths);

	/**
	 * Find files whose name matches a glob pattern, under a directory and its
	 * subdirectories.
	 * @param directory the directory
	 * @param pattern the pattern, for example {@code *.py}; {@code *} for every file
	 * @return the entries
	 */
	Mono<List<FileInfo>> search(String directory, String pattern);

	/**
	 * List a directory's immediate entries.
	 * @param directory the directory
	 * @return the entries
	 */
	Mono<List<FileInfo>> list(String directory);

	/**
	 * List a directory to a depth.
	 * @param directory the directory
	 * @param depth how many levels, 1 for the immediate entries
	 * @return the entries
	 */
	Mono<List<FileInfo>> list(String directory, int depth);

	/**
	 * Create directories with their parents.
	 * @param directories the directories
	 * @return completes when done
	 */
	Mono<Void> mkdirs(Collection<String> directories);

	/**
	 * Create directories with their parents, each with its mode and owner.
	 * @param directories the permission of each directory, by path
	 * @return completes when done
	 */
	Mono<Void> mkdirs(Map<String, FileInfo.Permission> directories);

	/**
	 * Delete files.
	 * @param files the files
	 * @return completes when done
	 */
	Mono<Void> delete(Collection<String> files);

	/**
	 * Delete directories with everything in them.
	 * @param directories the directories
	 * @return completes when done
	 */
	Mono<Void> deleteDirectories(Collection<String> directories);

	/**
	 * Move or rename a file or directory.
	 * @param source the current path
	 * @param destination the new path
	 * @return completes when done
	 */
	Mono<Void> move(String source, String destination);

	/**
	 * Move or rename several files or directories in one request.
	 * @param moves the new path of each, by current path
	 * @return completes when done
	 */
	Mono<Void> move(Map<String, String> moves);

	/**
	 * Change modes and owners.
	 * @param permissions the permission of each path
	 * @return completes when done
	 */
	Mono<Void> chmod(Map<String, FileInfo.Permission> permissions);

	/**
	 * Replace text in files.
	 * @param replacements the replacement in each file, by path
	 * @return the number of replacements by path
	 */
	Mono<Map<String, Integer>> replace(Map<String, Replacement> replacements);

}
