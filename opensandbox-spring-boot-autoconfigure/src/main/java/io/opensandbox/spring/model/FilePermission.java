package io.opensandbox.spring.model;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * Mode and ownership to give a file or directory. The mode is written in octal digits as
 * execd expects them: {@code 755}, not {@code 0755} or {@code 493}.
 *
 * @param mode the permission bits in octal digits, for example {@code 644}
 * @param owner the owning user name, or {@code null} to keep the owner
 * @param group the owning group name, or {@code null} to keep the group
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record FilePermission(int mode, @Nullable String owner, @Nullable String group) {

	public FilePermission {
		FileModes.require(mode);
		Assert.isTrue(owner == null || !owner.isBlank(), "Owner must not be blank");
		Assert.isTrue(group == null || !group.isBlank(), "Group must not be blank");
	}

	/**
	 * A permission that sets only the mode.
	 * @param mode the permission bits in octal digits, for example {@code 755}
	 * @return the permission
	 */
	public static FilePermission of(int mode) {
		return new FilePermission(mode, null, null);
	}

	/**
	 * Return a copy that also sets the owner and group.
	 * @param owner the user name
	 * @param group the group name, or {@code null} to keep the group
	 * @return the permission
	 */
	public FilePermission withOwner(String owner, @Nullable String group) {
		return new FilePermission(this.mode, owner, group);
	}

}
