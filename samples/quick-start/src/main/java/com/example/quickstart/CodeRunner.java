package com.example.quickstart;

import java.time.Duration;

import org.springframework.stereotype.Service;

import io.opensandbox.spring.core.Execution;
import io.opensandbox.spring.core.Sandbox;
import io.opensandbox.spring.core.SandboxTemplate;
import io.opensandbox.spring.model.CommandOptions;

@Service
public class CodeRunner {

	private final SandboxTemplate sandboxes;

	public CodeRunner(SandboxTemplate sandboxes) {
		this.sandboxes = sandboxes;
	}

	public String runPython(String code) {
		// The sandbox is killed when the block ends, also on failure
		try (Sandbox sandbox = this.sandboxes.create((spec) -> spec.image("python:3.12"))) {
			sandbox.files().write("/tmp/main.py", code);
			Execution execution = sandbox.commands()
				.run("python3 /tmp/main.py", CommandOptions.defaults().withTimeout(Duration.ofSeconds(30)));
			// COMPLETED, FAILED (exit code), TIMED_OUT, INTERRUPTED or ERRORED
			return execution.isSuccess() ? execution.stdoutText() : execution.outcome() + ": " + execution.stderrText();
		}
	}

}
