package io.opensandbox.spring.test;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;

import io.opensandbox.spring.core.Execution;
import io.opensandbox.spring.core.Sandbox;
import io.opensandbox.spring.core.SandboxManager;
import io.opensandbox.spring.core.SandboxPool;
import io.opensandbox.spring.core.SandboxTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A warm pool against the embedded server, whose creates take time (answered after 200
 * ms, running 400 ms later): sandboxes handed out are real, ready, isolated ones; a used
 * one is killed with its processes; one killed behind the pool's back is replaced, not
 * handed out.
 *
 * @author OpenSandbox Spring Boot
 */
@SpringBootTest(properties = { "opensandbox.embedded.ready-delay=400ms", "opensandbox.embedded.creation-delay=200ms",
		"opensandbox.pools.warm.image=python:3.12-slim", "opensandbox.pools.warm.min-idle=2",
		"opensandbox.pools.warm.max-idle=2" })
@EmbeddedOpenSandbox
@Timeout(90)
class EmbeddedSandboxPoolTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Autowired
	@Qualifier("warm")
	private SandboxPool pool;

	@Autowired
	private SandboxTemplate template;

	@Autowired
	private SandboxManager manager;

	@Autowired
	private EmbeddedOpenSandboxServer server;

	private List<String> serverSandboxes() {
		return this.server.getSandboxes().stream().map(EmbeddedSandbox::id).toList();
	}

	@Test
	void aWarmSandboxIsOneTheServerAlreadyRanAndItRunsCommandsAtOnce() {
		await().atMost(WAIT).until(() -> this.pool.status().idle() == 2);
		List<String> ready = serverSandboxes();
		try (Sandbox sandbox = this.pool.acquire()) {
			assertThat(ready).contains(sandbox.id());
			assertThat(this.server.getSandboxes()).filteredOn((running) -> running.id().equals(sandbox.id()))
				.singleElement()
				.extracting(EmbeddedSandbox::state)
				.isEqualTo("Running");
			Execution execution = sandbox.commands().run("echo warm > /tmp/w && cat /tmp/w");
			assertThat(execution.stdoutText()).isEqualTo("warm");
		}
	}

	@Test
	void aUsedSandboxIsKilledWithItsProcessesAndNeverHandedOutAgain() {
		await().atMost(WAIT).until(() -> this.pool.status().idle() == 2);
		String used;
		try (Sandbox sandbox = this.pool.acquire()) {
			used = sandbox.id();
			sandbox.commands().run("sleep 1000 > /dev/null 2>&1 &");
		}
		assertThat(serverSandboxes()).doesNotContain(used);
		await().atMost(WAIT).until(() -> this.pool.status().idle() == 2);
		for (int i = 0; i < 3; i++) {
			try (Sandbox next = this.pool.acquire()) {
				assertThat(next.id()).isNotEqualTo(used);
			}
		}
	}

	@Test
	void anIdleSandboxKilledBehindThePoolsBackIsReplacedNotHandedOut() {
		await().atMost(WAIT).until(() -> this.pool.status().idle() == 2);
		List<String> idle = serverSandboxes();
		idle.forEach(this.manager::kill);
		try (Sandbox sandbox = this.pool.acquire()) {
			assertThat(idle).doesNotContain(sandbox.id());
			assertThat(sandbox.commands().run("true").exitCode()).hasValue(0);
		}
		await().atMost(WAIT).until(() -> this.pool.status().idle() == 2);
	}

	@Test
	void theTemplateStillCreatesWhatThePoolDoesNotHold() {
		try (Sandbox created = this.template.create((spec) -> spec.image("python:3.12-slim").env("OTHER", "1"))) {
			assertThat(created.commands().run("echo $OTHER").stdoutText()).isEqualTo("1");
		}
	}

}
