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
 * The {@link ReactiveFiles} of a {@link DefaultReactiveSandbox}.
 *
 * @author OpenSandbox Spring Boot
 */
final class DefaultReactiveFiles implements ReactiveFiles {

	private final DefaultReactiveSandbox sandbox;

	DefaultReactiveFiles(DefaultReactiveSandbox sandbox) {
		this.sandbox = sandbox;
	}

	@Override
	public Mono<Void> write(String path, String text) {
		Arguments.text(path, "Path");
		Arguments.notNull(text, "Text");
		return this.sandbox.withFiles((client) -> client.write(FileUpload.of(path, text)));
	}

	@Override
	public Mono<Void> write(String path, byte[] content) {
		Arguments.text(path, "Path");
		Arguments.notNull(content, "Content");
		return this.sandbox.withFiles((client) -> client.write(FileUpload.of(path, content)));
	}

	@Override
	public Mono<Void> write(List<FileUpload> files) {
		Arguments.notEmpty(files, "file");
		return this.sandbox.withFiles((client) -> client.write(files));
	}

	@Override
	public Flux<DataBuffer> read(String path) {
		Arguments.text(path, "Path");
		return this.sandbox.filesClient().flatMapMany((client) -> client.read(path));
	}

	@Override
	public Flux<DataBuffer> read(String path, long offset, long length) {
		Arguments.text(path, "Path");
		Arguments.notNegative(offset, "Offset");
		Arguments.positive(length, "Length");
		return this.sandbox.filesClient().flatMapMany((client) -> client.read(path, offset, length));
	}

	@Override
	public Mono<Long> download(String path, Path target) {
		Arguments.text(path, "Path");
		Arguments.notNull(target, "Target");
		return this.sandbox.withFiles((client) -> client.download(path, target));
	}

	@Override
	public Mono<byte[]> readBytes(String path) {
		Arguments.text(path, "Path");
		return this.sandbox.withFiles((client) -> client.readBytes(path));
	}

	@Override
	public Mono<String> readText(String path) {
		Arguments.text(path, "Path");
		return this.sandbox.withFiles((client) -> client.readText(path));
	}

	@Override
	public Mono<String> readText(String path, Charset charset) {
		Arguments.text(path, "Path");
		Arguments.notNull(charset, "Charset");
		return this.sandbox.withFiles((client) -> client.readText(path, charset));
	}

	@Override
	public Mono<List<String>> readLines(String path, long firstLine, int maxLines) {
		Arguments.text(path, "Path");
		Arguments.positive(firstLine, "First line");
		Arguments.positive(maxLines, "Max lines");
		return this.sandbox.withFiles((client) -> client.readLines(path, firstLine, maxLines));
	}

	@Override
	public Mono<FileInfo> info(String path) {
		Arguments.text(path, "Path");
		return this.sandbox.withFiles((client) -> client.info(path));
	}

	@Override
	public Mono<Map<String, FileInfo>> info(Collection<String> paths) {
		Arguments.paths(paths);
		return this.sandbox.withFiles((client) -> client.info(paths));
	}

	@Override
	public Mono<List<FileInfo>> search(String directory, String pattern) {
		Arguments.text(directory, "Directory");
		Arguments.text(pattern, "Pattern");
		return this.sandbox.withFiles((client) -> client.search(directory, pattern));
	}

	@Override
	public Mono<List<FileInfo>> list(String directory) {
		Arguments.text(directory, "Directory");
		return this.sandbox.withFiles((client) -> client.list(directory));
	}

	@Override
	public Mono<List<FileInfo>> list(String directory, int depth) {
		Arguments.text(directory, "Directory");
		Arguments.positive(depth, "Depth");
		return this.sandbox.withFiles((client) -> client.list(directory, depth));
	}

	@Override
	public Mono<Void> mkdirs(Collection<String> directories) {
		Arguments.paths(directories);
		return this.sandbox.withFiles((client) -> client.mkdirs(directories, null));
	}

	@Override
	public Mono<Void> mkdirs(Map<String, FileInfo.Permission> directories) {
		Arguments.notNull(directories, "Directories");
		Arguments.paths(directories.keySet());
		return this.sandbox.withFiles((client) -> client.mkdirs(directories));
	}

	@Override
	public Mono<Void> delete(Collection<String> files) {
		Arguments.paths(files);
		return this.sandbox.withFiles((client) -> client.delete(files));
	}

	@Override
	public Mono<Void> deleteDirectories(Collection<String> directories) {
		Arguments.paths(directories);
		return this.sandbox.withFiles((client) -> client.deleteDirectories(directories));
	}

	@Override
	public Mono<Void> move(String source, String destination) {
		Arguments.text(source, "Source");
		Arguments.text(destination, "Destination");
		return this.sandbox.withFiles((client) -> client.move(source, destination));
	}

	@Override
	public Mono<Void> move(Map<String, String> moves) {
		Arguments.notNull(moves, "Moves");
		Arguments.paths(moves.keySet());
		Arguments.paths(moves.values());
		return this.sandbox.withFiles((client) -> client.move(moves));
	}

	@Override
	public Mono<Void> chmod(Map<String, FileInfo.Permission> permissions) {
		Arguments.notNull(permissions, "Permissions");
		Arguments.paths(permissions.keySet());
		return this.sandbox.withFiles((client) -> client.chmod(permissions));
	}

	@Override
	public Mono<Map<String, Integer>> replace(Map<String, Replacement> replacements) {
		Arguments.notNull(replacements, "Replacements");
		Arguments.paths(replacements.keySet());
		return this.sandbox.withFiles((client) -> client.replace(replacements));
	}

}
