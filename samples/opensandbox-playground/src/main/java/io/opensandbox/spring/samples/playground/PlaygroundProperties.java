package io.opensandbox.spring.samples.playground;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Limits of the playground ({@code playground.*}). The page shows them, so that a person
 * knows in advance why a command stopped or an upload was refused.
 *
 * @author OpenSandbox Spring Boot
 */
@ConfigurationProperties("playground")
public class PlaygroundProperties {

	/**
	 * Time limit of a command when the page does not choose one.
	 */
	private Duration commandTimeout = Duration.ofSeconds(30);

	/**
	 * Longest time limit the page may choose for a command.
	 */
	private Duration maxCommandTimeout = Duration.ofMinutes(5);

	/**
	 * Largest file that may be uploaded into a sandbox.
	 */
	private DataSize maxUploadSize = DataSize.ofMegabytes(10);

	/**
	 * Longest command or program text accepted, in characters.
	 */
	private int maxCodeLength = 100_000;

	/**
	 * Working directory of commands inside the sandbox; uploads with a relative name land
	 * here too.
	 */
	private String workingDirectory = "/tmp";

	/**
	 * How long the sandbox of a browser session may stay unused before it is killed.
	 */
	private Duration idleTimeout = Duration.ofMinutes(30);

	public Duration getCommandTimeout() {
		return this.commandTimeout;
	}

	public void setCommandTimeout(Duration commandTimeout) {
		this.commandTimeout = commandTimeout;
	}

	public Duration getMaxCommandTimeout() {
		return this.maxCommandTimeout;
	}

	public void setMaxCommandTimeout(Duration maxCommandTimeout) {
		this.maxCommandTimeout = maxCommandTimeout;
	}

	public DataSize getMaxUploadSize() {
		return this.maxUploadSize;
	}

	public void setMaxUploadSize(DataSize maxUploadSize) {
		this.maxUploadSize = maxUploadSize;
	}

	public int getMaxCodeLength() {
		return this.maxCodeLength;
	}

	public void setMaxCodeLength(int maxCodeLength) {
		this.maxCodeLength = maxCodeLength;
	}

	public String getWorkingDirectory() {
		return this.workingDirectory;
	}

	public void setWorkingDirectory(String workingDirectory) {
		this.workingDirectory = workingDirectory;
	}

	public Duration getIdleTimeout() {
		return this.idleTimeout;
	}

	public void setIdleTimeout(Duration idleTimeout) {
		this.idleTimeout = idleTimeout;
	}

}
