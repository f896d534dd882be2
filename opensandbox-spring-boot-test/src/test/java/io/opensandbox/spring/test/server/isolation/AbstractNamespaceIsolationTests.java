package io.opensandbox.spring.test.server.isolation;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.opensandbox.spring.test.server.isolation.SandboxTestSupport.Result;

import static io.opensandbox.spring.test.server.isolation.SandboxTestSupport.awaitLine;
import static io.opensandbox.spring.test.server.isolation.SandboxTestSupport.eventually;
import static io.opensandbox.spring.test.server.isolation.SandboxTestSupport.finish;
import static io.opensandbox.spring.test.server.isolation.SandboxTestSupport.hostSleeps;
import static io.opensandbox.spring.test.server.isolation.SandboxTestSupport.readCounter;
import static io.opensandbox.spring.test.server.isolation.SandboxTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The behaviour every namespace backend must have, run once per backend that works on
 * this machine.
 *
 * @author OpenSandbox Spring Boot
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class AbstractNamespaceIsolationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@TempDir
	Path base;

	@TempDir
	Path hostScratch;

	private SandboxIsolation isolation;

	private final List<IsolatedSandbox> sandboxes = new ArrayList<>();

	/**
	 * The backend under test; aborts the test (assumption) where it does not work.
	 */
	abstract SandboxIsolation isolation(Path baseDirectory);

	abstract String expectedName();

	@BeforeEach
	void createIsolation() {
		this.isolation = isolation(this.base);
	}

	@AfterEach
	void closeSandboxes() {
		this.sandboxes.forEach(IsolatedSandbox::close);
	}

	private IsolatedSandbox create() throws IOException {
		return create(false, Map.of());
	}

	private IsolatedSandbox create(boolean network, Map<String, String> env) throws IOException {
		IsolatedSandbox sandbox = this.isolation.create("sb-" + this.sandboxes.size(),
				new IsolationOptions(network, env));
		this.sandboxes.add(sandbox);
		return sandbox;
	}

	@Test
	void nameIsTheBackend() {
		assertThat(this.isolation.name()).isEqualTo(expectedName());
	}

	@Test
	void fileWrittenAtHostPathOfTmpIsTheFileCommandsSee() throws Exception {
		IsolatedSandbox sandbox = create();
		Files.writeString(sandbox.hostPath("/tmp/x.py"), "print('hello from', __file__)\n");
		assertThat(run(sandbox, "/usr/bin/python3", "/tmp/x.py").out()).isEqualTo("hello from /tmp/x.py");
		assertThat(run(sandbox, "cat", "/tmp/x.py").out()).isEqualTo("print('hello from', __file__)");
	}

	@Test
	void fileWrittenAtHostPathOfWorkspaceIsTheFileCommandsSee() throws Exception {
		IsolatedSandbox sandbox = create();
		Path script = sandbox.hostPath("/workspace/project/main.py");
		Files.createDirectories(script.getParent());
		Files.writeString(script, "import os\nprint(os.getcwd(), open('data.txt').read())\n");
		Files.writeString(sandbox.hostPath("/workspace/project/data.txt"), "42");
		assertThat(isSandboxsOwn(sandbox, script)).as(script.toString()).isTrue();
		assertThat(run(sandbox, "/workspace/project", Map.of(), "python3", "main.py").out())
			.isEqualTo("/workspace/project 42");
		assertThat(run(sandbox, "cat", "/workspace/project/data.txt").out()).isEqualTo("42");
	}

	@Test
	void fileWrittenByCommandAppearsAtHostPath() throws Exception {
		IsolatedSandbox sandbox = create();
		Result result = run(sandbox, "sh", "-c", "echo from-sandbox > /workspace/out.txt && mkdir -p /tmp/a/b "
				+ "&& echo deep > /tmp/a/b/c.txt && echo home > /root/.profile-test");
		assertThat(result.exitCode()).as(result.stderr()).isZero();
		assertThat(Files.readString(sandbox.hostPath("/workspace/out.txt"))).isEqualTo("from-sandbox\n");
		assertThat(Files.readString(sandbox.hostPath("/tmp/a/b/c.txt"))).isEqualTo("deep\n");
		assertThat(Files.readString(sandbox.hostPath("/root/.profile-test"))).isEqualTo("home\n");
	}

	@Test
	void sandboxesCannotSeeEachOthersFiles() throws Exception {
		IsolatedSandbox first = create();
		IsolatedSandbox second = create();
		assertThat(run(first, "sh", "-c", "echo secret > /tmp/secret && echo w > /workspace/w").exitCode()).isZero();
		assertThat(run(first, "cat", "/tmp/secret").out()).isEqualTo("secret");
		assertThat(run(second, "test", "-e", "/tmp/secret").exitCode()).isEqualTo(1);
		assertThat(run(second, "sh", "-c", "ls -A /tmp /workspace | grep -v : | grep -c .").out()).isEqualTo("0");
		// Nor their directories on the host, by any path.
		assertThat(run(second, "sh", "-c", "find / -xdev -name secret 2>/dev/null | wc -l").out()).isEqualTo("0");
	}

	@Test
	void sandboxesCannotSeeEachOthersProcesses() throws Exception {
		IsolatedSandbox first = create();
		IsolatedSandbox second = create();
		SandboxProcess sleeper = first.start(List.of("sleep", "876543"), null, Map.of());
		eventually(WAIT, () -> !hostSleeps("876543").isEmpty(), "sleep visible on the host");
		assertThat(run(first, "sh", "-c", "cat /proc/[0-9]*/cmdline | tr '\\0' ' '").out()).contains("876543");
		assertThat(run(second, "sh", "-c", "cat /proc/[0-9]*/cmdline | tr '\\0' ' '").out()).doesNotContain("876543");
		assertThat(run(second, "ps", "-eo", "args").out()).doesNotContain("876543").doesNotContain("java");
		assertThat(run(second, "kill", "-9", Long.toString(hostSleeps("876543").get(0))).exitCode()).isNotZero();
		assertThat(sleeper.onExit()).isNotDone();
		sleeper.kill();
	}

	@Test
	void hostWritableDirectoriesAreNotVisible() throws Exception {
		IsolatedSandbox sandbox = create();
		Path marker = Files.writeString(this.hostScratch.resolve("host-marker.txt"), "host");
		assertThat(marker.toString()).startsWith("/tmp/");
		assertThat(run(sandbox, "test", "-e", marker.toString()).exitCode()).isEqualTo(1);
		assertThat(run(sandbox, "test", "-e", this.base.toString()).exitCode()).isEqualTo(1);
		assertThat(run(sandbox, "sh", "-c", "ls -A /root /home /tmp /run /var/tmp | grep -v : | grep -c .").out())
			.isEqualTo("0");
		List<String> hostRoot = listOrEmpty(Path.of("/root"));
		String insideRoot = run(sandbox, "ls", "-A", "/root").out();
		for (String entry : hostRoot) {
			assertThat(insideRoot.lines()).doesNotContain(entry);
		}
	}

	private static List<String> listOrEmpty(Path directory) {
		try (Stream<Path> entries = Files.list(directory)) {
			return entries.map((path) -> path.getFileName().toString()).toList();
		}
		catch (IOException ex) {
			return List.of();
		}
	}

	@Test
	void systemDirectoriesAreReadOnlyAndCannotBeMadeWritable() throws Exception {
		IsolatedSandbox sandbox = create();
		Path probe = Path.of("/usr/opensandbox-isolation-test");
		try {
			Result touch = run(sandbox, "touch", probe.toString());
			assertThat(touch.exitCode()).isNotZero();
			assertThat(touch.stderr()).contains("Read-only file system");
			assertThat(run(sandbox, "test", "-w", "/etc/hosts").exitCode()).isEqualTo(1);
			// Root inside has every capability in its namespace, but the mounts are
			// locked.
			assertThat(run(sandbox, "mount", "-o", "remount,bind,rw", "/usr").exitCode()).isNotZero();
			assertThat(run(sandbox, "umount", "-l", "/usr").exitCode()).isNotZero();
			assertThat(run(sandbox, "umount", "-l", "/proc/sys").exitCode()).isNotZero();
			assertThat(run(sandbox, "test", "-w", "/usr").exitCode()).isEqualTo(1);
			// Kernel settings are not writable, though root inside may be the host's
			// root.
			assertThat(run(sandbox, "test", "-w", "/proc/sys/vm/swappiness").exitCode()).isEqualTo(1);
			assertThat(probe).doesNotExist();
		}
		finally {
			Files.deleteIfExists(probe);
		}
		assertThat(sandbox.isWritable("/usr/lib/x")).isFalse();
		assertThat(sandbox.isWritable("/etc/passwd")).isFalse();
		assertThat(sandbox.isWritable("/bin/sh")).isFalse();
		assertThat(sandbox.isWritable("/proc/self/environ")).isFalse();
		assertThat(sandbox.isWritable("/dev/null")).isFalse();
		assertThat(sandbox.isWritable("/tmp/x")).isTrue();
		assertThat(sandbox.isWritable("/workspace")).isTrue();
		assertThat(sandbox.hostPath("/usr/lib")).isEqualTo(Path.of("/usr/lib"));
		assertThat(sandbox.hostPath("/usr/bin/python3")).isEqualTo(Path.of("/usr/bin/python3").toRealPath());
		assertThat(sandbox.hostPath("/etc/no-such-file")).isEqualTo(Path.of("/etc/no-such-file"));
	}

	@Test
	void commandsRunAsRootWithAMinimalDev() throws Exception {
		IsolatedSandbox sandbox = create();
		assertThat(run(sandbox, "id", "-u").out()).isEqualTo("0");
		assertThat(run(sandbox, "sh", "-c", "echo x > /dev/null && head -c 16 /dev/urandom | wc -c").out())
			.isEqualTo("16");
		Set<String> devices = Set.of(run(sandbox, "ls", "/dev").out().split("\\s+"));
		assertThat(devices).contains("null", "zero", "urandom", "shm", "pts")
			.doesNotContain("vda", "sda", "kmsg", "mem", "kvm");
		assertThat(run(sandbox, "sh", "-c", "echo shared > /dev/shm/x && cat /dev/shm/x").out()).isEqualTo("shared");
		Result pty = run(sandbox, "python3", "-c",
				"import os, pty\nmaster, slave = pty.openpty()\nprint(os.ttyname(slave))");
		assertThat(pty.out()).as(pty.stderr()).startsWith("/dev/pts/");
	}

	@Test
	void workingDirectoryAndEnvironmentAreHonoured() throws Exception {
		IsolatedSandbox sandbox = create(false, Map.of("FOO", "from-options", "BAR", "from-options"));
		Result result = run(sandbox, "/workspace", Map.of("BAR", "from-command"), "sh", "-c",
				"pwd; echo $FOO $BAR; echo $HOME $LANG; echo $PATH");
		assertThat(result.stdout().lines()).containsExactly("/workspace", "from-options from-command", "/root C.UTF-8",
				"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
		assertThat(run(sandbox, "pwd").out()).isEqualTo("/root");
		assertThat(run(sandbox, "/tmp", Map.of(), "pwd").out()).isEqualTo("/tmp");
		assertThat(run(sandbox, "env").out()).doesNotContain("JAVA_HOME").doesNotContain("MAVEN");
	}

	@Test
	void missingWorkingDirectoryIsAnIOExceptionBeforeAnythingRuns() throws Exception {
		IsolatedSandbox sandbox = create();
		Files.writeString(sandbox.hostPath("/tmp/file"), "x");
		assertThatIOException().isThrownBy(() -> sandbox.start(List.of("touch", "/tmp/ran"), "/nope", Map.of()))
			.withMessageContaining("/nope");
		assertThatIOException().isThrownBy(() -> sandbox.start(List.of("touch", "/tmp/ran"), "/tmp/file", Map.of()))
			.withMessageContaining("/tmp/file");
		assertThatIOException().isThrownBy(() -> sandbox.start(List.of("touch", "/tmp/ran"), "relative", Map.of()))
			.withMessageContaining("relative");
		assertThat(sandbox.hostPath("/tmp/ran")).doesNotExist();
	}

	@Test
	void exitCodesArePassedOn() throws Exception {
		IsolatedSandbox sandbox = create();
		assertThat(run(sandbox, "true").exitCode()).isZero();
		assertThat(run(sandbox, "sh", "-c", "exit 3").exitCode()).isEqualTo(3);
		assertThat(run(sandbox, "sh", "-c", "kill -TERM $$").exitCode()).isEqualTo(128 + 15);
		assertThat(run(sandbox, "sh", "-c", "kill -KILL $$").exitCode()).isEqualTo(128 + 9);
		assertThat(run(sandbox, "no-such-program-anywhere").exitCode()).isEqualTo(127);
	}

	@Test
	void standardInputReachesTheCommand() throws Exception {
		IsolatedSandbox sandbox = create();
		SandboxProcess cat = sandbox.start(List.of("cat"), null, Map.of());
		assertThat(finish(cat, "through stdin\n").stdout()).isEqualTo("through stdin\n");
	}

	@Test
	void commandLeadsItsOwnProcessGroup() throws Exception {
		IsolatedSandbox sandbox = create();
		String[] ids = run(sandbox, "sh", "-c", "echo $$ $(ps -o pgid= -p $$) $(ps -o sid= -p $$)").out().split("\\s+");
		assertThat(ids[1]).isEqualTo(ids[0]);
		assertThat(ids[2]).isEqualTo(ids[0]);
	}

	@Test
	void killKillsTheProcessGroupIncludingBackgroundedGrandchildren() throws Exception {
		IsolatedSandbox sandbox = create();
		SandboxProcess process = sandbox.start(List.of("sh", "-c", "sleep 765432 & sleep 765433 & echo started; wait"),
				null, Map.of());
		awaitLine(process, "started");
		eventually(WAIT, () -> hostSleeps("765432").size() == 1 && hostSleeps("765433").size() == 1,
				"background sleeps running");
		process.kill();
		assertThat(process.onExit().get(10, TimeUnit.SECONDS)).isEqualTo(128 + 9);
		eventually(WAIT, () -> hostSleeps("765432").isEmpty() && hostSleeps("765433").isEmpty(),
				"background sleeps killed");
		assertThat(sandbox.processCount()).isZero();
	}

	@Test
	void killOfAFinishedCommandKillsWhatItLeftInItsGroup() throws Exception {
		IsolatedSandbox sandbox = create();
		SandboxProcess process = sandbox.start(List.of("sh", "-c", "sleep 765434 > /dev/null 2>&1 &"), null, Map.of());
		assertThat(process.onExit().get(10, TimeUnit.SECONDS)).isZero();
		eventually(WAIT, () -> hostSleeps("765434").size() == 1, "orphaned sleep running");
		process.kill();
		eventually(WAIT, () -> hostSleeps("765434").isEmpty(), "orphaned sleep killed");
	}

	@Test
	void killLeavesOtherCommandsAlone() throws Exception {
		IsolatedSandbox sandbox = create();
		SandboxProcess victim = sandbox.start(List.of("sleep", "765435"), null, Map.of());
		SandboxProcess bystander = sandbox.start(List.of("sleep", "765436"), null, Map.of());
		eventually(WAIT, () -> hostSleeps("765436").size() == 1, "bystander running");
		victim.kill();
		assertThat(victim.onExit().get(10, TimeUnit.SECONDS)).isEqualTo(128 + 9);
		assertThat(bystander.onExit()).isNotDone();
		assertThat(hostSleeps("765436")).hasSize(1);
	}

	@Test
	void pauseStopsProgressAndResumeContinuesIt() throws Exception {
		IsolatedSandbox sandbox = create();
		SandboxProcess counter = sandbox.start(List.of("sh", "-c",
				"i=0; while :; do i=$((i+1)); echo $i > /tmp/c.new; mv /tmp/c.new /tmp/counter; sleep 0.02; done"),
				null, Map.of());
		Path file = sandbox.hostPath("/tmp/counter");
		eventually(WAIT, () -> readCounter(file) > 3, "counter running");
		sandbox.pause();
		long paused = readCounter(file);
		Thread.sleep(500);
		assertThat(readCounter(file)).isEqualTo(paused);
		assertThat(counter.onExit()).isNotDone();
		sandbox.resume();
		eventually(WAIT, () -> readCounter(file) > paused + 3, "counter running again");
		counter.kill();
	}

	@Test
	void commandPausedAndResumedStillReportsItsExit() throws Exception {
		IsolatedSandbox sandbox = create();
		SandboxProcess process = sandbox.start(List.of("sh", "-c", "echo started; sleep 0.3; exit 5"), null, Map.of());
		awaitLine(process, "started");
		sandbox.pause();
		Thread.sleep(600);
		assertThat(process.onExit()).isNotDone();
		sandbox.resume();
		assertThat(process.onExit().get(10, TimeUnit.SECONDS)).isEqualTo(5);
	}

	@Test
	void killInAPausedSandboxStillReportsTheExit() throws Exception {
		IsolatedSandbox sandbox = create();
		SandboxProcess process = sandbox.start(List.of("sleep", "765437"), null, Map.of());
		eventually(WAIT, () -> hostSleeps("765437").size() == 1, "sleep running");
		sandbox.pause();
		process.kill();
		assertThat(process.onExit().get(10, TimeUnit.SECONDS)).isEqualTo(128 + 9);
		assertThat(hostSleeps("765437")).isEmpty();
		sandbox.resume();
	}

	@Test
	void pauseStopsDaemonisedProcessesToo() throws Exception {
		IsolatedSandbox sandbox = create();
		Result start = run(sandbox, "sh", "-c", "(setsid sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/c.new; "
				+ "mv /tmp/c.new /tmp/counter; sleep 0.02; done' > /dev/null 2>&1 &)");
		assertThat(start.exitCode()).isZero();
		Path file = sandbox.hostPath("/tmp/counter");
		eventually(WAIT, () -> readCounter(file) > 3, "daemon running");
		sandbox.pause();
		long paused = readCounter(file);
		Thread.sleep(400);
		assertThat(readCounter(file)).isEqualTo(paused);
		sandbox.resume();
		eventually(WAIT, () -> readCounter(file) > paused + 3, "daemon running again");
	}

	@Test
	void processCountCountsTheSandboxsProcessesOnly() throws Exception {
		IsolatedSandbox sandbox = create();
		IsolatedSandbox other = create();
		assertThat(sandbox.processCount()).isZero();
		SandboxProcess one = sandbox.start(List.of("sleep", "1000"), null, Map.of());
		eventually(WAIT, () -> sandbox.processCount() == 1, "one process");
		SandboxProcess three = sandbox.start(List.of("sh", "-c", "sleep 1000 & sleep 1000 & wait"), null, Map.of());
		eventually(WAIT, () -> sandbox.processCount() == 4, "four processes");
		assertThat(other.processCount()).isZero();
		three.kill();
		eventually(WAIT, () -> sandbox.processCount() == 1, "one process left");
		one.kill();
		eventually(WAIT, () -> sandbox.processCount() == 0, "no process left");
	}

	@Test
	void metricsReportTheSandboxsMemoryAndCpu() throws Exception {
		IsolatedSandbox sandbox = create();
		ProcessMetrics idle = sandbox.metrics();
		assertThat(idle.cpuCount()).isEqualTo(Runtime.getRuntime().availableProcessors());
		assertThat(idle.memoryTotalMiB()).isGreaterThan(0);
		assertThat(idle.memoryUsedMiB()).isZero();
		SandboxProcess hog = sandbox.start(List.of("python3", "-c",
				"import time\nb = bytearray(64 * 1024 * 1024)\nfor i in range(0, len(b), 4096): b[i] = 1\n"
						+ "print('ready', flush=True)\ntime.sleep(1000)\n"),
				null, Map.of());
		awaitLine(hog, "ready");
		assertThat(sandbox.metrics().memoryUsedMiB()).isGreaterThan(60);
		hog.kill();
		SandboxProcess spinner = sandbox.start(List.of("sh", "-c", "while :; do :; done"), null, Map.of());
		sandbox.metrics();
		Thread.sleep(600);
		assertThat(sandbox.metrics().cpuUsedPercent()).isGreaterThan(20);
		spinner.kill();
	}

	@Test
	void closeKillsEveryProcessAndRemovesTheDirectory() throws Exception {
		IsolatedSandbox sandbox = create();
		SandboxProcess process = sandbox.start(List.of("sh", "-c",
				"sleep 654321 & (setsid sleep 654322 > /dev/null 2>&1 &) ; nohup sleep 654323 > /dev/null 2>&1 & "
						+ "echo started; wait"),
				null, Map.of());
		awaitLine(process, "started");
		SandboxProcess paused = sandbox.start(List.of("sleep", "654324"), null, Map.of());
		eventually(WAIT, () -> Stream.of("654321", "654322", "654323", "654324")
			.allMatch((marker) -> hostSleeps(marker).size() == 1), "all sleeps running");
		sandbox.pause();
		List<Long> pids = Stream.of("654321", "654322", "654323", "654324")
			.flatMap((marker) -> hostSleeps(marker).stream())
			.collect(Collectors.toCollection(ArrayList::new));
		NamespaceSandbox namespaces = (NamespaceSandbox) sandbox;
		pids.add(namespaces.namespaceInit().pid());
		pids.add(namespaces.enterTarget().pid());
		pids.add(namespaces.launcher().pid());
		assertThat(pids).allMatch(SandboxTestSupport::isAlive);
		Path directory = sandbox.directory();
		assertThat(directory).isDirectory();
		sandbox.close();
		assertThat(pids).noneMatch(SandboxTestSupport::isAlive);
		assertThat(process.onExit().get(10, TimeUnit.SECONDS)).isEqualTo(128 + 9);
		assertThat(paused.onExit().get(10, TimeUnit.SECONDS)).isEqualTo(128 + 9);
		assertThat(directory).doesNotExist();
		assertThat(this.base).isEmptyDirectory();
	}

	@Test
	void closeRemovesOnlyTheSandboxEvenThroughSymlinks() throws Exception {
		IsolatedSandbox sandbox = create();
		Path outside = Files.createDirectories(this.hostScratch.resolve("outside"));
		Path keep = Files.writeString(outside.resolve("keep.txt"), "keep");
		Files.createSymbolicLink(sandbox.hostPath("/tmp").resolve("dir-link"), outside);
		Files.createSymbolicLink(sandbox.hostPath("/workspace").resolve("file-link"), keep);
		assertThat(
				run(sandbox, "sh", "-c",
						"ln -s / /tmp/root-link && ln -s /usr /tmp/usr-link && ln -s ../../.. /workspace/up && "
								+ "mkdir /tmp/locked && touch /tmp/locked/f && chmod 000 /tmp/locked")
					.exitCode())
			.isZero();
		sandbox.close();
		assertThat(sandbox.directory()).doesNotExist();
		assertThat(keep).hasContent("keep");
		assertThat(Path.of("/usr/bin/python3")).exists();
	}

	@Test
	void closeIsIdempotentThreadSafeAndFinal() throws Exception {
		IsolatedSandbox sandbox = create();
		SandboxProcess sleeper = sandbox.start(List.of("sleep", "1000"), null, Map.of());
		CompletableFuture<Void> first = CompletableFuture.runAsync(sandbox::close);
		CompletableFuture<Void> second = CompletableFuture.runAsync(sandbox::close);
		CompletableFuture.allOf(first, second).get(20, TimeUnit.SECONDS);
		sandbox.close();
		assertThat(sleeper.onExit().get(10, TimeUnit.SECONDS)).isEqualTo(128 + 9);
		assertThat(sandbox.directory()).doesNotExist();
		assertThatIOException().isThrownBy(() -> sandbox.start(List.of("true"), null, Map.of()))
			.withMessageContaining("closed");
	}

	@Test
	void withoutControlGroupsProcessAndMemoryLimitsComeFromResourceLimits() throws Exception {
		assumeThat(SandboxUser.currentIds()[0]).as("sandboxes have users of their own").isZero();
		((NamespaceIsolation) this.isolation).withoutControlGroups();
		IsolatedSandbox sandbox = this.isolation.create("limited",
				new IsolationOptions(false, Map.of(), new ResourceLimits(64L * 1024 * 1024, -1, 200, 1L << 30)));
		this.sandboxes.add(sandbox);
		Result memory = run(sandbox, "python3", "-c", "a = bytearray(256 * 1024 * 1024)\nprint('granted')");
		assertThat(memory.out()).doesNotContain("granted");
		assertThat(memory.stderr()).contains("MemoryError");
		Result forks = run(sandbox, "python3", "-c",
				"import os, time\nchildren = []\ntry:\n"
						+ "    while len(children) < 500:\n        pid = os.fork()\n        if pid == 0:\n"
						+ "            time.sleep(30)\n            os._exit(0)\n        children.append(pid)\n"
						+ "except OSError as ex:\n    print('refused', ex.errno)\nprint(len(children))\n"
						+ "for pid in children:\n    os.kill(pid, 9)\n");
		assertThat(forks.out()).contains("refused 11");
	}

	@Test
	void aSandboxOutlivesTheThreadThatCreatedIt() throws Exception {
		IsolatedSandbox[] created = new IsolatedSandbox[1];
		Thread creator = new Thread(() -> {
			try {
				created[0] = create();
			}
			catch (IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
		});
		creator.start();
		creator.join();
		// Linux sends a parent-death signal when the forking thread ends, not the
		// process.
		Thread.sleep(500);
		assertThat(run(created[0], "echo", "alive").out()).isEqualTo("alive");
		assertThat(created[0].terminated()).isNotDone();
	}

	@Test
	void aSandboxWhoseInitDiesSaysSo() throws Exception {
		IsolatedSandbox sandbox = create();
		((NamespaceSandbox) sandbox).namespaceInit().destroyForcibly();
		assertThat(sandbox.terminated().get(10, TimeUnit.SECONDS)).contains("init process exited");
	}

	@Test
	void commandsRunAsTheSandboxsOwnUnprivilegedHostUser() throws Exception {
		IsolatedSandbox first = create();
		IsolatedSandbox second = create();
		assertThat(run(first, "id", "-u").out()).isEqualTo("0");
		assertThat(run(first, "touch", "/tmp/owned").exitCode()).isZero();
		assertThat(run(second, "touch", "/tmp/owned").exitCode()).isZero();
		int firstUid = (Integer) Files.getAttribute(first.hostPath("/tmp/owned"), "unix:uid");
		int secondUid = (Integer) Files.getAttribute(second.hostPath("/tmp/owned"), "unix:uid");
		if (SandboxUser.currentIds()[0] == 0) {
			assertThat(firstUid).isGreaterThan(65535).isNotEqualTo(secondUid);
			assertThat(run(first, "cat", "/etc/shadow").exitCode()).isNotZero();
		}
		else {
			assertThat(firstUid).isEqualTo(SandboxUser.currentIds()[0]);
		}
	}

	@Test
	void withoutNetworkOnlyLoopbackExistsAndWorks() throws Exception {
		IsolatedSandbox sandbox = create(false, Map.of());
		assertThat(interfaces(run(sandbox, "cat", "/proc/net/dev").stdout())).containsExactly("lo");
		Result loopback = run(sandbox, "python3", "-c",
				"import socket\ns = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
						+ "c = socket.create_connection(s.getsockname()); a, _ = s.accept(); c.sendall(b'ok')\n"
						+ "print(a.recv(2).decode())");
		assertThat(loopback.out()).as(loopback.stderr()).isEqualTo("ok");
	}

	@Test
	void withNetworkTheSandboxGetsAUserModeInterfaceButNoWayToTheHostsLoopback() throws Exception {
		assumeThat(Tools.host().find("slirp4netns")).as("slirp4netns is installed").isNotNull();
		try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			IsolatedSandbox sandbox = create(true, Map.of());
			assertThat(interfaces(run(sandbox, "cat", "/proc/net/dev").stdout())).containsExactlyInAnyOrder("lo",
					"tap0");
			assertThat(run(sandbox, "cat", "/etc/resolv.conf").stdout()).contains("nameserver 10.0.2.3");
			assertThat(run(sandbox, "cat", "/proc/net/route").stdout()).contains("tap0\t00000000\t0202000A");
			// The host's loopback, by its own address and through the gateway.
			for (String host : List.of("127.0.0.1", "10.0.2.2")) {
				Result connect = run(sandbox, "python3", "-c",
						"import socket\ntry:\n" + "    socket.create_connection(('" + host + "', "
								+ listener.getLocalPort() + "), timeout=3)\n"
								+ "    print('connected')\nexcept OSError as ex:\n    print('refused', ex)");
				assertThat(connect.out()).as(host).startsWith("refused");
			}
		}
	}

	@Test
	void networkStackEndsWithTheSandbox() throws Exception {
		assumeThat(Tools.host().find("slirp4netns")).as("slirp4netns is installed").isNotNull();
		IsolatedSandbox sandbox = create(true, Map.of());
		String namespace = "/proc/" + ((NamespaceSandbox) sandbox).namespaceInit().pid() + "/ns/net";
		assertThat(networkStacks(namespace)).isEqualTo(1);
		sandbox.close();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (networkStacks(namespace) > 0 && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(networkStacks(namespace)).isZero();
	}

	private static long networkStacks(String namespace) {
		return ProcessHandle.allProcesses()
			.filter(ProcessHandle::isAlive)
			.map((process) -> process.info().commandLine().orElse(""))
			.filter((line) -> line.contains("slirp4netns") && line.contains(namespace) && !line.contains("unshare"))
			.count();
	}

	/**
	 * Whether a host path lies in the sandbox's own files: its directory, or (where its
	 * root is a file system of its own) its init's root.
	 */
	private static boolean isSandboxsOwn(IsolatedSandbox sandbox, Path hostPath) {
		return hostPath.startsWith(sandbox.directory()) || hostPath
			.startsWith(Path.of("/proc", Long.toString(((NamespaceSandbox) sandbox).enterTarget().pid()), "root"));
	}

	private static List<String> interfaces(String procNetDev) {
		return procNetDev.lines()
			.filter((line) -> line.contains(":"))
			.map((line) -> line.substring(0, line.indexOf(':')).strip())
			.toList();
	}

	@Test
	void hostPathFollowsSymlinksAsTheSandboxSeesThem() throws Exception {
		IsolatedSandbox sandbox = create();
		assertThat(run(sandbox, "sh", "-c",
				"ln -s /etc /tmp/etc-link && ln -s /workspace /tmp/ws-link && ln -s ../../../../../.. /tmp/up && "
						+ "mkdir -p /root/.ssh && ln -s /root/.ssh /tmp/ssh-link")
			.exitCode()).isZero();
		assertThat(sandbox.hostPath("/tmp/etc-link/passwd")).isEqualTo(Path.of("/etc/passwd"));
		assertThat(sandbox.isWritable("/tmp/etc-link/passwd")).isFalse();
		assertThat(sandbox.hostPath("/tmp/ws-link/a.txt")).isEqualTo(sandbox.hostPath("/workspace/a.txt"));
		assertThat(sandbox.isWritable("/tmp/ws-link/a.txt")).isTrue();
		assertThat(sandbox.hostPath("/tmp/up/root/x")).isEqualTo(sandbox.hostPath("/root/x"));
		assertThat(isSandboxsOwn(sandbox, sandbox.hostPath("/tmp/ssh-link/authorized_keys"))).isTrue();
		Files.writeString(sandbox.hostPath("/tmp/ssh-link/authorized_keys"), "key");
		assertThat(run(sandbox, "cat", "/root/.ssh/authorized_keys").out()).isEqualTo("key");
		assertThatIllegalArgumentException().isThrownBy(() -> sandbox.hostPath("/../etc/passwd"));
		assertThatIllegalArgumentException().isThrownBy(() -> sandbox.hostPath("tmp/x"));
	}

	@Test
	void manyConcurrentSandboxesAndCommands() throws Exception {
		List<CompletableFuture<String>> outputs = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			IsolatedSandbox sandbox = create();
			outputs.add(CompletableFuture.supplyAsync(() -> {
				try {
					Files.writeString(sandbox.hostPath("/tmp/id"), sandbox.directory().getFileName().toString());
					return run(sandbox, "cat", "/tmp/id").out();
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}));
		}
		List<String> ids = new ArrayList<>();
		for (CompletableFuture<String> output : outputs) {
			ids.add(output.get(30, TimeUnit.SECONDS));
		}
		assertThat(ids).doesNotHaveDuplicates().hasSize(6).allMatch((id) -> id.startsWith("sb-"));
	}

	@Test
	void existingSandboxIdIsRefused() throws Exception {
		IsolatedSandbox sandbox = create();
		String id = sandbox.directory().getFileName().toString();
		assertThatIOException().isThrownBy(() -> this.isolation.create(id, new IsolationOptions(false, Map.of())));
		assertThat(run(sandbox, "true").exitCode()).isZero();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.isolation.create("../escape", new IsolationOptions(false, Map.of())));
	}

}
