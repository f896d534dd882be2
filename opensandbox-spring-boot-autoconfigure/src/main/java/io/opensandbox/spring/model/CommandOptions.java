package io.opensandbox.spring.model;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * How to run a command: working directory, time limit, environment and user. Immutable;
 * start from {@link #defaults()}.
 *
 * @param cwd the working directory, or {@code null} for execd's default
 * @param timeout how long the command may run before execd kills its process group, or
 * {@code null} for no limit
 * @param env extra environment variables of the command
 * @param uid the user id to run as, or {@code null} for execd's user
 * @param gid the group id to run as; needs {@code uid}
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record CommandOptions(@Nullable String cwd, @Nullable Duration timeout, Map<String, String> env,
		@Nullable Integer uid, @Nullable Integer gid) {

	private static final CommandOptions DEFAULTS = new CommandOptions(null, null, Map.of(), null, null);

	public CommandOptions {
		Assert.isTrue(cwd == null || !cwd.isBlank(), "Working directory must not be blank");
		Assert.isTrue(timeout == null || (!timeout.isNegative() && !timeout.isZero()),
				() -> "Command timeout must be positive, not " + timeout);
		Assert.isTrue(uid == null || uid >= 0, () -> "uid must not be negative, not " + uid);
		Assert.isTrue(gid == null || gid >= 0, () -> "gid must not be negative, not " + gid);
		Assert.isTrue(gid == null || uid != null, "A gid needs a uid as well");
		env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
	}

	/**
	 * No working directory, time limit, extra environment or user.
	 * @return the default options
	 */
	public static CommandOptions defaults() {
		return DEFAULTS;
	}

	/**
	 * Return a copy with the given working directory.
	 * @param cwd the working directory
	 * @return the options
	 */
	public CommandOptions withCwd(String cwd) {
		return new CommandOptions(cwd, this.timeout, this.env, this.uid, this.gid);
	}

	/**
	 * Return a copy with the given time limit.
	 * @param timeout the time limit
	 * @return the options
	 */
	public CommandOptions withTimeout(Duration timeout) {
		return new CommandOptions(this.cwd, timeout, this.env, this.uid, this.gid);
	}

	/**
	 * Return a copy with one more environment variable.
	 * @param name the variable name
	 * @param value the value
	 * @return the options
	 */
	public CommandOptions withEnv(String name, String value) {
		Map<String, String> merged = new LinkedHashMap<>(this.env);
		merged.put(name, value);
		return new CommandOptions(this.cwd, this.timeout, merged, this.uid, this.gid);
	}

	/**
	 * Return a copy that runs as the given user and group.
	 * @param uid the user id
	 * @param gid the group id, or {@code null} for the user's group
	 * @return the options
	 */
	public CommandOptions withUser(int uid, @Nullable Integer gid) {
		return new CommandOptions(this.cwd, this.timeout, this.env, uid, gid);
	}

	@Override
	public String toString() {
		return "CommandOptions[cwd=" + this.cwd + ", timeout=" + this.timeout + ", env=" + this.env.keySet() + ", uid="
				+ this.uid + ", gid=" + this.gid + "]";
	}

}
