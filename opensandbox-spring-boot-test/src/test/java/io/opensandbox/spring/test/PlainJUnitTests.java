package io.opensandbox.spring.test;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.web.reactive.function.client.WebClient;

import io.opensandbox.spring.core.OpenSandboxConnection;
import io.opensandbox.spring.core.ReactiveSandboxTemplate;
import io.opensandbox.spring.core.Sandbox;
import io.opensandbox.spring.core.SandboxTemplate;
import io.opensandbox.spring.core.SandboxTemplateSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's plain JUnit example, kept compiling and passing.
 *
 * @author OpenSandbox Spring Boot
 */
class PlainJUnitTests {

	@RegisterExtension
	static EmbeddedOpenSandboxExtension openSandbox = new EmbeddedOpenSandboxExtension(
			EmbeddedOpenSandboxServer.builder().apiKey("test-key").readyDelay(Duration.ofMillis(200)));

	@Test
	void runsACommand(EmbeddedOpenSandboxServer server) {
		OpenSandboxConnection connection = OpenSandboxConnection.builder(WebClient.builder())
			.domain(server.getDomain())
			.apiKey(server.getApiKey())
			.build();
		SandboxTemplate sandboxes = new SandboxTemplate(
				new ReactiveSandboxTemplate(connection, SandboxTemplateSettings.builder().build()));
		try (Sandbox sandbox = sandboxes.create((spec) -> spec.image("python:3.12"))) {
			assertThat(sandbox.commands().run("echo hi").orThrow().stdoutText()).isEqualTo("hi");
		}
		assertThat(server.getSandboxes()).isEmpty();
	}

}
