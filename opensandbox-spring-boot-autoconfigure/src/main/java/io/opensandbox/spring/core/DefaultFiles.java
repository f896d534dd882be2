package io.opensandbox.spring.core;

import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.springframework.core.io.buffer.DataBufferUtils;

import io.opensandbox.spring.model.FileInfo;
import io.opensandbox.spring.model.FileUpload;
import io.opensandbox.spring.model.Replacement;

/**
 * {@link Files} that block on a {@link ReactiveFiles}.
 *
 * @author OpenSandbox Spring Boot
 */
final class DefaultFiles implements Files {

	/** How many buffers a blocking read asks for ahead of the reader. */
	private static final int READ_AHEAD = 4;

	private final ReactiveFiles reactive;

	DefaultFiles(ReactiveFiles reactive) {
		this.reactive = reactive;
	}

	@Override
	public void write(String path, String text) {
		Blocking.run(this.reactive.write(path, text));
	}

	@Override
	public void write(String path, byte[] content) {
		Blocking.run(this.reactive.write(path, content));
	}

	@Override
	public void write(List<FileUpload> files) {
		Blocking.run(this.reactive.write(files));
	}

	@Override
	public InputStream read(String path) {
		return DataBufferUtils.subscriberInputStream(this.reactive.read(path), READ_AHEAD);
	}

	@Override
	public InputStream read(String path, long offset, long length) {
		return DataBufferUtils.subscriberInputStream(this.reactive.read(path, offset, length), READ_AHEAD);
	}

	@Override
	public long download(String path, Path target) {
		return Blocking.get(this.reactive.download(path, target));
	}

	@Override
	public byte[] readBytes(String path) {
		return Blocking.get(this.reactive.readBytes(path));
	}

	@Override
	public String readText(String path) {
		return Blocking.get(this.reactive.readText(path));
	}

	@Override
	public String readText(String path, Charset charset) {
		return Blocking.get(this.reactive.readText(path, charset));
	}

	@Override
	public List<String> readLines(String path, long firstLine, int maxLines) {
		return Blocking.get(this.reactive.readLines(path, firstLine, maxLines));
	}

	@Override
	public FileInfo info(String path) {
		return Blocking.get(this.reactive.info(path));
	}

	@Override
	public Map<String, FileInfo> info(Collection<String> paths) {
		return Blocking.get(this.reactive.info(paths));
	}

	@Override
	public List<FileInfo> search(String directory, String pattern) {
		return Blocking.get(this.reactive.search(directory, pattern));
	}

	@Override
	public List<FileInfo> list(String directory) {
		return Blocking.get(this.reactive.list(directory));
	}

	@Override
	public List<FileInfo> list(String directory, int depth) {
		return Blocking.get(this.reactive.list(directory, depth));
	}

	@Override
	public void mkdirs(Collection<String> directories) {
		Blocking.run(this.reactive.mkdirs(directories));
	}

	@Override
	public void mkdirs(Map<String, FileInfo.Permission> directories) {
		Blocking.run(this.reactive.mkdirs(directories));
	}

	@Override
	public void delete(Collection<String> files) {
		Blocking.run(this.reactive.delete(files));
	}

	@Override
	public void deleteDirectories(Collection<String> directories) {
		Blocking.run(this.reactive.deleteDirectories(directories));
	}

	@Override
	public void move(String source, String destination) {
		Blocking.run(this.reactive.move(source, destination));
	}

	@Override
	public void move(Map<String, String> moves) {
		Blocking.run(this.reactive.move(moves));
	}

	@Override
	public void chmod(Map<String, FileInfo.Permission> permissions) {
		Blocking.run(this.reactive.chmod(permissions));
	}

	@Override
	public Map<String, Integer> replace(Map<String, Replacement> replacements) {
		return Blocking.get(this.reactive.replace(replacements));
	}

	@Override
	public ReactiveFiles reactive() {
		return this.reactive;
	}

}
