package io.opensandbox.spring.test.server.isolation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.opensandbox.spring.test.server.isolation.SandboxTestSupport.Result;

import static io.opensandbox.spring.test.server.isolation.SandboxTestSupport.awaitLine;
import static io.opensandbox.spring.test.server.isolation.SandboxTestSupport.eventually;
import static io.opensandbox.spring.test.server.isolation.SandboxTestSupport.hostSleeps;
import static io.opensandbox.spring.test.server.isolation.SandboxTestSupport.readCounter;
import static io.opensandbox.spring.test.server.isolation.SandboxTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * Unisolated sandboxes: host processes, but with their working directory, home and
 * process tracking still per sandbox.
 *
 * @author OpenSandbox Spring Boot
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnisolatedIsolationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@TempDir
	Path base;

	@TempDir
	Path hostScratch;

	private final List<IsolatedSandbox> sandboxes = new ArrayList<>();

	@AfterEach
	void closeSandboxes() {
		this.sandboxes.forEach(IsolatedSandbox::close);
	}

	private IsolatedSandbox create(Map<String, String> env) throws IOException {
		SandboxIsolation isolation = SandboxIsolation.unisolated(this.base);
		assertThat(isolation.name()).isEqualTo("none");
		IsolatedSandbox sandbox = isolation.create("plain-" + this.sandboxes.size(), new IsolationOptions(false, env));
		this.sandboxes.add(sandbox);
		return sandbox;
	}

	@Test
	void workingDirectoryAndRelativePathsAgreeWithHostPaths() throws Exception {
		IsolatedSandbox sandbox = create(Map.of());
		Files.writeString(sandbox.hostPath("/workspace/x.py"), "import os\nprint(os.getcwd())\n");
		Result result = run(sandbox, "/workspace", Map.of(), "python3", "x.py");
		assertThat(result.out()).isEqualTo(sandbox.hostPath("/workspace").toString());
		assertThat(run(sandbox, "/workspace", Map.of(), "sh", "-c", "echo made > made.txt").exitCode()).isZero();
		assertThat(sandbox.hostPath("/workspace/made.txt")).hasContent("made");
		assertThat(sandbox.hostPath("/workspace")).startsWith(sandbox.directory());
	}

	@Test
	void homeAndTempPointIntoTheSandbox() throws Exception {
		IsolatedSandbox sandbox = create(Map.of("FOO", "bar"));
		Result result = run(sandbox, "sh", "-c", "pwd; echo $HOME; echo $TMPDIR; echo $FOO");
		assertThat(result.stdout().lines()).containsExactly(sandbox.hostPath("/root").toString(),
				sandbox.hostPath("/root").toString(), sandbox.hostPath("/tmp").toString(), "bar");
		assertThat(sandbox.isWritable("/usr/bin")).isFalse();
		assertThat(sandbox.hostPath("/usr/lib")).isEqualTo(Path.of("/usr/lib"));
	}

	@Test
	void missingWorkingDirectoryIsAnIOException() throws Exception {
		IsolatedSandbox sandbox = create(Map.of());
		assertThatIOException().isThrownBy(() -> sandbox.start(List.of("true"), "/nope", Map.of()))
			.withMessageContaining("/nope");
	}

	@Test
	void exitCodes() throws Exception {
		IsolatedSandbox sandbox = create(Map.of());
		assertThat(run(sandbox, "sh", "-c", "exit 7").exitCode()).isEqualTo(7);
		assertThat(run(sandbox, "sh", "-c", "kill -TERM $$").exitCode()).isEqualTo(128 + 15);
	}

	@Test
	void killKillsTheProcessGroupIncludingBackgroundedGrandchildren() throws Exception {
		IsolatedSandbox sandbox = create(Map.of());
		SandboxProcess process = sandbox.start(List.of("sh", "-c", "sleep 543210 & echo started; wait"), null,
				Map.of());
		awaitLine(process, "started");
		eventually(WAIT, () -> hostSleeps("543210").size() == 1, "sleep running");
		process.kill();
		assertThat(process.onExit().get(10, TimeUnit.SECONDS)).isEqualTo(128 + 9);
		eventually(WAIT, () -> hostSleeps("543210").isEmpty(), "sleep killed");
	}

	@Test
	void pauseResumeAndProcessCount() throws Exception {
		IsolatedSandbox sandbox = create(Map.of());
		IsolatedSandbox other = create(Map.of());
		assertThat(sandbox.processCount()).isZero();
		SandboxProcess counter = sandbox.start(
				List.of("sh", "-c", "i=0; while :; do i=$((i+1)); echo $i > c.new; mv c.new counter; sleep 0.02; done"),
				"/tmp", Map.of());
		Path file = sandbox.hostPath("/tmp/counter");
		eventually(WAIT, () -> readCounter(file) > 3, "counter running");
		assertThat(sandbox.processCount()).isBetween(1, 2);
		assertThat(other.processCount()).isZero();
		sandbox.pause();
		long paused = readCounter(file);
		Thread.sleep(400);
		assertThat(readCounter(file)).isEqualTo(paused);
		sandbox.resume();
		eventually(WAIT, () -> readCounter(file) > paused + 3, "counter running again");
		assertThat(sandbox.metrics().memoryUsedMiB()).isGreaterThan(0);
		counter.kill();
		eventually(WAIT, () -> sandbox.processCount() == 0, "no process left");
	}

	@Test
	void checksForWhatACommandLeftRunningShareOneReadingOfProc() throws Exception {
		IsolatedSandbox sandbox = create(Map.of());
		String marker = marker();
		SandboxProcess process = sandbox.start(List.of("sh", "-c", "sleep " + marker + " >/dev/null 2>&1 &"), null,
				Map.of());
		assertThat(process.onExit().get(10, TimeUnit.SECONDS)).isZero();
		assertThat(process.hasLiveProcesses()).isTrue();
		long started = System.nanoTime();
		long taken = ProcFs.censusesTaken();
		for (int i = 0; i < 200; i++) {
			// as the server asks for each command that left something running
			assertThat(process.hasLiveProcesses()).isTrue();
		}
		long windows = 1 + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)
				/ AbstractSandbox.MEMBERS_CENSUS_MAX_AGE_MILLIS;
		assertThat(ProcFs.censusesTaken() - taken).isLessThanOrEqualTo(windows + 1);
		process.kill();
		eventually(WAIT, () -> !process.hasLiveProcesses(), "nothing left running");
		assertThat(hostSleeps(marker)).isEmpty();
	}

	@Test
	void whatALeaderForksJustBeforeItExitsIsSeenThoughAnOlderCensusIsAtHand() throws Exception {
		IsolatedSandbox sandbox = create(Map.of());
		SandboxProcess process = sandbox.start(List.of("sh", "-c", "read go; sleep 543222 >/dev/null 2>&1 &"), null,
				Map.of());
		// a census that sees the leader alive and nothing else of the command
		ProcFs.census(System.nanoTime());
		try (var stdin = process.stdin()) {
			stdin.write("go\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
		}
		assertThat(process.onExit().get(10, TimeUnit.SECONDS)).isZero();
		assertThat(process.hasLiveProcesses()).isTrue();
		process.kill();
		eventually(WAIT, () -> !process.hasLiveProcesses(), "nothing left running");
	}

	@Test
	void closeKillsProcessesAndRemovesOnlyTheSandbox() throws Exception {
		IsolatedSandbox sandbox = create(Map.of());
		Path keep = Files.writeString(this.hostScratch.resolve("keep.txt"), "keep");
		Files.createSymbolicLink(sandbox.hostPath("/tmp").resolve("link"), this.hostScratch);
		String first = marker();
		String second = marker();
		SandboxProcess process = sandbox.start(
				List.of("sh", "-c", "sleep " + first + " & sleep " + second + " & echo started; wait"), null, Map.of());
		awaitLine(process, "started");
		eventually(WAIT, () -> hostSleeps(second).size() == 1, "sleeps running");
		sandbox.close();
		assertThat(hostSleeps(first)).isEmpty();
		assertThat(hostSleeps(second)).isEmpty();
		assertThat(sandbox.directory()).doesNotExist();
		assertThat(keep).hasContent("keep");
		assertThatIOException().isThrownBy(() -> sandbox.start(List.of("true"), null, Map.of()));
	}

	/*
	 * A sleep argument no other run uses, so that processes left behind elsewhere on the
	 * host (by an interrupted run) are never counted.
	 */
	private static String marker() {
		return Long.toString(ThreadLocalRandom.current().nextLong(100_000_000L, 1_000_000_000L));
	}

}
