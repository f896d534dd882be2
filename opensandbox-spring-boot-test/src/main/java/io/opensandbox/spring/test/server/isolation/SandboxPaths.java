package io.opensandbox.spring.test.server.isolation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Maps paths seen inside a sandbox to host paths. Symbolic links are followed the way the
 * kernel follows them inside the sandbox (absolute targets start again at the sandbox
 * root, {@code ..} stops at it), so that a link the sandbox plants, such as
 * {@code /tmp/x -> /root/.ssh}, can never make a host path point outside what the sandbox
 * itself sees.
 *
 * @author OpenSandbox Spring Boot
 */
final class SandboxPaths {

	private static final int MAX_SYMLINKS = 40;

	private final Path rootfs;

	private final HostLayout layout;

	SandboxPaths(Path rootfs, HostLayout layout) {
		this.rootfs = rootfs;
		this.layout = layout;
	}

	Path rootfs() {
		return this.rootfs;
	}

	/**
	 * The host path of an absolute sandbox path, with every symbolic link on the way
	 * resolved inside the sandbox.
	 * @param sandboxPath an absolute sandbox path
	 * @return the host path
	 */
	Path hostPath(String sandboxPath) {
		return map(resolve(sandboxPath));
	}

	/**
	 * Whether the sandbox (and the files API on its behalf) may write at a sandbox path.
	 * @param sandboxPath an absolute sandbox path
	 * @return whether the path is in the sandbox's own writable space
	 */
	boolean isWritable(String sandboxPath) {
		return !this.layout.isReadOnly(resolve(sandboxPath));
	}

	/**
	 * Resolves an absolute sandbox path to its components, following symbolic links as
	 * the sandbox would.
	 * @param sandboxPath an absolute sandbox path
	 * @return the resolved components, empty for the root
	 */
	List<String> resolve(String sandboxPath) {
		Deque<String> pending = new ArrayDeque<>(normalise(sandboxPath));
		List<String> resolved = new ArrayList<>();
		int links = 0;
		while (!pending.isEmpty()) {
			String name = pending.removeFirst();
			if (name.isEmpty() || ".".equals(name)) {
				continue;
			}
			if ("..".equals(name)) {
				if (!resolved.isEmpty()) {
					resolved.remove(resolved.size() - 1);
				}
				continue;
			}
			resolved.add(name);
			String target = readLink(resolved);
			if (target != null) {
				if (++links > MAX_SYMLINKS) {
					throw new IllegalArgumentException("Too many levels of symbolic links in '" + sandboxPath + "'");
				}
				resolved.remove(resolved.size() - 1);
				if (target.startsWith("/")) {
					resolved.clear();
				}
				List<String> parts = List.of(target.split("/"));
				for (int i = parts.size() - 1; i >= 0; i--) {
					pending.addFirst(parts.get(i));
				}
			}
		}
		return resolved;
	}

	/**
	 * The host path of resolved sandbox components.
	 * @param components resolved components
	 * @return the host path
	 */
	Path map(List<String> components) {
		if (components.isEmpty()) {
			return this.rootfs;
		}
		String file = this.layout.readOnlyFile(components);
		if (file != null) {
			return Path.of(file);
		}
		String first = components.get(0);
		Path path = this.layout.readOnlyDirectories().contains(first) ? Path.of("/", first)
				: this.rootfs.resolve(first);
		for (int i = 1; i < components.size(); i++) {
			path = path.resolve(components.get(i));
		}
		return path;
	}

	private @Nullable String readLink(List<String> components) {
		if (components.size() == 1) {
			String link = this.layout.topLevelLinks().get(components.get(0));
			if (link != null) {
				return link;
			}
		}
		Path host = map(components);
		if (!Files.isSymbolicLink(host)) {
			return null;
		}
		try {
			return Files.readSymbolicLink(host).toString();
		}
		catch (IOException ex) {
			return null;
		}
	}

	/**
	 * Splits an absolute path into components, refusing one whose {@code ..} would climb
	 * above the root even before links are considered. The {@code ..} components are
	 * kept: after a symbolic link they apply to the link's target, as in the kernel.
	 * @param sandboxPath the path
	 * @return the components, {@code .} and empty ones dropped
	 */
	static List<String> normalise(String sandboxPath) {
		if (sandboxPath.isEmpty() || sandboxPath.charAt(0) != '/') {
			throw new IllegalArgumentException("Sandbox path must be absolute: '" + sandboxPath + "'");
		}
		if (sandboxPath.indexOf('\0') >= 0) {
			throw new IllegalArgumentException("Sandbox path must not contain NUL characters");
		}
		List<String> components = new ArrayList<>();
		int depth = 0;
		for (String name : sandboxPath.split("/")) {
			if (name.isEmpty() || ".".equals(name)) {
				continue;
			}
			if ("..".equals(name)) {
				if (depth == 0) {
					throw new IllegalArgumentException("Sandbox path leaves the sandbox: '" + sandboxPath + "'");
				}
				depth--;
			}
			else {
				depth++;
			}
			components.add(name);
		}
		return components;
	}

}
