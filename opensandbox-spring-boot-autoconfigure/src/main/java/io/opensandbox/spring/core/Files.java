package io.opensandbox.spring.core;

import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import io.opensandbox.spring.model.FileInfo;
import io.opensandbox.spring.model.FileUpload;
import io.opensandbox.spring.model.Replacement;

/**
 * Files and directories in a sandbox; calls block the calling thread. The methods are
 * those of {@link ReactiveFiles}.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public interface Files {

	/**
	 * Write a text file (UTF-8), creating its parent directories.
	 * @param path the file path
	 * @param text the content
	 */
	void write(String path, String text);

	/**
	 * Write a file, creating its parent directories.
	 * @param path the file path
	 * @param content the content
	 */
	void write(String path, byte[] content);

	/**
	 * Write files in one request, streamed from where they are (memory, a local file, a
	 * {@code Resource}); a partial upload is an error, never a success.
	 * @param files the files, with their modes and owners
	 */
	void write(List<FileUpload> files);

	/**
	 * Read a file as it streams in. Reactively, the caller releases the buffers;
	 * blocking, the caller closes the stream.
	 * @param path the file path
	 * @return the content, to be closed
	 */
	InputStream read(String path);

	/**
	 * Read part of a file as it streams in.
	 * @param path the file path
	 * @param offset the first byte, from 0
	 * @param length how many bytes at most, at least 1
	 * @return the content, to be closed
	 */
	InputStream read(String path, long offset, long length);

	/**
	 * Download a file to a local path with constant memory; a failed download leaves no
	 * partial file.
	 * @param path the file path
	 * @param target the local file
	 * @return the number of bytes written
	 */
	long download(String path, Path target);

	/**
	 * Read a small file into memory.
	 * @param path the file path
	 * @return the content
	 */
	byte[] readBytes(String path);

	/**
	 * Read a small UTF-8 text file into memory.
	 * @param path the file path
	 * @return the content
	 */
	String readText(String path);

	/**
	 * Read a small text file into memory.
	 * @param path the file path
	 * @param charset the file's charset
	 * @return the content
	 */
	String readText(String path, Charset charset);

	/**
	 * Read some lines of a UTF-8 text file: execd selects them, so a large file can be
	 * paged through without reading it whole.
	 * @param path the file path
	 * @param firstLine the first line, from 1
	 * @param maxLines how many lines at most, at least 1
	 * @return the lines, without terminators; fewer (or none) past the end of the file
	 */
	List<String> readLines(String path, long firstLine, int maxLines);

	/**
	 * Information on a file; a missing file is a
	 * {@link io.opensandbox.spring.error.SandboxFileNotFoundException}.
	 * @param path the path
	 * @return the information
	 */
	FileInfo info(String path);

	/**
	 * Information on files.
	 * @param paths the paths
	 * @return the information by path
	 */
	Map<String, FileInfo> info(Collection<String> paths);

	/**
	 * Find files whose name matches a glob pattern, under a directory and its
	 * subdirectories.
	 * @param directory the directory
	 * @param pattern the pattern, for example {@code *.py}; {@code *} for every file
	 * @return the entries
	 */
	List<FileInfo> search(String directory, String pattern);

	/**
	 * List a directory's immediate entries.
	 * @param directory the directory
	 * @return the entries
	 */
	List<FileInfo> list(String directory);

	/**
	 * List a directory to a depth.
	 * @param directory the directory
	 * @param depth how many levels, 1 for the immediate entries
	 * @return the entries
	 */
	List<FileInfo> list(String directory, int depth);

	/**
	 * Create directories with their parents.
	 * @param directories the directories
	 */
	void mkdirs(Collection<String> directories);

	/**
	 * Create directories with their parents, each with its mode and owner.
	 * @param directories the permission of each directory, by path
	 */
	void mkdirs(Map<String, FileInfo.Permission> directories);

	/**
	 * Delete files.
	 * @param files the files
	 */
	void delete(Collection<String> files);

	/**
	 * Delete directories with everything in them.
	 * @param directories the directories
	 */
	void deleteDirectories(Collection<String> directories);

	/**
	 * Move or rename a file or directory.
	 * @param source the current path
	 * @param destination the new path
	 */
	void move(String source, String destination);

	/**
	 * Move or rename several files or directories in one request.
	 * @param moves the new path of each, by current path
	 */
	void move(Map<String, String> moves);

	/**
	 * Change modes and owners.
	 * @param permissions the permission of each path
	 */
	void chmod(Map<String, FileInfo.Permission> permissions);

	/**
	 * Replace text in files.
	 * @param replacements the replacement in each file, by path
	 * @return the number of replacements by path
	 */
	Map<String, Integer> replace(Map<String, Replacement> replacements);

	/**
	 * The reactive twin.
	 * @return the reactive files
	 */
	ReactiveFiles reactive();

}
