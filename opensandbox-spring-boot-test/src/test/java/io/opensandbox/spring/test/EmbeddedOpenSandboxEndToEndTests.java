package io.opensandbox.spring.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.opensandbox.spring.core.BackgroundCommand;
import io.opensandbox.spring.core.Sandbox;
import io.opensandbox.spring.core.SandboxTemplate;
import io.opensandbox.spring.core.ShellSession;
import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.model.CodeContext;
import io.opensandbox.spring.model.CommandOptions;
import io.opensandbox.spring.model.EgressPolicy;
import io.opensandbox.spring.model.Execution;
import io.opensandbox.spring.model.ExecutionEvent;
import io.opensandbox.spring.model.NetworkPolicy;
import io.opensandbox.spring.model.NetworkRule;
import io.opensandbox.spring.model.OutputLine;
import io.opensandbox.spring.model.SandboxSpec;
import io.opensandbox.spring.model.SandboxState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The starter against the embedded server, end to end: every test drives real isolated
 * processes through the public API and leaves nothing running or on disk.
 *
 * @author OpenSandbox Spring Boot
 */
@SpringBootTest
@EmbeddedOpenSandbox
@Timeout(60)
class EmbeddedOpenSandboxEndToEndTests {

	private static final SandboxSpec PYTHON = SandboxSpec.ofImage("python:3.12-slim");

	@Autowired
	private SandboxTemplate template;

	@Autowired
	private EmbeddedOpenSandboxServer server;

	private final List<Path> directories = new ArrayList<>();

	@AfterEach
	void nothingIsLeftRunningOrOnDisk() {
		assertThat(this.server.getSandboxes()).isEmpty();
		assertThat(this.directories).allSatisfy((directory) -> assertThat(directory).doesNotExist());
	}

	@Test
	void writeAFileRunItAndReadTheOutput() {
		try (Sandbox sandbox = create(PYTHON)) {
			sandbox.files().write("/tmp/x.py", "print('hello from', 6 * 7)\n");
			Execution execution = sandbox.commands().run("python3 /tmp/x.py");
			assertThat(execution.exitCode()).isZero();
			assertThat(execution.stdoutText()).isEqualTo("hello from 42");
			sandbox.commands().run("mkdir -p /workspace/out && echo written > /workspace/out/result.txt");
			assertThat(sandbox.files().readText("/workspace/out/result.txt")).isEqualTo("written\n");
		}
	}

	@Test
	void failingCommandReportsItsExitCodeAndStandardError() {
		try (Sandbox sandbox = create(PYTHON)) {
			Execution execution = sandbox.commands().run("echo broken >&2; exit 3");
			assertThat(execution.exitCode()).isEqualTo(3);
			assertThat(execution.stderrText()).isEqualTo("broken");
		}
	}

	@Test
	void streamDeliversOneEventPerLine() {
		try (Sandbox sandbox = create(PYTHON)) {
			List<ExecutionEvent> events = sandbox.commands()
				.stream("printf 'one\\n\\nthree\\n'", CommandOptions.defaults().withEnv("GREETING", "x"))
				.collectList()
				.block(Duration.ofSeconds(30));
			assertThat(events).isNotNull();
			assertThat(events).extracting(ExecutionEvent::type)
				.startsWith(ExecutionEvent.Type.INIT)
				.endsWith(ExecutionEvent.Type.EXECUTION_COMPLETE);
			assertThat(events).filteredOn((event) -> event.type() == ExecutionEvent.Type.STDOUT)
				.extracting(ExecutionEvent::text)
				.containsExactly("one", "\n", "three");
		}
	}

	@Test
	void commandOptionsSetTheWorkingDirectoryEnvironmentAndTimeout() {
		try (Sandbox sandbox = create(PYTHON)) {
			sandbox.files().mkdirs("/workspace/project");
			Execution execution = sandbox.commands()
				.run("pwd; echo $GREETING", CommandOptions.defaults().withCwd("/workspace/project").withEnv("GREETING",
						"hi"));
			assertThat(execution.stdoutText()).isEqualTo("/workspace/project\nhi");
			Execution slow = sandbox.commands().run("sleep 30", CommandOptions.defaults()
				.withTimeout(Duration.ofMillis(300)));
			assertThat(slow.exitCode()).isNotNull().isNotZero();
		}
	}

