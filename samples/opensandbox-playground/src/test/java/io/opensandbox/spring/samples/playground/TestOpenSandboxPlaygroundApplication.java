package io.opensandbox.spring.samples.playground;

import org.springframework.boot.SpringApplication;

import io.opensandbox.spring.test.EmbeddedOpenSandboxConfiguration;

/**
 * Runs the playground against an embedded OpenSandbox server started with it, so that it
 * works on a machine without an OpenSandbox server, Docker or Kubernetes:
 * {@code mvn spring-boot:test-run} in this module. The embedded server takes the place of
 * the {@code opensandbox.*} connection properties and stops with the application.
 *
 * @author OpenSandbox Spring Boot
 */
public final class TestOpenSandboxPlaygroundApplication {

	private TestOpenSandboxPlaygroundApplication() {
	}

	public static void main(String[] args) {
		SpringApplication.from(OpenSandboxPlaygroundApplication::main)
			.with(EmbeddedOpenSandboxConfiguration.class)
			.run(args);
	}

}
