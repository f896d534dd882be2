package io.opensandbox.spring.test.server.isolation;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Finds the host programs the isolation backends drive ({@code unshare}, {@code nsenter},
 * {@code bwrap}, ...). The search path is explicit so that tests can pretend a tool is
 * missing.
 *
 * @author OpenSandbox Spring Boot
 */
final class Tools {

	/**
	 * The {@code PATH} every sandboxed process starts with.
	 */
	static final String SANDBOX_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

	private final List<Path> directories;

	Tools(List<Path> directories) {
		this.directories = List.copyOf(directories);
	}

	/**
	 * Tools on the JVM's {@code PATH} and in the standard system directories.
	 * @return the tools of this host
	 */
	static Tools host() {
		Set<String> entries = new LinkedHashSet<>();
		String path = System.getenv("PATH");
		if (path != null) {
			entries.addAll(List.of(path.split(File.pathSeparator)));
		}
		entries.addAll(List.of(SANDBOX_PATH.split(":")));
		List<Path> directories = new ArrayList<>();
		for (String entry : entries) {
			if (!entry.isEmpty() && entry.startsWith("/")) {
				directories.add(Path.of(entry));
			}
		}
		return new Tools(directories);
	}

	/**
	 * The absolute path of an executable, or {@code null}.
	 * @param name the program name
	 * @return its path or {@code null}
	 */
	@Nullable String find(String name) {
		for (Path directory : this.directories) {
			Path candidate = directory.resolve(name);
			if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		return null;
	}

	/**
	 * The absolute paths of several executables, or the first missing one reported.
	 * @param names the program names
	 * @return the paths in the same order
	 * @throws IsolationUnavailableException naming the first missing program
	 */
	List<String> require(String... names) {
		List<String> found = new ArrayList<>();
		for (String name : names) {
			String path = find(name);
			if (path == null) {
				throw new IsolationUnavailableException("'" + name + "' not found on " + this.directories);
			}
			found.add(path);
		}
		return found;
	}

}
