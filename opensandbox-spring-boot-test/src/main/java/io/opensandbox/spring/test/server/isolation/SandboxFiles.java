package io.opensandbox.spring.test.server.isolation;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Creates sandbox directories and removes them again without ever following a symbolic
 * link or entering a mount, so that whatever a sandbox left behind (links to host
 * directories included) cannot make cleanup delete anything outside it.
 *
 * @author OpenSandbox Spring Boot
 */
final class SandboxFiles {

	private static final Pattern SANDBOX_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

	private static final int MODE_TMP = 01777;

	private SandboxFiles() {
	}

	/**
	 * Creates {@code <base>/<id>} (owner-only, so other host users cannot reach into it)
	 * with an empty {@code rootfs} inside.
	 * @param baseDirectory the base directory, created if missing
	 * @param sandboxId the sandbox id
	 * @return the new sandbox directory
	 * @throws IOException if it exists already or cannot be created
	 */
	static Path createSandboxDirectory(Path baseDirectory, String sandboxId) throws IOException {
		return createSandboxDirectory(baseDirectory, sandboxId, SandboxUser.server());
	}

	/**
	 * Creates {@code <base>/<id>} with an empty {@code rootfs} inside, both owned by the
	 * sandbox's user. The base directory is made traversable (not listable) by others, so
	 * that sandbox users can reach their own directory and nothing else.
	 * @param baseDirectory the base directory, created if missing
	 * @param sandboxId the sandbox id
	 * @param user the sandbox's user
	 * @return the new sandbox directory
	 * @throws IOException if it exists already or cannot be created
	 */
	static Path createSandboxDirectory(Path baseDirectory, String sandboxId, SandboxUser user) throws IOException {
		if (!SANDBOX_ID.matcher(sandboxId).matches()) {
			throw new IllegalArgumentException("Invalid sandbox id '" + sandboxId
					+ "': use letters, digits, '.', '_' and '-', starting with a letter or digit");
		}
		Files.createDirectories(baseDirectory);
		Path directory = baseDirectory.toRealPath().resolve(sandboxId);
		Files.createDirectory(directory,
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		Files.createDirectory(directory.resolve("rootfs"));
		if (user.switched()) {
			Path base = baseDirectory.toRealPath();
			int mode = (Integer) Files.getAttribute(base, "unix:mode");
			if ((mode & 0001) == 0) {
				Files.setAttribute(base, "unix:mode", (mode & 07777) | 0111);
			}
			for (Path ancestor = base.getParent(); ancestor != null; ancestor = ancestor.getParent()) {
				if (((Integer) Files.getAttribute(ancestor, "unix:mode") & 0001) == 0) {
					deleteTree(directory);
					throw new IOException("Sandboxes run as users of their own, who cannot reach " + base + " because "
							+ ancestor + " is not searchable by others: choose a work directory all of whose parents"
							+ " are (for example under /tmp), or chmod o+x " + ancestor);
				}
			}
			user.own(directory);
			user.own(directory.resolve("rootfs"));
		}
		return directory;
	}

	/**
	 * Lays out a sandbox root: its own writable directories, empty mount points for the
	 * shared read-only directories, {@code /proc} and {@code /dev}, and the host's
	 * top-level links.
	 * @param rootfs the root directory
	 * @param layout the host layout
	 * @param mountPoints whether to create mount points (not for unisolated sandboxes)
	 * @throws IOException on failure
	 */
	static void prepareRootfs(Path rootfs, HostLayout layout, boolean mountPoints) throws IOException {
		prepareRootfs(rootfs, layout, mountPoints, SandboxUser.server());
	}

	/**
	 * Lays out a sandbox root whose own directories belong to the sandbox's user.
	 * @param rootfs the root directory
	 * @param layout the host layout
	 * @param mountPoints whether to create mount points (not for unisolated sandboxes)
	 * @param user the sandbox's user
	 * @throws IOException on failure
	 */
	static void prepareRootfs(Path rootfs, HostLayout layout, boolean mountPoints, SandboxUser user)
			throws IOException {
		for (String name : List.of("tmp", "workspace", "root", "home", "run", "var", "var/tmp")) {
			directory(rootfs.resolve(name), switch (name) {
				case "tmp", "var/tmp" -> MODE_TMP;
				case "root" -> 0700;
				default -> 0755;
			});
			user.own(rootfs.resolve(name));
		}
		if (!mountPoints) {
			return;
		}
		for (String name : layout.readOnlyDirectories()) {
			directory(rootfs.resolve(name), 0755);
		}
		for (var link : layout.topLevelLinks().entrySet()) {
			Files.createSymbolicLink(rootfs.resolve(link.getKey()), Path.of(link.getValue()));
		}
		for (String parent : layout.readOnlyFileParents()) {
			Files.createDirectories(rootfs.resolve(parent.substring(1)));
		}
		for (String file : layout.readOnlyFiles()) {
			Files.createFile(rootfs.resolve(file.substring(1)));
		}
		directory(rootfs.resolve("proc"), 0555);
		Path dev = rootfs.resolve("dev");
		directory(dev, 0755);
		for (String device : layout.devices()) {
			Files.createFile(dev.resolve(device));
		}
		directory(dev.resolve("shm"), MODE_TMP);
		directory(dev.resolve("pts"), 0755);
		Files.createSymbolicLink(dev.resolve("fd"), Path.of("/proc/self/fd"));
		Files.createSymbolicLink(dev.resolve("stdin"), Path.of("/proc/self/fd/0"));
		Files.createSymbolicLink(dev.resolve("stdout"), Path.of("/proc/self/fd/1"));
		Files.createSymbolicLink(dev.resolve("stderr"), Path.of("/proc/self/fd/2"));
		Files.createSymbolicLink(dev.resolve("ptmx"), Path.of("pts/ptmx"));
	}

	/**
	 * A sandbox's launch command that first mounts a file system of a fixed size (tmpfs),
	 * owned by the sandbox's user, on the sandbox root, so that what the sandbox writes
	 * is bounded (writes beyond it fail with "No space left on device"). The mount lives
	 * in a mount namespace of the sandbox's own, so it ends with the sandbox, even when
	 * the JVM is killed; the host reaches the files through the init's
	 * {@code /proc/<pid>/root}. Needs root.
	 * @param unshare the {@code unshare} program
	 * @param rootfs the empty root directory
	 * @param skeleton the prepared layout (see {@link #prepareRootfs}) copied into the
	 * new file system
	 * @param bytes the size
	 * @param user the sandbox's user
	 * @param command the launch command
	 * @return the command that mounts, then launches
	 */
	static List<String> withQuota(String unshare, Path rootfs, Path skeleton, long bytes, SandboxUser user,
			List<String> command) {
		List<String> wrapped = new java.util.ArrayList<>(List.of(unshare, "--mount", "--propagation", "private", "--",
				"/bin/sh", "-c",
				"mount -t tmpfs -o \"$1\" opensandbox \"$0\" && cp -a \"$2/.\" \"$0/\" && shift 2 && exec \"$@\"",
				rootfs.toString(),
				"size=" + bytes + ",mode=0755,uid=" + user.uid() + ",gid=" + user.gid() + ",nosuid,nodev",
				skeleton.toString()));
		wrapped.addAll(command);
		return wrapped;
	}

	private static void directory(Path path, int mode) throws IOException {
		Files.createDirectory(path);
		Files.setAttribute(path, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
	}

	/**
	 * Deletes a sandbox directory. Symbolic links are removed, never followed; mount
	 * points and anything on another device, or whose real location is outside the
	 * directory, are left alone. What cannot be deleted is left behind rather than
	 * risking anything outside.
	 * @param directory the sandbox directory
	 * @return whether the directory is gone
	 */
	static boolean deleteTree(Path directory) {
		Path root;
		try {
			root = directory.toRealPath(LinkOption.NOFOLLOW_LINKS);
		}
		catch (NoSuchFileException ex) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
		if (Files.isSymbolicLink(root) || !Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
			return false;
		}
		Set<Path> mountPoints = ProcFs.mountPointsUnder(root);
		try {
			walkAndDelete(root, root, mountPoints, device(root));
		}
		catch (IOException ex) {
			// Fall through: whatever is left is handled below.
		}
		if (Files.exists(root, LinkOption.NOFOLLOW_LINKS) && mountPoints.isEmpty()) {
			// Trees deeper than PATH_MAX defeat path-based deletion; rm works relative to
			// open directories, never follows links and stays on this file system.
			removeWithRm(root);
		}
		return !Files.exists(root, LinkOption.NOFOLLOW_LINKS);
	}

	private static void walkAndDelete(Path start, Path root, Set<Path> mountPoints, Object device) throws IOException {
		Files.walkFileTree(start, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
				if (!dir.equals(root) && (mountPoints.contains(dir) || !Objects.equals(device(dir), device)
						|| !isInside(dir, root))) {
					return FileVisitResult.SKIP_SUBTREE;
				}
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
				if (!mountPoints.contains(file)) {
					deleteQuietly(file);
				}
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFileFailed(Path file, IOException ex) {
				if (ex instanceof AccessDeniedException && Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)
						&& !mountPoints.contains(file)) {
					// A directory the sandbox made unreadable: it is ours, so open it
					// up and go in.
					try {
						Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
						walkAndDelete(file, root, mountPoints, device);
					}
					catch (IOException | RuntimeException inner) {
						// Left behind.
					}
				}
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult postVisitDirectory(Path dir, IOException ex) {
				deleteQuietly(dir);
				return FileVisitResult.CONTINUE;
			}

		});
	}

	private static boolean isInside(Path dir, Path root) {
		try {
			return dir.toRealPath().startsWith(root);
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static Object device(Path path) throws IOException {
		return Files.getAttribute(path, "unix:dev", LinkOption.NOFOLLOW_LINKS);
	}

	private static void deleteQuietly(Path path) {
		try {
			Files.deleteIfExists(path);
		}
		catch (IOException ex) {
			// Not empty (something skipped inside) or not ours: left behind.
		}
	}

	private static void removeWithRm(Path root) {
		String rmPath = Tools.host().find("rm");
		if (rmPath == null) {
			return;
		}
		try {
			Process rm = new ProcessBuilder(rmPath, "-rf", "--one-file-system", "--", root.toString())
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.redirectError(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!rm.waitFor(60, TimeUnit.SECONDS)) {
				rm.destroyForcibly();
			}
		}
		catch (IOException ex) {
			// No rm: left behind.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
