package io.opensandbox.spring.ai;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;

import io.opensandbox.spring.autoconfigure.InvalidOpenSandboxPropertyException;

/**
 * Configuration of the sandboxes that AI agents get through the sandbox tools. The
 * defaults are safe for code a model wrote: no network, bounded resources, a time to live
 * and an idle timeout. Invalid values fail startup with a message saying what to change.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
@ConfigurationProperties("opensandbox.ai")
public class OpenSandboxAiProperties implements InitializingBean {

	/**
	 * Whether to offer the sandbox tools to Spring AI.
	 */
	private boolean enabled = true;

	/**
	 * Which sandbox a tool call runs in when the call does not say: one per conversation
	 * (kept between turns), or a fresh one per call (killed after it).
	 */
	private AgentSandboxes.Mode mode = AgentSandboxes.Mode.CONVERSATION;

	/**
	 * Image of agent sandboxes. The default is OpenSandbox's code interpreter image,
	 * which the code tool needs.
	 */
	private String image = "opensandbox/code-interpreter:v1.0.2";

	/**
	 * Entrypoint of agent sandboxes; empty for the image's own.
	 */
	private List<String> entrypoint = new ArrayList<>(List.of("/opt/opensandbox/code-interpreter.sh"));

	/**
	 * Resource limits of agent sandboxes, for example cpu=1 and memory=2Gi.
	 */
	private Map<String, String> resources = new LinkedHashMap<>(Map.of("cpu", "1", "memory", "2Gi"));

	/**
	 * Environment variables of agent sandboxes.
	 */
	private Map<String, String> env = new LinkedHashMap<>();

	/**
	 * Hosts agent sandboxes may reach (for example pypi.org or *.github.com); all other
	 * egress is denied. Empty: no network at all.
	 */
	private List<String> allowedHosts = new ArrayList<>();

	/**
	 * Time to live of an agent sandbox, renewed by nothing: the server kills it then even
	 * if this application is gone.
	 */
	private Duration timeToLive = Duration.ofMinutes(30);

	/**
	 * Name of a pool under opensandbox.pools that agent sandboxes come from, warm; its
	 * specification then replaces the image, entrypoint, resources, env, allowed hosts
	 * and time to live set here.
	 */
	private @Nullable String pool;

	/**
	 * How long a conversation's sandbox may go without a tool call before it is killed.
	 */
	private Duration idleTimeout = Duration.ofMinutes(10);

	/**
	 * Most agent sandboxes alive at once in this application; a tool call that would need
	 * one more gets a tool error saying so.
	 */
	private int maxSandboxes = 20;

	/**
	 * Time limit of a command or code run when the model does not give one.
	 */
	private Duration commandTimeout = Duration.ofSeconds(60);

	/**
	 * Longest time limit a model may ask for.
	 */
	private Duration maxCommandTimeout = Duration.ofMinutes(10);

	/**
	 * Most characters of output handed back to the model per tool call; longer output
	 * keeps its head and tail, with a marker saying how much was left out.
	 */
	private int outputBudget = 8_000;

	/**
	 * Most lines the file reading tool returns per call.
	 */
	private int maxReadLines = 400;

	/**
	 * Most media (images and other non-text results) kept per conversation for the
	 * application; older ones are dropped first.
	 */
	private int maxMediaPerConversation = 32;

	/**
	 * Whether to offer the tool that exposes a port of the sandbox as a URL.
	 */
	private boolean exposePorts;

	@Override
	public void afterPropertiesSet() {
		positive("opensandbox.ai.idle-timeout", this.idleTimeout);
		positive("opensandbox.ai.command-timeout", this.commandTimeout);
		positive("opensandbox.ai.max-command-timeout", this.maxCommandTimeout);
		if (this.commandTimeout.compareTo(this.maxCommandTimeout) > 0) {
			throw new InvalidOpenSandboxPropertyException("opensandbox.ai.command-timeout",
					this.commandTimeout.toString(), "it is longer than opensandbox.ai.max-command-timeout",
					"Set it to at most " + this.maxCommandTimeout + " or raise the maximum");
		}
		if (this.timeToLive.compareTo(Duration.ofSeconds(60)) < 0) {
			throw new InvalidOpenSandboxPropertyException("opensandbox.ai.time-to-live", this.timeToLive.toString(),
					"sandboxes live at least 60 seconds", "Set it to 60s or more");
		}
		atLeast("opensandbox.ai.max-sandboxes", this.maxSandboxes, 1);
		atLeast("opensandbox.ai.output-budget", this.outputBudget, 200);
		atLeast("opensandbox.ai.max-read-lines", this.maxReadLines, 1);
		atLeast("opensandbox.ai.max-media-per-conversation", this.maxMediaPerConversation, 0);
		if (this.image == null || this.image.isBlank()) {
			throw new InvalidOpenSandboxPropertyException("opensandbox.ai.image", this.image, "it is empty",
					"Set the image of agent sandboxes, for example opensandbox/code-interpreter:v1.0.2");
		}
		for (String host : this.allowedHosts) {
			if (host == null || host.isBlank() || host.contains("/") || host.contains(" ")) {
				throw new InvalidOpenSandboxPropertyException("opensandbox.ai.allowed-hosts", host,
						"it is not a host name", "List host names such as pypi.org or *.github.com");
			}
		}
	}

	private static void positive(String property, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new InvalidOpenSandboxPropertyException(property, String.valueOf(value), "it must be positive",
					"Set a positive duration such as 30s");
		}
	}

	private static void atLeast(String property, int value, int minimum) {
		if (value < minimum) {
			throw new InvalidOpenSandboxPropertyException(property, String.valueOf(value),
					"it must be at least " + minimum, "Set it to " + minimum + " or more");
		}
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public AgentSandboxes.Mode getMode() {
		return this.mode;
	}

	public void setMode(AgentSandboxes.Mode mode) {
		this.mode = mode;
	}

	public String getImage() {
		return this.image;
	}

	public void setImage(String image) {
		this.image = image;
	}

	public List<String> getEntrypoint() {
		return this.entrypoint;
	}

	public void setEntrypoint(List<String> entrypoint) {
		this.entrypoint = entrypoint;
	}

	public Map<String, String> getResources() {
		return this.resources;
	}

	public void setResources(Map<String, String> resources) {
		this.resources = resources;
	}

	public Map<String, String> getEnv() {
		return this.env;
	}

	public void setEnv(Map<String, String> env) {
		this.env = env;
	}

	public List<String> getAllowedHosts() {
		return this.allowedHosts;
	}

	public void setAllowedHosts(List<String> allowedHosts) {
		this.allowedHosts = allowedHosts;
	}

	public Duration getTimeToLive() {
		return this.timeToLive;
	}

	public void setTimeToLive(Duration timeToLive) {
		this.timeToLive = timeToLive;
	}

	public @Nullable String getPool() {
		return this.pool;
	}

	public void setPool(@Nullable String pool) {
		this.pool = pool;
	}

	public Duration getIdleTimeout() {
		return this.idleTimeout;
	}

	public void setIdleTimeout(Duration idleTimeout) {
		this.idleTimeout = idleTimeout;
	}

	public int getMaxSandboxes() {
		return this.maxSandboxes;
	}

	public void setMaxSandboxes(int maxSandboxes) {
		this.maxSandboxes = maxSandboxes;
	}

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

	public int getOutputBudget() {
		return this.outputBudget;
	}

	public void setOutputBudget(int outputBudget) {
		this.outputBudget = outputBudget;
	}

	public int getMaxReadLines() {
		return this.maxReadLines;
	}

	public void setMaxReadLines(int maxReadLines) {
		this.maxReadLines = maxReadLines;
	}

	public int getMaxMediaPerConversation() {
		return this.maxMediaPerConversation;
	}

	public void setMaxMediaPerConversation(int maxMediaPerConversation) {
		this.maxMediaPerConversation = maxMediaPerConversation;
	}

	public boolean isExposePorts() {
		return this.exposePorts;
	}

	public void setExposePorts(boolean exposePorts) {
		this.exposePorts = exposePorts;
	}

}
