package io.opensandbox.spring.model;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.InputStreamSource;
import org.springframework.core.io.Resource;
import org.springframework.util.Assert;

/**
 * One file to write into a sandbox: where it goes, where its content comes from, and
 * optionally its mode and owner. Content from a file, resource or stream is read only
 * when the upload is sent, and streamed rather than held in memory.
 *
 * @param path the absolute path inside the sandbox; missing parent directories are
 * created
 * @param content where the bytes come from
 * @param owner the owning user name, or {@code null} for execd's user
 * @param group the owning group name, or {@code null} for execd's group
 * @param mode the permission bits in octal digits (for example {@code 755}), or
 * {@code null} for execd's default
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record FileUpload(String path, Content content, @Nullable String owner, @Nullable String group,
		@Nullable Integer mode) {

	public FileUpload {
		Assert.isTrue(path != null && !path.isBlank(), "File path must not be empty");
		Assert.isTrue(path.indexOf('\0') < 0, "File path must not contain a NUL character");
		Assert.notNull(content, "'content' must not be null");
		Assert.isTrue(owner == null || !owner.isBlank(), "Owner must not be blank");
		Assert.isTrue(group == null || !group.isBlank(), "Group must not be blank");
		if (mode != null) {
			FileModes.require(mode);
		}
	}

	/**
	 * A file holding the given text, encoded as UTF-8.
	 * @param path the path inside the sandbox
	 * @param text the text
	 * @return the upload
	 */
	public static FileUpload of(String path, String text) {
		Assert.notNull(text, "'text' must not be null");
		return of(path, text.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * A file holding the given bytes. The array is copied.
	 * @param path the path inside the sandbox
	 * @param bytes the content
	 * @return the upload
	 */
	public static FileUpload of(String path, byte[] bytes) {
		return new FileUpload(path, new Content.InMemory(bytes), null, null, null);
	}

	/**
	 * A copy of a local file, streamed from disk when the upload is sent.
	 * @param path the path inside the sandbox
	 * @param file the local file
	 * @return the upload
	 */
	public static FileUpload of(String path, Path file) {
		return new FileUpload(path, new Content.LocalFile(file), null, null, null);
	}

	/**
	 * A copy of a resource (class path, file, URL...), streamed when the upload is sent.
	 * @param path the path inside the sandbox
	 * @param resource the resource
	 * @return the upload
	 */
	public static FileUpload of(String path, Resource resource) {
		return new FileUpload(path, new Content.FromResource(resource), null, null, null);
	}

	/**
	 * The content of a stream, streamed when the upload is sent. The source is asked for
	 * a new stream each time the upload is sent (so a retried upload starts over), and
	 * the stream is closed after reading.
	 * @param path the path inside the sandbox
	 * @param stream opens the stream, for example {@code () -> Files.newInputStream(p)}
	 * @return the upload
	 */
	public static FileUpload of(String path, InputStreamSource stream) {
		return new FileUpload(path, new Content.FromStream(stream), null, null, null);
	}

	/**
	 * Return a copy with the given mode.
	 * @param octalDigits the permission bits in octal digits, for example {@code 755};
	 * digits 8 and 9 and negative values are rejected
	 * @return the upload
	 */
	public FileUpload withMode(int octalDigits) {
		return new FileUpload(this.path, this.content, this.owner, this.group, octalDigits);
	}

	/**
	 * Return a copy owned by the given user and group.
	 * @param owner the user name
	 * @param group the group name, or {@code null} for execd's choice
	 * @return the upload
	 */
	public FileUpload withOwner(String owner, @Nullable String group) {
		return new FileUpload(this.path, this.content, owner, group, this.mode);
	}

	/**
	 * Where the bytes of an upload come from.
	 */
	public sealed interface Content
			permits Content.InMemory, Content.LocalFile, Content.FromResource, Content.FromStream {

		/**
		 * Bytes held in memory, for small files.
		 *
		 * @param bytes the content
		 */
		record InMemory(byte[] bytes) implements Content {

			public InMemory {
				Assert.notNull(bytes, "'bytes' must not be null");
				bytes = bytes.clone();
			}

			/**
			 * The content, as a copy so this value stays unchanged.
			 * @return the bytes
			 */
			@Override
			public byte[] bytes() {
				return this.bytes.clone();
			}

			@Override
			public boolean equals(@Nullable Object other) {
				return (other instanceof InMemory inMemory) && Arrays.equals(this.bytes, inMemory.bytes);
			}

			@Override
			public int hashCode() {
				return Arrays.hashCode(this.bytes);
			}

			@Override
			public String toString() {
				return "InMemory[" + this.bytes.length + " bytes]";
			}

		}

		/**
		 * A local file, read from disk without blocking while the upload is sent.
		 *
		 * @param file the file
		 */
		record LocalFile(Path file) implements Content {

			public LocalFile {
				Assert.notNull(file, "'file' must not be null");
			}

		}

		/**
		 * A Spring resource, read while the upload is sent.
		 *
		 * @param resource the resource
		 */
		record FromResource(Resource resource) implements Content {

			public FromResource {
				Assert.notNull(resource, "'resource' must not be null");
			}

		}

		/**
		 * A stream opened while the upload is sent, and closed after reading.
		 *
		 * @param source opens the stream
		 */
		record FromStream(InputStreamSource source) implements Content {

			public FromStream {
				Assert.notNull(source, "'source' must not be null");
			}

		}

	}

}
