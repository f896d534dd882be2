package io.opensandbox.spring.test.server.isolation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Sandboxes built with bubblewrap, which does the mounting itself (no helper processes,
 * so creation is faster than with {@code unshare}), binds read-only directories
 * recursively with every submount read-only, and runs its own reaper as pid 1 of the
 * sandbox. The sandbox's init is bubblewrap's child (pid 2) and commands enter it with
 * {@code nsenter} exactly as with {@code unshare}, so both backends share one process
 * model: one pid namespace per sandbox in which every process of the sandbox is found.
 * Bubblewrap drops all capabilities of the process it starts, but commands entered later
 * do not inherit that: they rely on the locked nested namespaces like with
 * {@code unshare}.
 *
 * @author OpenSandbox Spring Boot
 */
final class BubblewrapIsolation extends NamespaceIsolation {

	private final String bwrap;

	BubblewrapIsolation(Path baseDirectory, HostLayout layout, Tools tools) {
		super(baseDirectory, layout, tools, "bwrap");
		this.bwrap = tools.require("bwrap").get(0);
	}

	@Override
	public String name() {
		return "bubblewrap";
	}

	@Override
	List<String> launchCommand(Path directory, Path rootfs, IsolationOptions options, SandboxUser user)
			throws IOException {
		HostLayout layout = layout();
		// Root of the outer user namespace is the sandbox's host user, and keeps its
		// capabilities there (bwrap drops them otherwise), so that the nested unshare can
		// map root again and commands can enter with the credentials they have.
		List<String> command = new ArrayList<>(List.of(this.bwrap, "--unshare-user", "--uid", "0", "--gid", "0",
				"--cap-add", "ALL", "--unshare-pid", "--unshare-uts", "--unshare-ipc", "--unshare-net"));
		command.addAll(List.of("--die-with-parent", "--new-session", "--bind", rootfs.toString(), "/"));
		for (String name : layout.readOnlyDirectories()) {
			command.addAll(List.of("--ro-bind", "/" + name, "/" + name));
		}
		for (String file : layout.readOnlyFiles()) {
			command.addAll(List.of("--ro-bind", file, file));
		}
		Path resolvConf = resolvConf(directory, options);
		if (resolvConf != null) {
			command.addAll(List.of("--ro-bind", resolvConf.toString(), layout.resolvConf()));
		}
		// bwrap covers some of /proc itself, but not /proc/sys for root (its write check
		// on the directory fails, though root may write the files in it).
		command.addAll(List.of("--proc", "/proc"));
		for (String entry : layout.procReadOnly()) {
			command.addAll(List.of("--ro-bind-try", "/proc/" + entry, "/proc/" + entry));
		}
		// Not --dev: for a non-root caller it makes bwrap nest a second user namespace,
		// leaving no process in the one that owns the pid, IPC, UTS and network
		// namespaces, which commands then could not enter.
		for (String device : layout.devices()) {
			command.addAll(List.of("--dev-bind", "/dev/" + device, "/dev/" + device));
		}
		command.addAll(List.of("--perms", "1777", "--tmpfs", "/dev/shm", "--chdir", "/", "--"));
		command.addAll(lockAndInit(true));
		return command;
	}

}
