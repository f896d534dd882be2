package io.opensandbox.spring.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;

import io.opensandbox.spring.core.CommandFailedException;
import io.opensandbox.spring.core.Execution;
import io.opensandbox.spring.core.Execution.Outcome;
import io.opensandbox.spring.core.Sandbox;
import io.opensandbox.spring.core.SandboxTemplate;
import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.model.CodeContext;
import io.opensandbox.spring.model.CommandOptions;
import io.opensandbox.spring.model.CommandStatus;
import io.opensandbox.spring.model.EgressPolicy;
import io.opensandbox.spring.model.ExecutionEvent;
import io.opensandbox.spring.model.NetworkPolicy;
import io.opensandbox.spring.model.SandboxInfo;
import io.opensandbox.spring.model.SandboxSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

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
			assertThat(execution.outcome()).isEqualTo(Outcome.COMPLETED);
			assertThat(execution.exitCode()).hasValue(0);
			assertThat(execution.stdoutText()).isEqualTo("hello from 42");
			sandbox.commands().run("mkdir -p /workspace/out && echo written > /workspace/out/result.txt");
			assertThat(sandbox.files().readText("/workspace/out/result.txt")).isEqualTo("written\n");
		}
	}

	@Test
	void aLargeFileIsPagedThroughByLinesAndReadInItsCharset() {
		try (Sandbox sandbox = create(PYTHON)) {
			sandbox.commands().run("seq 1 200000 | sed 's/^/line /' > /tmp/big.txt");
			assertThat(sandbox.files().readLines("/tmp/big.txt", 150000, 3)).containsExactly("line 150000",
					"line 150001", "line 150002");
			assertThat(sandbox.files().readLines("/tmp/big.txt", 199999, 10)).containsExactly("line 199999",
					"line 200000");
			assertThat(sandbox.files().readLines("/tmp/big.txt", 300000, 10)).isEmpty();
			sandbox.files().write("/tmp/latin.txt", "caf\u00e9".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
			assertThat(sandbox.files().readText("/tmp/latin.txt", java.nio.charset.StandardCharsets.ISO_8859_1))
				.isEqualTo("caf\u00e9");
		}
	}

	@Test
	void diagnosticsAndSignedEndpointsReachTheSandbox() throws Exception {
		try (Sandbox sandbox = create(PYTHON)) {
			assertThat(sandbox.diagnosticEvents("lifecycle").content()).contains("lifecycle Running");
			assertThat(sandbox.diagnosticLogs("all").isInline()).isTrue();
			String url = sandbox.signedEndpoint(44772, java.time.Instant.now().plusSeconds(60)).url("http");
			java.net.http.HttpResponse<Void> ping = java.net.http.HttpClient.newHttpClient()
				.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/ping")).build(),
						java.net.http.HttpResponse.BodyHandlers.discarding());
			assertThat(ping.statusCode()).isEqualTo(200);
			assertThat(sandbox.isHealthy()).isTrue();
		}
	}

	@Test
	void unknownOwnersFailBeforeAnythingChangesAndAnExistingDirectoryKeepsItsMode() {
		try (Sandbox sandbox = create(PYTHON)) {
			assertThatExceptionOfType(io.opensandbox.spring.error.OpenSandboxApiException.Rejected.class)
				.isThrownBy(() -> sandbox.files()
					.write(List.of(io.opensandbox.spring.model.FileUpload.of("/tmp/owned.txt", "x")
						.withOwner("no-such-user-here", null))))
				.withMessageContaining("no-such-user-here");
			assertThat(sandbox.commands().run("test -e /tmp/owned.txt").exitCode()).hasValue(1);
			// A name that would be an option of the tools inside is refused as a name
			assertThatExceptionOfType(io.opensandbox.spring.error.OpenSandboxApiException.Rejected.class)
				.isThrownBy(() -> sandbox.files()
					.mkdirs(Map.of("/tmp/optioned",
							io.opensandbox.spring.model.FileInfo.Permission.of(755).withOwner("--help", null))));
			assertThat(sandbox.commands().run("test -e /tmp/optioned").exitCode()).hasValue(1);
			assertThatExceptionOfType(io.opensandbox.spring.error.OpenSandboxApiException.Rejected.class)
				.isThrownBy(() -> sandbox.files()
					.mkdirs(Map.of("/tmp/grouped", io.opensandbox.spring.model.FileInfo.Permission.of(755)
						.withOwner("root", "no-such-group-here"))));
			assertThat(sandbox.commands().run("test -e /tmp/grouped").exitCode()).hasValue(1);
			sandbox.files().mkdirs(Map.of("/tmp/kept", io.opensandbox.spring.model.FileInfo.Permission.of(700)));
			sandbox.files().mkdirs(Map.of("/tmp/kept", io.opensandbox.spring.model.FileInfo.Permission.of(755)));
			assertThat(sandbox.files().info("/tmp/kept").mode()).isEqualTo(700);
			sandbox.files().mkdirs(Map.of("/tmp/fresh", io.opensandbox.spring.model.FileInfo.Permission.of(750)));
			assertThat(sandbox.files().info("/tmp/fresh").mode()).isEqualTo(750);
		}
	}

	@Test
	void failingCommandReportsItsExitCodeAndStandardError() {
		try (Sandbox sandbox = create(PYTHON)) {
			Execution execution = sandbox.commands().run("echo broken >&2; exit 3");
			assertThat(execution.outcome()).isEqualTo(Outcome.FAILED);
			assertThat(execution.exitCode()).hasValue(3);
			assertThat(execution.stderrText()).isEqualTo("broken");
			assertThatExceptionOfType(CommandFailedException.class).isThrownBy(execution::orThrow)
				.withMessageContaining("exit code 3")
				.withMessageEndingWith("broken");
		}
	}

	@Test
	void streamDeliversOneEventPerLine() {
		try (Sandbox sandbox = create(PYTHON)) {
			List<ExecutionEvent> events;
			try (java.util.stream.Stream<ExecutionEvent> stream = sandbox.commands()
				.stream("printf 'one\\n\\nthree\\n'", CommandOptions.defaults().withEnv("GREETING", "x"))) {
				events = stream.toList();
			}
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
			sandbox.files().mkdirs(List.of("/workspace/project"));
			Execution execution = sandbox.commands()
				.run("pwd; echo $GREETING",
						CommandOptions.defaults().withCwd("/workspace/project").withEnv("GREETING", "hi"));
			assertThat(execution.stdoutText()).isEqualTo("/workspace/project\nhi");
			Execution slow = sandbox.commands()
				.run("sleep 30", CommandOptions.defaults().withTimeout(Duration.ofMillis(300)));
			assertThat(slow.outcome()).isEqualTo(Outcome.TIMED_OUT);
			assertThat(slow.exitCode()).isEmpty();
			assertThat(slow.executionTime()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		}
	}

	@Test
	void backgroundCommandHasStatusAndLogs() throws InterruptedException {
		try (Sandbox sandbox = create(PYTHON)) {
			String command = sandbox.commands().start("echo first; sleep 0.3; echo second", CommandOptions.defaults());
			assertThat(sandbox.commands().status(command).running()).isTrue();
			Instant deadline = Instant.now().plusSeconds(10);
			while (sandbox.commands().status(command).running() && Instant.now().isBefore(deadline)) {
				Thread.sleep(50);
			}
			assertThat(sandbox.commands().status(command).exitCode()).isZero();
			CommandStatus.Logs logs = sandbox.commands().logs(command, 0);
			assertThat(logs.text()).isEqualTo("first\nsecond\n");
			assertThat(sandbox.commands().logs(command, logs.cursor()).text()).isEmpty();
		}
	}

	@Test
	void interruptStopsACommandClosesASessionAndRefusesAnUnknownId() throws InterruptedException {
		try (Sandbox sandbox = create(PYTHON)) {
			String command = sandbox.commands().start("sleep 30", CommandOptions.defaults());
			assertThat(sandbox.commands().status(command).running()).isTrue();
			sandbox.commands().interrupt(command);
			Instant deadline = Instant.now().plusSeconds(10);
			while (sandbox.commands().status(command).running() && Instant.now().isBefore(deadline)) {
				Thread.sleep(50);
			}
			assertThat(sandbox.commands().status(command).running()).isFalse();
			String shell = sandbox.commands().openSession();
			assertThat(sandbox.commands().runInSession(shell, "echo ok", CommandOptions.defaults()).stdoutText())
				.isEqualTo("ok");
			sandbox.commands().interrupt(shell);
			assertThatExceptionOfType(OpenSandboxApiException.ServerError.class)
				.isThrownBy(() -> sandbox.commands().runInSession(shell, "echo ok", CommandOptions.defaults()));
			assertThatExceptionOfType(OpenSandboxApiException.ServerError.class)
				.isThrownBy(() -> sandbox.commands().interrupt("no-such-id"))
				.withMessageContaining("no such session");
		}
	}

	@Test
	void shellSessionKeepsExportedVariablesAndTheWorkingDirectory() {
		try (Sandbox sandbox = create(PYTHON)) {
			String shell = sandbox.commands().openSession("/tmp");
			CommandOptions options = CommandOptions.defaults();
			sandbox.commands().runInSession(shell, "cd /workspace && export ANSWER=42 && LOCAL=gone", options);
			Execution execution = sandbox.commands()
				.runInSession(shell, "echo $PWD $ANSWER ${LOCAL:-unset}; echo oops >&2", options);
			// as in execd: a new bash per run, standard error merged into standard output
			assertThat(execution.stdoutText()).isEqualTo("/workspace 42 unset\noops");
			assertThat(sandbox.commands().runInSession(shell, "command_that_does_not_exist", options).exitCode())
				.hasValue(127);
			assertThatIllegalArgumentException()
				.isThrownBy(() -> sandbox.commands().runInSession(shell, "env", options.withEnv("A", "1")));
			sandbox.commands().closeSession(shell);
		}
	}

	@Test
	void pythonContextKeepsStateAndReturnsResults() {
		try (Sandbox sandbox = create(PYTHON)) {
			CodeContext context = sandbox.codes().createContext(CodeContext.PYTHON);
			assertThat(sandbox.codes().run(context, "x = 40\nprint('set')").stdoutText()).isEqualTo("set");
			Execution execution = sandbox.codes().run(context, "x + 2");
			assertThat(execution.outcome()).isEqualTo(Outcome.COMPLETED);
			assertThat(execution.results()).singleElement()
				.satisfies((result) -> assertThat(result).containsEntry("text", "42"));
			Execution failure = sandbox.codes().run(context, "1 / 0");
			assertThat(failure.outcome()).isEqualTo(Outcome.ERRORED);
			assertThat(failure.exitCode()).isEmpty();
			assertThat(failure.error()).isNotNull();
			assertThat(failure.error().name()).isEqualTo("ZeroDivisionError");
			assertThat(sandbox.codes().contexts(CodeContext.PYTHON)).extracting(CodeContext::id).contains(context.id());
		}
	}

	@Test
	void bashContextRunsAndOtherLanguagesAreRejected() {
		try (Sandbox sandbox = create(PYTHON)) {
			CodeContext context = sandbox.codes().createContext(CodeContext.BASH);
			sandbox.codes().run(context, "COUNT=7");
			// code output arrives as kernel stream chunks with line terminators; the
			// execution holds lines without them, as for commands
			assertThat(sandbox.codes().run(context, "echo $COUNT; echo 8").stdout())
				.extracting(Execution.OutputLine::text)
				.containsExactly("7", "8");
			assertThatExceptionOfType(OpenSandboxApiException.class)
				.isThrownBy(() -> sandbox.codes().createContext(CodeContext.JAVA));
		}
	}

	@Test
	void credentialVaultRoundTripsThroughTheStarter() {
		SandboxSpec spec = SandboxSpec.builder()
			.image("python:3.12-slim")
			.networkPolicy(NetworkPolicy.denyByDefault(NetworkPolicy.Rule.allow("api.github.com")))
			.build();
		try (Sandbox sandbox = create(spec)) {
			io.opensandbox.spring.model.CredentialVault vault = sandbox.egress()
				.createVault(List.of(new io.opensandbox.spring.model.CredentialVault.Credential("gh", "ghp_s3cr3t")),
						List.of(new io.opensandbox.spring.model.CredentialVault.Binding("github",
								io.opensandbox.spring.model.CredentialVault.Match.of("api.github.com"),
								io.opensandbox.spring.model.CredentialVault.Auth.bearer("gh"))));
			assertThat(vault.revision()).isEqualTo(1);
			assertThat(vault.toString()).doesNotContain("ghp_s3cr3t");
			io.opensandbox.spring.model.CredentialVault changed = sandbox.egress()
				.updateVault(io.opensandbox.spring.model.CredentialVault.Changes.builder()
					.expectedRevision(1)
					.replaceCredential(new io.opensandbox.spring.model.CredentialVault.Credential("gh", "ghp_n3w"))
					.build());
			assertThat(changed.revision()).isEqualTo(2);
			assertThat(sandbox.egress().credential("gh").revision()).isEqualTo(2);
			assertThat(sandbox.egress().binding("github").authType()).isEqualTo("bearer");
			assertThatExceptionOfType(io.opensandbox.spring.error.OpenSandboxApiException.Conflict.class)
				.isThrownBy(() -> sandbox.egress()
					.updateVault(io.opensandbox.spring.model.CredentialVault.Changes.builder()
						.expectedRevision(1)
						.deleteBinding("github")
						.build()));
			sandbox.egress().deleteVault();
			assertThatExceptionOfType(io.opensandbox.spring.error.OpenSandboxApiException.NotFound.class)
				.isThrownBy(() -> sandbox.egress().vault());
		}
	}

	@Test
	void egressPolicyIsStoredAndPatched() {
		SandboxSpec spec = SandboxSpec.builder()
			.image("python:3.12-slim")
			.networkPolicy(NetworkPolicy.denyByDefault(NetworkPolicy.Rule.allow("pypi.org")))
			.build();
		try (Sandbox sandbox = create(spec)) {
			EgressPolicy policy = sandbox.egress().policy();
			assertThat(policy.policy().defaultAction()).isEqualTo(NetworkPolicy.Rule.Action.DENY);
			assertThat(policy.policy().egress()).containsExactly(NetworkPolicy.Rule.allow("pypi.org"));
			EgressPolicy patched = sandbox.egress()
				.patchRules(List.of(NetworkPolicy.Rule.deny("PyPI.org"), NetworkPolicy.Rule.allow("example.com")));
			assertThat(patched.policy().egress()).containsExactly(NetworkPolicy.Rule.deny("PyPI.org"),
					NetworkPolicy.Rule.allow("example.com"));
			assertThat(sandbox.egress().removeRules(List.of("pypi.org")).policy().egress())
				.containsExactly(NetworkPolicy.Rule.allow("example.com"));
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
			sandbox.commands()
				.start("i=0; while true; do i=$((i+1)); echo $i > /tmp/next; mv /tmp/next /tmp/count; sleep 0.02; done",
						CommandOptions.defaults());
			Thread.sleep(200);
			sandbox.pause();
			assertThat(sandbox.info().status().state()).isEqualTo(SandboxInfo.State.PAUSED);
			String frozen = read(sandbox.id(), "/tmp/count");
			Thread.sleep(300);
			assertThat(read(sandbox.id(), "/tmp/count")).isEqualTo(frozen);
			sandbox.resume();
			assertThat(sandbox.info().status().state()).isEqualTo(SandboxInfo.State.RUNNING);
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
			assertThat(second.commands().run("cat /tmp/secret").outcome()).isEqualTo(Outcome.FAILED);
			assertThat(second.commands().run("ps -e -o comm= | grep -c '^sleep$' || true").stdoutText()).isEqualTo("0");
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
