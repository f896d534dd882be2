package io.opensandbox.spring.samples.playground;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The playground application. Run as is, it connects to the OpenSandbox server named by
 * the {@code opensandbox.*} properties (or {@code OPEN_SANDBOX_DOMAIN} and
 * {@code OPEN_SANDBOX_API_KEY}); {@code TestOpenSandboxPlaygroundApplication} in the test
 * sources runs it against an embedded server instead, for development without one.
 * Scheduling is on for the sweep that kills sandboxes of abandoned browser sessions.
 *
 * @author OpenSandbox Spring Boot
 */
@SpringBootApplication
@EnableScheduling
@EnableConfigurationProperties(PlaygroundProperties.class)
public class OpenSandboxPlaygroundApplication {

	public static void main(String[] args) {
		SpringApplication.run(OpenSandboxPlaygroundApplication.class, args);
	}

}
