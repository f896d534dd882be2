package io.opensandbox.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.http.client.autoconfigure.HttpClientSettingsProperties;
import org.springframework.util.unit.DataSize;

import io.opensandbox.spring.core.ReactiveSandboxPool;
import io.opensandbox.spring.model.NetworkPolicy;

/**
 * Configuration properties for OpenSandbox. Invalid values fail startup with a message
 * naming the property and the fix. The API key and the proxy password never appear in
 * {@link #toString()}.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
@ConfigurationProperties("opensandbox")
public class OpenSandboxProperties implements InitializingBean {

	/**
	 * Whether to enable the OpenSandbox auto-configuration.
	 */
	private boolean enabled = true;

	/**
	 * Domain of the lifecycle server: host[:port][/prefix], optionally with a scheme that
	 * overrides 'protocol'. Falls back to the OPEN_SANDBOX_DOMAIN environment variable,
	 * then to localhost:8080.
	 */
	private @Nullable String domain;

	/**
	 * Protocol used for the lifecycle server and sandbox endpoints, 'http' or 'https'.
	 */
	private String protocol = "http";

	/**
	 * API key sent to the lifecycle server (only there) in the OPEN-SANDBOX-API-KEY
	 * header. Falls back to the OPEN_SANDBOX_API_KEY environment variable.
	 */
	private @Nullable String apiKey;

	/**
	 * Whether to reach sandbox endpoints (execd, egress) through the lifecycle server's
	 * proxy instead of directly. Needed when the client cannot route to sandbox
	 * addresses.
	 */
	private boolean useServerProxy;

	/**
	 * Extra headers sent with every request to the lifecycle server (not to sandbox
	 * endpoints). Masked in actuator output.
	 */
	private Map<String, String> headers = new LinkedHashMap<>();

	/**
	 * Extra headers sent with every request to sandbox endpoints (execd, egress), not to
	 * the lifecycle server. Masked in actuator output.
	 */
	private Map<String, String> endpointHeaders = new LinkedHashMap<>();

	private final Http http = new Http();

	private final Proxy proxy = new Proxy();

	private final Retry retry = new Retry();

	private final Sandbox sandbox = new Sandbox();

	private final Cleanup cleanup = new Cleanup();

	private final Execd execd = new Execd();

	private final Health health = new Health();

	/**
	 * Warm pools of ready sandboxes, by name: each becomes a SandboxPool bean (qualified
	 * by its name).
	 */
	private Map<String, Pool> pools = new LinkedHashMap<>();

	@Override
	public void afterPropertiesSet() {
		new OpenSandboxPropertiesValidator().validate(this);
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getDomain() {
		return this.domain;
	}

	public void setDomain(@Nullable String domain) {
		this.domain = domain;
	}

	public String getProtocol() {
		return this.protocol;
	}

	public void setProtocol(String protocol) {
		this.protocol = protocol;
	}

	public @Nullable String getApiKey() {
		return this.apiKey;
	}

	public void setApiKey(@Nullable String apiKey) {
		this.apiKey = apiKey;
	}

	public boolean isUseServerProxy() {
		return this.useServerProxy;
	}

	public void setUseServerProxy(boolean useServerProxy) {
		this.useServerProxy = useServerProxy;
	}

	public Map<String, String> getHeaders() {
		return this.headers;
	}

	public void setHeaders(Map<String, String> headers) {
		this.headers = headers;
	}

	public Map<String, String> getEndpointHeaders() {
		return this.endpointHeaders;
	}

	public void setEndpointHeaders(Map<String, String> endpointHeaders) {
		this.endpointHeaders = endpointHeaders;
	}

	public Http getHttp() {
		return this.http;
	}

	public Proxy getProxy() {
		return this.proxy;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public Sandbox getSandbox() {
		return this.sandbox;
	}

	public Cleanup getCleanup() {
		return this.cleanup;
	}

	public Execd getExecd() {
		return this.execd;
	}

	public Health getHealth() {
		return this.health;
	}

	public Map<String, Pool> getPools() {
		return this.pools;
	}

	public void setPools(Map<String, Pool> pools) {
		this.pools = pools;
	}

	@Override
	public String toString() {
		return "OpenSandboxProperties[enabled=" + this.enabled + ", domain=" + this.domain + ", protocol="
				+ this.protocol + ", apiKey=" + ((this.apiKey != null) ? "******" : null) + ", useServerProxy="
				+ this.useServerProxy + ", headers=" + this.headers.keySet() + ", endpointHeaders="
				+ this.endpointHeaders.keySet() + ", proxy=" + this.proxy + "]";
	}

	/**
	 * HTTP client settings for every OpenSandbox connection. Inherits redirects, connect
	 * and read timeouts, cookie handling and the SSL bundle from Spring Boot's HTTP
	 * client settings.
	 */
	public static class Http extends HttpClientSettingsProperties {

		/**
		 * Whether to log every HTTP message (headers and bodies) at DEBUG under
		 * 'io.opensandbox.spring.client.wiretap', with credentials masked.
		 */
		private boolean wiretap;

		/**
		 * Most connections open at once to one host (the lifecycle server, or one sandbox
		 * endpoint). Each running command stream holds one.
		 */
		private int maxConnections = 500;

		/**
		 * Longest time a request waits for a free connection when all are in use.
		 */
		private Duration pendingAcquireTimeout = Duration.ofSeconds(45);

		public Http() {
			setConnectTimeout(Duration.ofSeconds(10));
			setReadTimeout(Duration.ofSeconds(30));
		}

		public boolean isWiretap() {
			return this.wiretap;
		}

		public void setWiretap(boolean wiretap) {
			this.wiretap = wiretap;
		}

		public int getMaxConnections() {
			return this.maxConnections;
		}

		public void setMaxConnections(int maxConnections) {
			this.maxConnections = maxConnections;
		}

		public Duration getPendingAcquireTimeout() {
			return this.pendingAcquireTimeout;
		}

		public void setPendingAcquireTimeout(Duration pendingAcquireTimeout) {
			this.pendingAcquireTimeout = pendingAcquireTimeout;
		}

	}

	/**
	 * HTTP proxy for every OpenSandbox connection.
	 */
	public static class Proxy {

		/**
		 * Host name of the HTTP proxy. When unset, no proxy is configured here (the JVM's
		 * http(s).proxyHost system properties still apply).
		 */
		private @Nullable String host;

		/**
		 * Port of the HTTP proxy.
		 */
		private int port = 8080;

		/**
		 * User name for proxy authentication.
		 */
		private @Nullable String username;

		/**
		 * Password for proxy authentication.
		 */
		private @Nullable String password;

		/**
		 * Hosts reached directly, not through the proxy. Entries may start or end with
		 * '*' as a wildcard, for example '*.internal' or 'localhost'.
		 */
		private List<String> nonProxyHosts = new ArrayList<>();

		public @Nullable String getHost() {
			return this.host;
		}

		public void setHost(@Nullable String host) {
			this.host = host;
		}

		public int getPort() {
			return this.port;
		}

		public void setPort(int port) {
			this.port = port;
		}

		public @Nullable String getUsername() {
			return this.username;
		}

		public void setUsername(@Nullable String username) {
			this.username = username;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		public List<String> getNonProxyHosts() {
			return this.nonProxyHosts;
		}

		public void setNonProxyHosts(List<String> nonProxyHosts) {
			this.nonProxyHosts = nonProxyHosts;
		}

		@Override
		public String toString() {
			return "Proxy[host=" + this.host + ", port=" + this.port + ", username=" + this.username + ", password="
					+ ((this.password != null) ? "******" : null) + ", nonProxyHosts=" + this.nonProxyHosts + "]";
		}

	}

	/**
	 * Retries of idempotent requests after transient failures.
	 */
	public static class Retry {

		/**
		 * Whether to retry idempotent requests after connection failures and 429, 502,
		 * 503 and 504 responses.
		 */
		private boolean enabled = true;

		/**
		 * Maximum number of attempts, the first one included.
		 */
		private int maxAttempts = 3;

		/**
		 * Delay before the first retry; later retries back off exponentially, with
		 * jitter.
		 */
		private Duration initialBackoff = Duration.ofMillis(100);

		/**
		 * Longest delay between two attempts, also the cap on a server's Retry-After.
		 */
		private Duration maxBackoff = Duration.ofSeconds(5);

		/**
		 * Longest time all attempts of one call may take together.
		 */
		private Duration deadline = Duration.ofSeconds(60);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialBackoff() {
			return this.initialBackoff;
		}

		public void setInitialBackoff(Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
		}

		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

		public Duration getDeadline() {
			return this.deadline;
		}

		public void setDeadline(Duration deadline) {
			this.deadline = deadline;
		}

	}

	/**
	 * Defaults for sandboxes created by the application.
	 */
	public static class Sandbox {

		/**
		 * Default container image of new sandboxes.
		 */
		private @Nullable String image;

		/**
		 * Default entry process of new sandboxes.
		 */
		private List<String> entrypoint = new ArrayList<>(List.of("tail", "-f", "/dev/null"));

		/**
		 * Default time a new sandbox lives before the server kills it; at least 60s.
		 * Tracked sandboxes are renewed before it runs out.
		 */
		private Duration timeout = Duration.ofMinutes(10);

		/**
		 * Default resource limits of new sandboxes, such as cpu and memory.
		 */
		private Map<String, String> resources = new LinkedHashMap<>(Map.of("cpu", "1", "memory", "2Gi"));

		/**
		 * Default environment variables of new sandboxes.
		 */
		private Map<String, String> env = new LinkedHashMap<>();

		/**
		 * Default metadata of new sandboxes.
		 */
		private Map<String, String> metadata = new LinkedHashMap<>();

		/**
		 * How long to wait for a sandbox (created, connected to or resumed) to be running
		 * and answering.
		 */
		private Duration readyTimeout = Duration.ofSeconds(30);

		/**
		 * Longest delay between two requests a readiness wait sends to the lifecycle
		 * server: state requests, the first after 250 ms, then growing to this interval,
		 * and execd probes when endpoints are reached through the server proxy.
		 */
		private Duration readyPollInterval = Duration.ofMillis(400);

		/**
		 * Delay between two execd probes of a readiness wait when endpoints are reached
		 * directly: a sandbox is seen ready about half of it after execd answers. Each
		 * probe loads only the new sandbox.
		 */
		private Duration readyProbeInterval = Duration.ofMillis(10);

		/**
		 * Output a collected execution (Commands.run, Codes.run) keeps of each stream,
		 * stdout and stderr, in characters; the rest is counted in the execution but not
		 * kept. Stream the events to see all of a larger output.
		 */
		private DataSize maxCollectedOutput = DataSize.ofMegabytes(16);

		/**
		 * Name of a pool under opensandbox.pools that the SandboxTemplate draws from: a
		 * create whose specification, merged over these defaults, is the pool's gets a
		 * warm sandbox from it. Other creates are not affected.
		 */
		private @Nullable String pool;

		public @Nullable String getImage() {
			return this.image;
		}

		public void setImage(@Nullable String image) {
			this.image = image;
		}

		public List<String> getEntrypoint() {
			return this.entrypoint;
		}

		public void setEntrypoint(List<String> entrypoint) {
			this.entrypoint = entrypoint;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
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

		public Map<String, String> getMetadata() {
			return this.metadata;
		}

		public void setMetadata(Map<String, String> metadata) {
			this.metadata = metadata;
		}

		public Duration getReadyTimeout() {
			return this.readyTimeout;
		}

		public void setReadyTimeout(Duration readyTimeout) {
			this.readyTimeout = readyTimeout;
		}

		public Duration getReadyPollInterval() {
			return this.readyPollInterval;
		}

		public void setReadyPollInterval(Duration readyPollInterval) {
			this.readyPollInterval = readyPollInterval;
		}

		public Duration getReadyProbeInterval() {
			return this.readyProbeInterval;
		}

		public void setReadyProbeInterval(Duration readyProbeInterval) {
			this.readyProbeInterval = readyProbeInterval;
		}

		public DataSize getMaxCollectedOutput() {
			return this.maxCollectedOutput;
		}

		public void setMaxCollectedOutput(DataSize maxCollectedOutput) {
			this.maxCollectedOutput = maxCollectedOutput;
		}

		public @Nullable String getPool() {
			return this.pool;
		}

		public void setPool(@Nullable String pool) {
			this.pool = pool;
		}

	}

	/**
	 * Cleanup of the sandboxes the application created.
	 */
	public static class Cleanup {

		/**
		 * Whether to kill every tracked sandbox when the application context shuts down.
		 */
		private boolean killOnShutdown = true;

		/**
		 * Longest time the shutdown sweep may hold up context shutdown.
		 */
		private Duration shutdownTimeout = Duration.ofSeconds(10);

		/**
		 * Whether to renew tracked sandboxes in the background so they outlive their
		 * timeout only while the application runs.
		 */
		private boolean keepAlive = true;

		/**
		 * How often to look for tracked sandboxes that have used up half their timeout
		 * and renew them.
		 */
		private Duration keepAliveInterval = Duration.ofSeconds(10);

		/**
		 * Whether to kill, at startup, sandboxes labelled with this application's name
		 * but another instance id: those a crashed earlier run left behind. Safe only for
		 * an application that runs as a single instance, since it would kill the
		 * sandboxes of other running instances.
		 */
		private boolean sweepOrphansOnStartup;

		/**
		 * Most kill or renew requests sent at once.
		 */
		private int concurrency = 64;

		public boolean isKillOnShutdown() {
			return this.killOnShutdown;
		}

		public void setKillOnShutdown(boolean killOnShutdown) {
			this.killOnShutdown = killOnShutdown;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

		public boolean isKeepAlive() {
			return this.keepAlive;
		}

		public void setKeepAlive(boolean keepAlive) {
			this.keepAlive = keepAlive;
		}

		public Duration getKeepAliveInterval() {
			return this.keepAliveInterval;
		}

		public void setKeepAliveInterval(Duration keepAliveInterval) {
			this.keepAliveInterval = keepAliveInterval;
		}

		public boolean isSweepOrphansOnStartup() {
			return this.sweepOrphansOnStartup;
		}

		public void setSweepOrphansOnStartup(boolean sweepOrphansOnStartup) {
			this.sweepOrphansOnStartup = sweepOrphansOnStartup;
		}

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

	}

	/**
	 * Access to execd, the daemon inside each sandbox.
	 */
	public static class Execd {

		/**
		 * Access token sent to execd in the X-EXECD-ACCESS-TOKEN header, for execd
		 * instances that require one.
		 */
		private @Nullable String accessToken;

		/**
		 * Longest time a command, code or metrics stream may stay silent (execd sends a
		 * ping every 3 seconds while a command runs) before it fails.
		 */
		private Duration streamIdleTimeout = Duration.ofSeconds(30);

		public @Nullable String getAccessToken() {
			return this.accessToken;
		}

		public void setAccessToken(@Nullable String accessToken) {
			this.accessToken = accessToken;
		}

		public Duration getStreamIdleTimeout() {
			return this.streamIdleTimeout;
		}

		public void setStreamIdleTimeout(Duration streamIdleTimeout) {
			this.streamIdleTimeout = streamIdleTimeout;
		}

		@Override
		public String toString() {
			return "Execd[accessToken=" + ((this.accessToken != null) ? "******" : null) + ", streamIdleTimeout="
					+ this.streamIdleTimeout + "]";
		}

	}

	/**
	 * The OpenSandbox health indicator.
	 */
	public static class Health {

		/**
		 * Longest time a health check may take; a server that does not answer in time is
		 * reported DOWN.
		 */
		private Duration timeout = Duration.ofSeconds(5);

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/**
	 * A warm pool of ready sandboxes. Unset sandbox settings fall back to
	 * {@code opensandbox.sandbox.*}.
	 */
	public static class Pool {

		/**
		 * Container image of the pool's sandboxes.
		 */
		private @Nullable String image;

		/**
		 * Entry process of the pool's sandboxes.
		 */
		private List<String> entrypoint = new ArrayList<>();

		/**
		 * Time a sandbox of the pool lives before the server kills it, unless renewed
		 * (idle sandboxes are renewed by the pool); at least 60s.
		 */
		private @Nullable Duration timeout;

		/**
		 * Resource limits of the pool's sandboxes, such as cpu and memory.
		 */
		private Map<String, String> resources = new LinkedHashMap<>();

		/**
		 * Environment variables of the pool's sandboxes.
		 */
		private Map<String, String> env = new LinkedHashMap<>();

		/**
		 * Metadata of the pool's sandboxes.
		 */
		private Map<String, String> metadata = new LinkedHashMap<>();

		private final PoolNetworkPolicy networkPolicy = new PoolNetworkPolicy();

		/**
		 * How many idle sandboxes the pool keeps ready at least.
		 */
		private int minIdle = 1;

		/**
		 * How many idle sandboxes the pool keeps at most: acquires that find none raise
		 * the refill target from the minimum up to this.
		 */
		private int maxIdle = 4;

		/**
		 * How many sandboxes the pool has at most: idle, in use and being created.
		 */
		private int maxTotal = 16;

		/**
		 * Longest time an acquire waits for a sandbox.
		 */
		private Duration acquireTimeout = Duration.ofSeconds(30);

		/**
		 * How long a sandbox stays idle before the pool replaces it with a fresh one.
		 */
		private Duration idleTimeToLive = Duration.ofMinutes(30);

		/**
		 * How many sandboxes this instance creates at the same time to refill the pool.
		 */
		private int creationConcurrency = 2;

		/**
		 * What an acquire does when no sandbox is idle: create one for the caller (within
		 * the maximum total) or wait for the refill.
		 */
		private ReactiveSandboxPool.WhenEmpty whenEmpty = ReactiveSandboxPool.WhenEmpty.CREATE;

		/**
		 * Where the pool keeps its books: in this instance's memory, or in Redis, shared
		 * by every instance of the application (needs Spring Data Redis and a
		 * ReactiveRedisConnectionFactory, as spring-boot-starter-data-redis makes).
		 */
		private Store store = Store.MEMORY;

		/**
		 * With the Redis store, how long an instance's claims last unless it renews them:
		 * after that, another instance kills the sandboxes a dead instance held.
		 */
		private Duration leaseTime = Duration.ofSeconds(30);

		public @Nullable String getImage() {
			return this.image;
		}

		public void setImage(@Nullable String image) {
			this.image = image;
		}

		public List<String> getEntrypoint() {
			return this.entrypoint;
		}

		public void setEntrypoint(List<String> entrypoint) {
			this.entrypoint = entrypoint;
		}

		public @Nullable Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(@Nullable Duration timeout) {
			this.timeout = timeout;
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

		public Map<String, String> getMetadata() {
			return this.metadata;
		}

		public void setMetadata(Map<String, String> metadata) {
			this.metadata = metadata;
		}

		public PoolNetworkPolicy getNetworkPolicy() {
			return this.networkPolicy;
		}

		public int getMinIdle() {
			return this.minIdle;
		}

		public void setMinIdle(int minIdle) {
			this.minIdle = minIdle;
		}

		public int getMaxIdle() {
			return this.maxIdle;
		}

		public void setMaxIdle(int maxIdle) {
			this.maxIdle = maxIdle;
		}

		public int getMaxTotal() {
			return this.maxTotal;
		}

		public void setMaxTotal(int maxTotal) {
			this.maxTotal = maxTotal;
		}

		public Duration getAcquireTimeout() {
			return this.acquireTimeout;
		}

		public void setAcquireTimeout(Duration acquireTimeout) {
			this.acquireTimeout = acquireTimeout;
		}

		public Duration getIdleTimeToLive() {
			return this.idleTimeToLive;
		}

		public void setIdleTimeToLive(Duration idleTimeToLive) {
			this.idleTimeToLive = idleTimeToLive;
		}

		public int getCreationConcurrency() {
			return this.creationConcurrency;
		}

		public void setCreationConcurrency(int creationConcurrency) {
			this.creationConcurrency = creationConcurrency;
		}

		public ReactiveSandboxPool.WhenEmpty getWhenEmpty() {
			return this.whenEmpty;
		}

		public void setWhenEmpty(ReactiveSandboxPool.WhenEmpty whenEmpty) {
			this.whenEmpty = whenEmpty;
		}

		public Store getStore() {
			return this.store;
		}

		public void setStore(Store store) {
			this.store = store;
		}

		public Duration getLeaseTime() {
			return this.leaseTime;
		}

		public void setLeaseTime(Duration leaseTime) {
			this.leaseTime = leaseTime;
		}

		/**
		 * Where a pool keeps its books.
		 */
		public enum Store {

			/**
			 * In this instance's memory.
			 */
			MEMORY,

			/**
			 * In Redis, shared by the application's instances.
			 */
			REDIS

		}

	}

	/**
	 * The egress network policy of a pool's sandboxes; none when nothing is set.
	 */
	public static class PoolNetworkPolicy {

		/**
		 * What happens to egress no rule matches: allow or deny.
		 */
		private NetworkPolicy.Rule.@Nullable Action defaultAction;

		/**
		 * Hosts (domains, wildcards such as *.example.com, or addresses) egress may
		 * reach.
		 */
		private List<String> allow = new ArrayList<>();

		/**
		 * Hosts egress may not reach.
		 */
		private List<String> deny = new ArrayList<>();

		public NetworkPolicy.Rule.@Nullable Action getDefaultAction() {
			return this.defaultAction;
		}

		public void setDefaultAction(NetworkPolicy.Rule.@Nullable Action defaultAction) {
			this.defaultAction = defaultAction;
		}

		public List<String> getAllow() {
			return this.allow;
		}

		public void setAllow(List<String> allow) {
			this.allow = allow;
		}

		public List<String> getDeny() {
			return this.deny;
		}

		public void setDeny(List<String> deny) {
			this.deny = deny;
		}

	}

}
