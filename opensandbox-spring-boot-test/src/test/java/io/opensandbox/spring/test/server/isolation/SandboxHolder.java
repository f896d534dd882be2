package io.opensandbox.spring.test.server.isolation;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A JVM that creates a sandbox, starts a long command in it and then waits to be killed
 * or exits, to show that sandbox processes do not outlive the JVM.
 *
 * @author OpenSandbox Spring Boot
 */
public final class SandboxHolder {

	private SandboxHolder() {
	}

	public static void main(String[] args) throws Exception {
		SandboxIsolation isolation = "unshare".equals(args[0]) ? SandboxIsolation.unshare(Path.of(args[1]))
				: SandboxIsolation.bubblewrap(Path.of(args[1]));
		IsolatedSandbox sandbox = isolation.create("held", new IsolationOptions(false, Map.of()));
		sandbox.start(List.of("sh", "-c", "(setsid sleep " + args[2] + " > /dev/null 2>&1 &); sleep " + args[2]), null,
				Map.of());
		System.out.println("started " + ((NamespaceSandbox) sandbox).namespaceInit().pid());
		System.out.flush();
		if ("exit".equals(args[3])) {
			Thread.sleep(500);
			System.exit(0);
		}
		Thread.sleep(Long.MAX_VALUE);
	}

}
