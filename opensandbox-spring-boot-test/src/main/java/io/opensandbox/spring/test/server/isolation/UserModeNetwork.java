package io.opensandbox.spring.test.server.isolation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Outbound network access for a sandbox that has a network namespace of its own, through
 * {@code slirp4netns}: a user-mode TCP/IP stack that runs as the sandbox's host user,
 * outside the sandbox, and connects out on its behalf. The sandbox sees one interface
 * ({@code tap0}, 10.0.2.100/24, gateway 10.0.2.2, DNS 10.0.2.3) and no route to the
 * host's loopback ({@code --disable-host-loopback}): not the embedded server, not any
 * other service bound to 127.0.0.1. It ends when the sandbox is closed, and when the JVM
 * dies (its exit descriptor is a pipe from the JVM).
 * <p>
 * Where {@code /dev/net/tun} is root's alone (as in many containers) and the server runs
 * as root, the stack gets a private mount namespace in which a device node owned by the
 * sandbox's user stands in for it, so that it still never runs as root.
 *
 * @author OpenSandbox Spring Boot
 */
final class UserModeNetwork {

	static final String NAMESERVER = "10.0.2.3";

	private static final long READY_TIMEOUT_SECONDS = 10;

	private static final Path TUN = Path.of("/dev/net/tun");

	private final String slirp4netns;

	private final Tools tools;

	private UserModeNetwork(String slirp4netns, Tools tools) {
		this.slirp4netns = slirp4netns;
		this.tools = tools;
	}

	/**
	 * The user-mode network of this host, if {@code slirp4netns} is installed.
	 * @param tools where to look
	 * @return the network, or {@code null}
	 */
	static @Nullable UserModeNetwork find(Tools tools) {
		String path = tools.find("slirp4netns");
		return (path != null && Files.exists(TUN)) ? new UserModeNetwork(path, tools) : null;
	}

	/**
	 * Connects a sandbox's network namespace to the outside.
	 * @param directory the sandbox's directory (for a private device node)
	 * @param namespaceInit pid 1 of the sandbox, in the user namespace that owns its
	 * network namespace
	 * @param user the sandbox's user
	 * @param setpriv the {@code setpriv} program
	 * @return the running stack; destroy it to disconnect
	 * @throws IOException if it does not come up
	 */
	Process connect(Path directory, long namespaceInit, SandboxUser user, String setpriv) throws IOException {
		String ns = "/proc/" + namespaceInit + "/ns/";
		List<String> slirp = user.wrap(setpriv,
				List.of(this.slirp4netns, "--configure", "--mtu=65520", "--disable-host-loopback", "--exit-fd=0",
						"--ready-fd=1", "--userns-path=" + ns + "user", "--netns-type=path", ns + "net", "tap0"));
		List<String> command = new ArrayList<>();
		if (user.switched() && !worldReadWritable()) {
			Path node = directory.resolve("tun");
			run(List.of(this.tools.require("mknod").get(0), "-m", "600", node.toString(), "c", "10", "200"));
			user.own(node);
			command.addAll(List.of(this.tools.require("unshare").get(0), "--mount", "--propagation", "private", "--",
					"/bin/sh", "-c", "mount --bind \"$0\" /dev/net/tun && exec \"$@\"", node.toString()));
		}
		command.addAll(slirp);
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.environment().clear();
		builder.environment().put("PATH", Tools.SANDBOX_PATH);
		Process process = Launcher.start(builder);
		// Own threads: these reads block, and the common pool may have a single worker.
		CompletableFuture<String> errors = new CompletableFuture<>();
		daemon(() -> errors.complete(read(process.getErrorStream())));
		CompletableFuture<?> deadline = CompletableFuture.runAsync(process::destroyForcibly,
				CompletableFuture.delayedExecutor(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS, UserModeNetwork::daemon));
		int ready;
		try {
			// One byte once the interface is configured; end of stream if it died or the
			// deadline killed it.
			ready = process.getInputStream().read();
		}
		finally {
			deadline.cancel(false);
		}
		if (ready != '1') {
			process.destroyForcibly();
			throw new IOException("The sandbox's network (slirp4netns) did not come up within " + READY_TIMEOUT_SECONDS
					+ " seconds: " + errors.completeOnTimeout("", 2, TimeUnit.SECONDS).join().strip());
		}
		return process;
	}

	private static void daemon(Runnable task) {
		Thread thread = new Thread(task, "opensandbox-network");
		thread.setDaemon(true);
		thread.start();
	}

	private static boolean worldReadWritable() {
		try {
			return Files.getPosixFilePermissions(TUN)
				.containsAll(java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static void run(List<String> command) throws IOException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = read(process.getInputStream());
		try {
			if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IOException(String.join(" ", command) + " failed: " + output.strip());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted");
		}
	}

	private static String read(InputStream stream) {
		try (stream) {
			return new String(stream.readNBytes(4096), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

	/**
	 * The {@code resolv.conf} a connected sandbox sees: the stack's DNS forwarder.
	 * @return the file content
	 */
	static String resolvConf() {
		return "nameserver " + NAMESERVER + "\n";
	}

}
