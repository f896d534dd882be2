package io.opensandbox.spring.test.server.isolation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Choosing the isolation backend.
 *
 * @author OpenSandbox Spring Boot
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IsolationDetectorTests {

	@TempDir
	Path base;

	private final Tools nothing = new Tools(List.of());

	@Test
	void withoutAnyWorkingBackendCommandsAreRefusedWithAnExplanation() {
		assertThatExceptionOfType(IsolationUnavailableException.class)
			.isThrownBy(() -> IsolationDetector.detect(this.base, false, this.nothing))
			.withMessageContaining("bubblewrap: 'bwrap' not found")
			.withMessageContaining("unshare: 'unshare' not found")
			.withMessageContaining("allowUnisolated(true)")
			.withMessageContaining("--allow-unisolated");
	}

	@Test
	void withoutAnyWorkingBackendUnisolatedIsUsedOnlyWhenAllowed(@TempDir Path bin) throws IOException {
		Files.createSymbolicLink(bin.resolve("setsid"), Path.of(Tools.host().find("setsid")));
		Tools onlySetsid = new Tools(List.of(bin));
		assertThatExceptionOfType(IsolationUnavailableException.class)
			.isThrownBy(() -> IsolationDetector.detect(this.base, false, onlySetsid));
		SandboxIsolation isolation = IsolationDetector.detect(this.base, true, onlySetsid);
		assertThat(isolation.name()).isEqualTo("none");
	}

	@Test
	void bubblewrapIsPreferredWhenItWorks() {
		SandboxIsolation detected = SandboxIsolation.detect(this.base, false);
		boolean bubblewrapWorks;
		try {
			SandboxIsolation.bubblewrap(this.base);
			bubblewrapWorks = true;
		}
		catch (IsolationUnavailableException ex) {
			bubblewrapWorks = false;
		}
		assertThat(detected.name()).isEqualTo(bubblewrapWorks ? "bubblewrap" : "unshare");
	}

	@Test
	void explicitBackendWithoutItsProgramIsUnavailable() {
		Tools noBwrap = new Tools(List.of(Path.of("/nonexistent")));
		assertThatExceptionOfType(IsolationUnavailableException.class)
			.isThrownBy(() -> new BubblewrapIsolation(this.base, HostLayout.detect(), noBwrap))
			.withMessageContaining("not found");
	}

	@Test
	void probeSandboxesLeaveNothingBehind() throws Exception {
		Files.setPosixFilePermissions(this.base, PosixFilePermissions.fromString("rwx--x--x"));
		Path probeBase = this.base.resolve("probes");
		SandboxIsolation isolation = Backends.available("unshare", () -> SandboxIsolation.unshare(probeBase));
		assertThat(probeBase).isEmptyDirectory();
		try (IsolatedSandbox sandbox = isolation.create("after-probe", new IsolationOptions(false, Map.of()))) {
			assertThat(sandbox.directory()).isDirectory();
		}
		assertThat(probeBase).isEmptyDirectory();
	}

}
