package io.opensandbox.spring.test.server.isolation;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.opensandbox.spring.test.server.isolation.SandboxTestSupport.eventually;
import static io.opensandbox.spring.test.server.isolation.SandboxTestSupport.hostSleeps;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A JVM that dies, even by SIGKILL, takes its sandboxes' processes with it: each
 * sandbox's init exits when its standard input, held only by the JVM, closes, and the
 * kernel then kills the whole pid namespace.
 *
 * @author OpenSandbox Spring Boot
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class JvmExitTests {

	@TempDir
	Path base;

	@ParameterizedTest
	@CsvSource({ "unshare, kill, 432101", "unshare, exit, 432102", "bubblewrap, kill, 432103",
			"bubblewrap, exit, 432104" })
	void sandboxProcessesDoNotOutliveTheJvm(String backend, String ending, String marker) throws Exception {
		// Sandbox users must be able to pass through to the sandbox directories.
		Files.setPosixFilePermissions(this.base, PosixFilePermissions.fromString("rwx--x--x"));
		Backends.available(backend,
				() -> "unshare".equals(backend) ? SandboxIsolation.unshare(this.base.resolve("check"))
						: SandboxIsolation.bubblewrap(this.base.resolve("check")));
		Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
		Process jvm = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
				SandboxHolder.class.getName(), backend, this.base.toString(), marker, ending)
			.redirectError(ProcessBuilder.Redirect.INHERIT)
			.start();
		try {
			BufferedReader reader = new BufferedReader(
					new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
			String line = reader.readLine();
			assertThat(line).startsWith("started ");
			long init = Long.parseLong(line.substring("started ".length()));
			eventually(Duration.ofSeconds(10), () -> hostSleeps(marker).size() == 2, "both sleeps running");
			assertThat(SandboxTestSupport.isAlive(init)).isTrue();
			if ("kill".equals(ending)) {
				jvm.destroyForcibly();
			}
			assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).isTrue();
			eventually(Duration.ofSeconds(10), () -> hostSleeps(marker).isEmpty(), "sleeps gone");
			eventually(Duration.ofSeconds(10), () -> !SandboxTestSupport.isAlive(init), "init gone");
			if ("exit".equals(ending)) {
				// The shutdown hook closed the sandbox, directory included.
				assertThat(this.base.resolve("held")).doesNotExist();
			}
		}
		finally {
			jvm.destroyForcibly();
			for (long pid : hostSleeps(marker)) {
				ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
			}
		}
	}

}
