package io.opensandbox.spring.test.server.isolation;

import java.io.IOException;
import java.nio.file.Path;

/**
 * No isolation, for machines where neither bubblewrap nor {@code unshare} works and the
 * user explicitly allowed it: commands are plain host processes running as the JVM's
 * user, with full access to whatever that user can reach.
 * <p>
 * Only the working directory and relative paths agree with the files API: a command
 * started in {@code /workspace} runs in the host directory
 * {@link IsolatedSandbox#hostPath hostPath("/workspace")}, but an absolute path such as
 * {@code /tmp/x.py} in a command means the host's {@code /tmp}. {@code HOME} and
 * {@code TMPDIR} point at the sandbox's {@code /root} and {@code /tmp} on the host so
 * that well-behaved programs stay inside. Networking is the host's whatever the options
 * say.
 *
 * @author OpenSandbox Spring Boot
 */
final class UnisolatedIsolation implements SandboxIsolation {

	private final Path baseDirectory;

	private final HostLayout layout;

	private final String setsid;

	UnisolatedIsolation(Path baseDirectory, HostLayout layout, Tools tools) {
		this.baseDirectory = baseDirectory;
		this.layout = layout;
		this.setsid = tools.require("setsid").get(0);
	}

	@Override
	public String name() {
		return "none";
	}

	@Override
	public IsolatedSandbox create(String sandboxId, IsolationOptions options) throws IOException {
		Path directory = SandboxFiles.createSandboxDirectory(this.baseDirectory, sandboxId);
		try {
			Path rootfs = directory.resolve("rootfs");
			SandboxFiles.prepareRootfs(rootfs, this.layout, false);
			SandboxPaths paths = new SandboxPaths(rootfs, this.layout);
			UnisolatedSandbox sandbox = new UnisolatedSandbox(sandboxId, directory, paths,
					UnisolatedSandbox.environment(paths, options), this.setsid);
			AbstractSandbox.LiveSandboxes.add(sandbox);
			return sandbox;
		}
		catch (IOException | RuntimeException ex) {
			SandboxFiles.deleteTree(directory);
			throw ex;
		}
	}

	@Override
	public String toString() {
		return "unisolated commands in " + this.baseDirectory;
	}

}