	@Test
	void backgroundCommandHasStatusAndLogs() throws InterruptedException {
		try (Sandbox sandbox = create(PYTHON)) {
			BackgroundCommand command = sandbox.commands().start("echo first; sleep 0.3; echo second",
					CommandOptions.defaults());
			assertThat(command.status().running()).isTrue();
			Instant deadline = Instant.now().plusSeconds(10);
			while (command.status().running() && Instant.now().isBefore(deadline)) {
				Thread.sleep(50);
			}
			assertThat(command.status().exitCode()).isZero();
			assertThat(command.output()).isEqualTo("first\nsecond\n");
			assertThat(command.newOutput()).isEqualTo("first\nsecond\n");
			assertThat(command.newOutput()).isEmpty();
		}
	}

	@Test
	void shellSessionKeepsExportedVariablesAndTheWorkingDirectory() {
		try (Sandbox sandbox = create(PYTHON); ShellSession shell = sandbox.commands().openShell("/tmp")) {
			shell.run("cd /workspace && export ANSWER=42 && LOCAL=gone");
			Execution execution = shell.run("echo $PWD $ANSWER ${LOCAL:-unset}; echo oops >&2");
			// as in execd: a new bash per run, standard error merged into standard output
			assertThat(execution.stdoutText()).isEqualTo("/workspace 42 unset\noops");
			assertThat(shell.run("command_that_does_not_exist").exitCode()).isEqualTo(127);
		}
	}

	@Test
	void pythonContextKeepsStateAndReturnsResults() {
		try (Sandbox sandbox = create(PYTHON)) {
			CodeContext context = sandbox.codes().createContext(CodeContext.PYTHON);
			sandbox.codes().run("x = 40\nprint('set')", context);
			Execution execution = sandbox.codes().run("x + 2", context);
			assertThat(execution.results()).singleElement().satisfies((result) -> assertThat(result).containsEntry(
					"text", "42"));
			Execution failure = sandbox.codes().run("1 / 0", context);
			assertThat(failure.error()).isNotNull();
			assertThat(failure.error().name()).isEqualTo("ZeroDivisionError");
			assertThat(sandbox.codes().contexts(CodeContext.PYTHON)).extracting(CodeContext::id)
				.contains(context.id());
		}
	}

	@Test
	void bashContextRunsAndOtherLanguagesAreRejected() {
		try (Sandbox sandbox = create(PYTHON)) {
			CodeContext context = sandbox.codes().createContext(CodeContext.BASH);
			sandbox.codes().run("COUNT=7", context);
			// code output arrives as kernel stream chunks, line terminators kept
			assertThat(sandbox.codes().run("echo $COUNT", context).stdout()).extracting(OutputLine::text)
				.containsExactly("7\n");
			assertThatExceptionOfType(OpenSandboxApiException.class)
				.isThrownBy(() -> sandbox.codes().createContext(CodeContext.JAVA));
		}
	}

	@Test
	void egressPolicyIsStoredAndPatched() {
		SandboxSpec spec = SandboxSpec.builder()
			.image("python:3.12-slim")
			.networkPolicy(NetworkPolicy.denyByDefault(NetworkRule.allow("pypi.org")))
			.build();
		try (Sandbox sandbox = create(spec)) {
			EgressPolicy policy = sandbox.egress().policy();
			assertThat(policy.policy().defaultAction()).isEqualTo(NetworkRule.Action.DENY);
			assertThat(policy.policy().egress()).containsExactly(NetworkRule.allow("pypi.org"));
			EgressPolicy patched = sandbox.egress().patchRules(List.of(NetworkRule.deny("PyPI.org"),
					NetworkRule.allow("example.com")));
			assertThat(patched.policy().egress()).containsExactly(NetworkRule.deny("PyPI.org"),
					NetworkRule.allow("example.com"));
			assertThat(sandbox.egress().removeRules(List.of("pypi.org")).policy().egress())
				.containsExactly(NetworkRule.allow("example.com"));
		}
	}

