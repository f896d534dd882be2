package io.opensandbox.spring.test.server.isolation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The parts of the host's root that every sandbox shares read-only: the system
 * directories that are real directories on the host, the top-level symbolic links (such
 * as {@code /bin -> usr/bin} on merged-/usr systems) that are recreated in each sandbox
 * root, and single files that must be bound because a shared file links to them (such as
 * a {@code /etc/resolv.conf} that points into {@code /run}).
 *
 * @param readOnlyDirectories top-level names bound read-only from the host
 * @param topLevelLinks top-level symbolic links, name to link text
 * @param readOnlyFiles absolute paths of single host files bound read-only
 * @param procReadOnly entries of {@code /proc} made read-only inside the sandbox
 * @param submounts host mount points inside the read-only directories (such as the
 * {@code /etc/hosts} a container runtime mounts), in mount order
 * @param devices the device nodes of {@code /dev} that are bound into every sandbox
 * @author OpenSandbox Spring Boot
 */
record HostLayout(List<String> readOnlyDirectories, Map<String, String> topLevelLinks, List<String> readOnlyFiles,
		List<String> procReadOnly, List<String> submounts, List<String> devices) {

	/**
	 * System directories a command needs to run, shared read-only with the host.
	 */
	static final List<String> SYSTEM_DIRECTORIES = List.of("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32",
			"etc", "opt");

	/**
	 * Top-level directories that are mount points inside the sandbox, not host-writable
	 * space.
	 */
	static final Set<String> VIRTUAL_DIRECTORIES = Set.of("proc", "dev");

	private static final List<String> PROC_READ_ONLY = List.of("sys", "sysrq-trigger", "irq", "bus", "fs");

	/**
	 * The harmless devices a sandbox gets; none gives access to hardware or the kernel.
	 */
	private static final List<String> DEVICES = List.of("null", "zero", "full", "random", "urandom", "tty");

	HostLayout {
		readOnlyDirectories = List.copyOf(readOnlyDirectories);
		topLevelLinks = Collections.unmodifiableMap(new LinkedHashMap<>(topLevelLinks));
		readOnlyFiles = List.copyOf(readOnlyFiles);
		procReadOnly = List.copyOf(procReadOnly);
		submounts = List.copyOf(submounts);
		devices = List.copyOf(devices);
	}

	/**
	 * Reads the layout of this host's root directory.
	 * @return the layout
	 */
	static HostLayout detect() {
		return detect(Path.of("/"));
	}

	static HostLayout detect(Path hostRoot) {
		List<String> directories = new ArrayList<>();
		Map<String, String> links = new LinkedHashMap<>();
		for (String name : SYSTEM_DIRECTORIES) {
			Path path = hostRoot.resolve(name);
			if (Files.isSymbolicLink(path)) {
				try {
					links.put(name, Files.readSymbolicLink(path).toString());
				}
				catch (IOException ex) {
					// Unreadable link: leave it out, the sandbox simply lacks it.
				}
			}
			else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
				directories.add(name);
			}
		}
		List<String> files = new ArrayList<>();
		Path resolvConf = hostRoot.resolve("etc/resolv.conf");
		if (Files.isSymbolicLink(resolvConf)) {
			try {
				Path real = resolvConf.toRealPath();
				Path relative = hostRoot.relativize(real);
				String first = (relative.getNameCount() > 0) ? relative.getName(0).toString() : "";
				if (Files.isRegularFile(real) && !directories.contains(first) && !links.containsKey(first)
						&& !VIRTUAL_DIRECTORIES.contains(first)) {
					files.add("/" + relative.toString());
				}
			}
			catch (IOException | IllegalArgumentException ex) {
				// Dangling or odd link: DNS inside the sandbox is as broken as on the
				// host.
			}
		}
		List<String> proc = new ArrayList<>();
		for (String entry : PROC_READ_ONLY) {
			if (Files.exists(Path.of("/proc", entry), LinkOption.NOFOLLOW_LINKS)) {
				proc.add(entry);
			}
		}
		List<String> submounts = new ArrayList<>();
		for (String mountPoint : mountPoints()) {
			Path path = Path.of(mountPoint);
			for (String directory : directories) {
				Path top = Path.of("/", directory);
				if (path.startsWith(top) && !path.equals(top) && !submounts.contains(mountPoint)) {
					submounts.add(mountPoint);
				}
			}
		}
		List<String> devices = new ArrayList<>();
		for (String device : DEVICES) {
			if (Files.exists(Path.of("/dev", device))) {
				devices.add(device);
			}
		}
		return new HostLayout(directories, links, files, proc, submounts, devices);
	}

	private static List<String> mountPoints() {
		List<String> mountPoints = new ArrayList<>();
		try {
			String mountinfo = Files.readString(Path.of("/proc/self/mountinfo"), StandardCharsets.ISO_8859_1);
			for (String line : mountinfo.split("\n")) {
				String[] fields = line.split(" ");
				if (fields.length > 4) {
					mountPoints.add(ProcFs.unescapeMountPath(fields[4]));
				}
			}
		}
		catch (IOException ex) {
			// No mount table: no submounts to care about.
		}
		return mountPoints;
	}

	/**
	 * Whether a host directory has mounts below it, which a bind must then take along.
	 * @param path an absolute host path
	 * @return whether a submount lies strictly inside it
	 */
	boolean hasSubmounts(String path) {
		Path top = Path.of(path);
		for (String submount : this.submounts) {
			Path candidate = Path.of(submount);
			if (candidate.startsWith(top) && !candidate.equals(top)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether an absolute sandbox path, given as its resolved components, lies in a part
	 * of the sandbox that is not the sandbox's own writable space.
	 * @param components the resolved components
	 * @return whether the path is read-only or virtual
	 */
	boolean isReadOnly(List<String> components) {
		if (components.isEmpty()) {
			return false;
		}
		String first = components.get(0);
		if (this.readOnlyDirectories.contains(first) || VIRTUAL_DIRECTORIES.contains(first)) {
			return true;
		}
		return readOnlyFile(components) != null;
	}

	/**
	 * The host path of a read-only single-file bind that an absolute sandbox path is, or
	 * {@code null}.
	 * @param components the resolved components
	 * @return the bound file's path or {@code null}
	 */
	@Nullable String readOnlyFile(List<String> components) {
		if (this.readOnlyFiles.isEmpty()) {
			return null;
		}
		String joined = "/" + String.join("/", components);
		return this.readOnlyFiles.contains(joined) ? joined : null;
	}

	/**
	 * Where the sandbox's resolver configuration lives: {@code /etc/resolv.conf}, or the
	 * single file it links to.
	 * @return the absolute path to bind a sandbox's own resolver configuration over
	 */
	String resolvConf() {
		for (String file : this.readOnlyFiles) {
			if (file.endsWith("/resolv.conf") || file.contains("resolv")) {
				return file;
			}
		}
		return "/etc/resolv.conf";
	}

	/**
	 * Directories (absolute) that must exist in each sandbox root so that a single-file
	 * bind has a place to go.
	 * @return the parent directories of the single-file binds
	 */
	Set<String> readOnlyFileParents() {
		Set<String> parents = new LinkedHashSet<>();
		for (String file : this.readOnlyFiles) {
			int slash = file.lastIndexOf('/');
			if (slash > 0) {
				parents.add(file.substring(0, slash));
			}
		}
		return parents;
	}

}
