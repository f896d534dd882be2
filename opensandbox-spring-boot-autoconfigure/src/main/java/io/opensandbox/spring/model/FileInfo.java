package io.opensandbox.spring.model;

import java.time.Instant;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * Metadata of a file or directory inside a sandbox, as execd reports it.
 *
 * @param path the absolute path
 * @param type what the entry is, or {@code null} when execd did not say (older versions
 * report no type)
 * @param size the size in bytes
 * @param modifiedAt when it was last modified, if known
 * @param createdAt when it was created, if known
 * @param owner the owning user name, if known
 * @param group the owning group name, if known
 * @param mode the permission bits in octal digits, for example {@code 644}
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record FileInfo(String path, @Nullable Type type, long size, @Nullable Instant modifiedAt,
		@Nullable Instant createdAt, @Nullable String owner, @Nullable String group, int mode) {

	public FileInfo {
		Assert.hasText(path, "'path' must not be empty");
	}

	/**
	 * Whether this entry is a regular file.
	 * @return {@code true} for a regular file
	 */
	public boolean isFile() {
		return this.type == Type.FILE;
	}

	/**
	 * Whether this entry is a directory.
	 * @return {@code true} for a directory
	 */
	public boolean isDirectory() {
		return this.type == Type.DIRECTORY;
	}

	/**
	 * What a file system entry is.
	 */
	public enum Type {

		/** A regular file. */
		FILE,

		/** A directory. */
		DIRECTORY,

		/** A symbolic link; listings never follow it. */
		SYMLINK,

		/**
		 * Anything else (device, socket, pipe), including types this library does not
		 * know.
		 */
		OTHER;

		/**
		 * Parse a wire value, keeping types this library does not know as {@link #OTHER}.
		 * @param value {@code file}, {@code directory}, {@code symlink} or anything else
		 * @return the type
		 */
		public static Type fromWireValue(String value) {
			return switch (value.strip().toLowerCase(Locale.ROOT)) {
				case "file" -> FILE;
				case "directory", "dir" -> DIRECTORY;
				case "symlink" -> SYMLINK;
				default -> OTHER;
			};
		}

	}

	/**
	 * Mode and ownership to give a file or directory. The mode is written in octal digits
	 * as execd expects them: {@code 755}, not {@code 0755} or {@code 493}.
	 *
	 * @param mode the permission bits in octal digits, for example {@code 644}
	 * @param owner the owning user name, or {@code null} to keep the owner
	 * @param group the owning group name, or {@code null} to keep the group
	 * @since 0.1.0
	 */
	public record Permission(int mode, @Nullable String owner, @Nullable String group) {

		public Permission {
			FileModes.require(mode);
			Assert.isTrue(owner == null || !owner.isBlank(), "Owner must not be blank");
			Assert.isTrue(group == null || !group.isBlank(), "Group must not be blank");
		}

		/**
		 * A permission that sets only the mode.
		 * @param mode the permission bits in octal digits, for example {@code 755}
		 * @return the permission
		 */
		public static Permission of(int mode) {
			return new Permission(mode, null, null);
		}

		/**
		 * Return a copy that also sets the owner and group.
		 * @param owner the user name
		 * @param group the group name, or {@code null} to keep the group
		 * @return the permission
		 */
		public Permission withOwner(String owner, @Nullable String group) {
			return new Permission(this.mode, owner, group);
		}

	}

}
