package io.opensandbox.spring.test.server.isolation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Sandboxes built with util-linux alone, present on every Debian-like system:
 * {@code unshare} creates user, mount, pid, UTS, IPC (and, without network, network)
 * namespaces, {@code mount} applies a generated fstab in one go (one process instead of
 * one per mount keeps creation fast), and {@code pivot_root} makes the sandbox root the
 * only file system the sandbox can reach (a {@code chroot} could be escaped).
 *
 * @author OpenSandbox Spring Boot
 */
final class UnshareIsolation extends NamespaceIsolation {

	/**
	 * Runs as pid 1 of the new namespaces, still seeing the host's files: mounts
	 * everything ({@code $1} fstab), brings loopback up ({@code $3}), moves into the root
	 * ({@code $2}) and detaches the host's, then starts the locked init ({@code $4}
	 * onwards) with the JVM's pipe as its standard input, and stays behind as the
	 * namespace's reaper until that pipe closes. Staying in the outer user namespace lets
	 * commands enter the namespaces it owns (see {@link NamespaceSandbox}).
	 */
	private static final String SETUP_SCRIPT = """
			set -e
			mount --no-mtab --fstab "$1" --all
			if [ -n "$3" ]; then ip link set lo up 2>/dev/null || :; fi
			cd "$2"
			pivot_root . .
			umount -l .
			cd /
			shift 3
			"$@" 0<&0 &
			trap '' HUP INT QUIT TERM PIPE TSTP TTIN TTOU
			while read -r _; do :; done
			""";

	private final String unshare;

	UnshareIsolation(Path baseDirectory, HostLayout layout, Tools tools) {
		super(baseDirectory, layout, tools, "unshare", "mount", "umount", "pivot_root");
		this.unshare = tools.require("unshare").get(0);
	}

	@Override
	public String name() {
		return "unshare";
	}

	/**
	 * No: {@code pivot_root} refuses a root on a file system that a more privileged mount
	 * namespace mounted, so sandboxes of this backend keep their files in the sandbox
	 * directory, without a disk quota.
	 */
	@Override
	boolean supportsQuota() {
		return false;
	}

	@Override
	List<String> launchCommand(Path directory, Path rootfs, IsolationOptions options, SandboxUser user)
			throws IOException {
		Path fstab = directory.resolve("fstab");
		Files.writeString(fstab, fstab(rootfs.toString(), resolvConf(directory, options)), StandardCharsets.UTF_8);
		user.own(fstab);
		List<String> command = new ArrayList<>(
				List.of(this.unshare, "--user", "--map-root-user", "--mount", "--pid", "--uts", "--ipc", "--net"));
		command.addAll(List.of("--fork", "--kill-child", "--propagation", "private", "--", "/bin/bash", "-c",
				SETUP_SCRIPT, "bash", fstab.toString(), rootfs.toString(), "lo"));
		command.addAll(lockAndInit(false));
		return command;
	}

	/*
	 * The sandbox's mounts, in order: the root bound onto itself (so that it is a mount
	 * point {@code pivot_root} accepts), the read-only system directories (recursively
	 * when the host has mounts inside them, each of which is then bound read-only again
	 * on top), a fresh {@code /proc} with its dangerous entries read-only, and a minimal
	 * {@code /dev}.
	 */
	String fstab(String rootfs) {
		return fstab(rootfs, null);
	}

	/*
	 * The sandbox's mounts, with its own resolver configuration when it has one.
	 */
	String fstab(String rootfs, @Nullable Path resolvConf) {
		HostLayout layout = layout();
		StringBuilder fstab = new StringBuilder();
		line(fstab, rootfs, rootfs, "none", "bind,nosuid,nodev");
		for (String name : layout.readOnlyDirectories()) {
			String host = "/" + name;
			line(fstab, host, rootfs + host, "none",
					(layout.hasSubmounts(host) ? "rbind" : "bind") + ",ro,nosuid,nodev");
			for (String submount : layout.submounts()) {
				if (Path.of(submount).startsWith(host)) {
					line(fstab, submount, rootfs + submount, "none",
							(layout.hasSubmounts(submount) ? "rbind" : "bind") + ",ro,nosuid,nodev");
				}
			}
		}
		for (String file : layout.readOnlyFiles()) {
			line(fstab, file, rootfs + file, "none", "bind,ro,nosuid,nodev");
		}
		if (resolvConf != null) {
			line(fstab, resolvConf.toString(), rootfs + layout.resolvConf(), "none", "bind,ro,nosuid,nodev");
		}
		line(fstab, "proc", rootfs + "/proc", "proc", "nosuid,nodev,noexec");
		for (String entry : layout.procReadOnly()) {
			String path = rootfs + "/proc/" + entry;
			line(fstab, path, path, "none", "bind,ro,nosuid,nodev,noexec");
		}
		for (String device : layout.devices()) {
			line(fstab, "/dev/" + device, rootfs + "/dev/" + device, "none", "bind,nosuid");
		}
		line(fstab, "tmpfs", rootfs + "/dev/shm", "tmpfs", "nosuid,nodev,mode=1777");
		line(fstab, "devpts", rootfs + "/dev/pts", "devpts",
				"newinstance,ptmxmode=0666,mode=0620,nosuid,noexec,nofail");
		return fstab.toString();
	}

	private static void line(StringBuilder fstab, String source, String target, String type, String options) {
		fstab.append(escape(source))
			.append(' ')
			.append(escape(target))
			.append(' ')
			.append(type)
			.append(' ')
			.append(options)
			.append(" 0 0\n");
	}

	/*
	 * Escapes a path for fstab, where white space separates fields.
	 */
	static String escape(String path) {
		StringBuilder escaped = new StringBuilder(path.length());
		for (int i = 0; i < path.length(); i++) {
			char c = path.charAt(i);
			if (c == ' ' || c == '\t' || c == '\n' || c == '\\' || c == '#') {
				escaped.append(String.format("\\%03o", (int) c));
			}
			else {
				escaped.append(c);
			}
		}
		return escaped.toString();
	}

}