	@Test
	void denyAllPolicyLeavesOnlyLoopback() {
		SandboxSpec spec = SandboxSpec.builder()
			.image("python:3.12-slim")
			.networkPolicy(NetworkPolicy.denyByDefault())
			.build();
		try (Sandbox sandbox = create(spec)) {
			String interfaces = sandbox.commands().run("tail -n +3 /proc/net/dev | cut -d: -f1").stdoutText();
			assertThat(interfaces.lines().map(String::trim)).containsExactly("lo");
		}
	}

	@Test
	void pauseStopsProcessesAndResumeContinuesThem() throws InterruptedException {
		try (Sandbox sandbox = create(PYTHON)) {
			sandbox.commands().start("i=0; while true; do i=$((i+1)); echo $i > /tmp/next; mv /tmp/next /tmp/count; sleep 0.02; done",
					CommandOptions.defaults());
			Thread.sleep(200);
			sandbox.pause();
			assertThat(sandbox.info().status().state()).isEqualTo(SandboxState.PAUSED);
			String frozen = read(sandbox.id(), "/tmp/count");
			Thread.sleep(300);
			assertThat(read(sandbox.id(), "/tmp/count")).isEqualTo(frozen);
			sandbox.resume();
			assertThat(sandbox.info().status().state()).isEqualTo(SandboxState.RUNNING);
			Thread.sleep(300);
			assertThat(Integer.parseInt(sandbox.files().readText("/tmp/count").trim()))
				.isGreaterThan(Integer.parseInt(frozen.trim()));
		}
	}

	@Test
	void renewMovesTheExpiryAndMetadataIsPatched() {
		try (Sandbox sandbox = create(PYTHON)) {
			Instant before = sandbox.info().expiresAt();
			Instant renewed = sandbox.renew(Duration.ofHours(2));
			assertThat(renewed).isAfter(before);
			assertThat(sandbox.info().expiresAt()).isEqualTo(renewed);
			java.util.Map<String, String> patch = new java.util.HashMap<>();
			patch.put("team", "platform");
			assertThat(sandbox.patchMetadata(patch).metadata()).containsEntry("team", "platform");
		}
	}

	@Test
	void sandboxesCannotSeeEachOther() {
		try (Sandbox first = create(PYTHON); Sandbox second = create(PYTHON)) {
			first.files().write("/tmp/secret", "first only");
			first.commands().start("sleep 30", CommandOptions.defaults());
			assertThat(second.commands().run("cat /tmp/secret").exitCode()).isNotZero();
			assertThat(second.commands().run("ps -e -o comm= | grep -c '^sleep$' || true").stdoutText())
				.isEqualTo("0");
		}
	}

	@Test
	void killRemovesTheSandboxItsProcessesAndItsFiles() {
		Sandbox sandbox = create(PYTHON);
		sandbox.commands().start("sleep 300", CommandOptions.defaults());
		sandbox.files().write("/workspace/data.txt", "data");
		EmbeddedSandbox held = this.server.getSandboxes().get(0);
		assertThat(held.processCount()).isPositive();
		sandbox.kill();
		assertThat(this.server.getSandboxes()).isEmpty();
		assertThat(held.directory()).doesNotExist();
	}

	private Sandbox create(SandboxSpec spec) {
		Sandbox sandbox = this.template.create(spec);
		this.server.getSandboxes()
			.stream()
			.filter((held) -> held.id().equals(sandbox.id()))
			.forEach((held) -> this.directories.add(held.directory()));
		return sandbox;
	}

	private String read(String sandboxId, String path) {
		try {
			return Files.readString(this.server.getFile(sandboxId, path));
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
