package com.example.quickstart;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import io.opensandbox.spring.test.EmbeddedOpenSandbox;
import io.opensandbox.spring.test.EmbeddedOpenSandboxServer;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest
@EmbeddedOpenSandbox
class CodeRunnerTests {

	@Autowired
	CodeRunner runner;

	@Autowired
	EmbeddedOpenSandboxServer server;

	@Test
	void runsPythonInASandboxAndCleansUp() {
		assertThat(this.runner.runPython("print(6 * 7)")).isEqualTo("42");
		assertThat(this.runner.runPython("import sys; print('no', file=sys.stderr); sys.exit(2)"))
			.isEqualTo("FAILED: no");
		assertThat(this.server.getSandboxes()).isEmpty();
	}

}
