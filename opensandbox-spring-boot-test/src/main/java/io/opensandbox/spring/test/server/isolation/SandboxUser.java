package io.opensandbox.spring.test.server.isolation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The host user a sandbox's processes run as. Root inside a sandbox is this user on the
 * host (user namespaces map one to the other), so code that escapes a sandbox carries no
 * privileges. A server running as root gives every sandbox a host uid of its own, far
 * above any account or subordinate id range a host hands out, so sandboxes cannot signal,
 * trace or read each other even outside their namespaces; a server running as an ordinary
 * user can only hand out its own uid.
 *
 * @param uid the host uid
 * @param gid the host gid
 * @param switched whether processes must switch to it ({@code setpriv}), because the
 * server runs as root
 * @author OpenSandbox Spring Boot
 */
record SandboxUser(int uid, int gid, boolean switched) {

	private static final long FIRST_UID = 1_100_000_000L;

	private static final long UID_RANGE = 900_000_000L;

	/**
	 * Spread across the range per JVM, so that servers in parallel JVMs rarely meet.
	 */
	private static final AtomicLong next = new AtomicLong(ThreadLocalRandom.current().nextLong(UID_RANGE));

	/**
	 * A user for a new sandbox.
	 * @return a fresh uid when the server is root, else the server's own
	 */
	static SandboxUser allocate() {
		int[] current = currentIds();
		if (current[0] != 0) {
			return new SandboxUser(current[0], current[1], false);
		}
		int uid = (int) (FIRST_UID + Math.floorMod(next.getAndIncrement(), UID_RANGE));
		return new SandboxUser(uid, uid, true);
	}

	/**
	 * The server's own user, for sandboxes whose processes run as host processes.
	 * @return the JVM's user, never switched to
	 */
	static SandboxUser server() {
		int[] current = currentIds();
		return new SandboxUser(current[0], current[1], false);
	}

	/**
	 * The command run as this user, with no supplementary groups and no way to gain
	 * privileges through set-user-id programs.
	 * @param setpriv the {@code setpriv} program
	 * @param command the command
	 * @return the wrapped command
	 */
	List<String> wrap(String setpriv, List<String> command) {
		if (!this.switched) {
			return command;
		}
		List<String> wrapped = new ArrayList<>(List.of(setpriv, "--reuid=" + this.uid, "--regid=" + this.gid,
				"--clear-groups", "--no-new-privs", "--"));
		wrapped.addAll(command);
		return wrapped;
	}

	/**
	 * Hands a file or directory the server created to this user (a no-op unless
	 * switched).
	 * @param path the path, never followed if it is a link
	 * @throws IOException if ownership cannot be changed
	 */
	void own(Path path) throws IOException {
		if (this.switched) {
			Files.setAttribute(path, "unix:uid", this.uid, LinkOption.NOFOLLOW_LINKS);
			Files.setAttribute(path, "unix:gid", this.gid, LinkOption.NOFOLLOW_LINKS);
		}
	}

	/**
	 * The effective uid and gid of this JVM.
	 */
	static int[] currentIds() {
		try {
			int uid = -1;
			int gid = -1;
			for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.ISO_8859_1)) {
				if (line.startsWith("Uid:")) {
					uid = Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
				}
				else if (line.startsWith("Gid:")) {
					gid = Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
				}
			}
			return new int[] { uid, gid };
		}
		catch (IOException | RuntimeException ex) {
			return new int[] { -1, -1 };
		}
	}

}
