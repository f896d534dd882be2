package io.opensandbox.spring.autoconfigure;

import java.time.Duration;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.client.ServerAddress;
import io.opensandbox.spring.model.SandboxSpec;

/**
 * Checks {@link OpenSandboxProperties} as a whole, so that a bad value fails startup with
 * a message that names the property and the fix instead of failing the first request.
 *
 * @author OpenSandbox Spring Boot
 */
final class OpenSandboxPropertiesValidator {

	/** The shortest lease of a shared pool: two upkeeps (one second apart). */
	static final Duration MINIMUM_LEASE_TIME = Duration.ofSeconds(2);

	void validate(OpenSandboxProperties properties) {
		validateProtocol(properties.getProtocol());
		if (properties.getDomain() != null) {
			validateDomain("opensandbox.domain", properties.getDomain(), properties.getProtocol());
		}
		OpenSandboxProperties.Http http = properties.getHttp();
		positive("opensandbox.http.connect-timeout", http.getConnectTimeout());
		positive("opensandbox.http.read-timeout", http.getReadTimeout());
		validateProxy(properties.getProxy());
		OpenSandboxProperties.Retry retry = properties.getRetry();
		if (retry.getMaxAttempts() < 1) {
			throw new InvalidOpenSandboxPropertyException("opensandbox.retry.max-attempts",
					String.valueOf(retry.getMaxAttempts()), "at least one attempt is needed",
					"Set 'opensandbox.retry.max-attempts' to 1 or more (1 means no retries), or set "
							+ "'opensandbox.retry.enabled=false'.");
		}
		positive("opensandbox.retry.initial-backoff", retry.getInitialBackoff());
		positive("opensandbox.retry.max-backoff", retry.getMaxBackoff());
		positive("opensandbox.retry.deadline", retry.getDeadline());
		OpenSandboxProperties.Sandbox sandbox = properties.getSandbox();
		positive("opensandbox.sandbox.timeout", sandbox.getTimeout());
		if (sandbox.getTimeout().compareTo(SandboxSpec.MINIMUM_TIMEOUT) < 0) {
			throw new InvalidOpenSandboxPropertyException("opensandbox.sandbox.timeout",
					sandbox.getTimeout().toString(), "the server rejects sandbox timeouts below 60 seconds",
					"Set 'opensandbox.sandbox.timeout' to 60s or more, for example 10m.");
		}
		positive("opensandbox.sandbox.ready-timeout", sandbox.getReadyTimeout());
		positive("opensandbox.sandbox.ready-poll-interval", sandbox.getReadyPollInterval());
		positive("opensandbox.sandbox.ready-probe-interval", sandbox.getReadyProbeInterval());
		positive("opensandbox.execd.stream-idle-timeout", properties.getExecd().getStreamIdleTimeout());
		if (sandbox.getImage() != null && sandbox.getImage().isBlank()) {
			throw new InvalidOpenSandboxPropertyException("opensandbox.sandbox.image", sandbox.getImage(),
					"the image name is blank",
					"Set 'opensandbox.sandbox.image' to an image such as " + "'python:3.12', or remove the property.");
		}
		positive("opensandbox.cleanup.shutdown-timeout", properties.getCleanup().getShutdownTimeout());
		positive("opensandbox.cleanup.keep-alive-interval", properties.getCleanup().getKeepAliveInterval());
		positive("opensandbox.health.timeout", properties.getHealth().getTimeout());
		positive("opensandbox.http.pending-acquire-timeout", http.getPendingAcquireTimeout());
		atLeastOne("opensandbox.http.max-connections", http.getMaxConnections());
		atLeastOne("opensandbox.cleanup.concurrency", properties.getCleanup().getConcurrency());
		properties.getPools().forEach(OpenSandboxPropertiesValidator::validatePool);
		String pool = sandbox.getPool();
		if (pool != null && !properties.getPools().containsKey(pool)) {
			throw new InvalidOpenSandboxPropertyException("opensandbox.sandbox.pool", pool,
					"there is no pool of that name under opensandbox.pools",
					"Configure 'opensandbox.pools." + pool + ".*', or set 'opensandbox.sandbox.pool' to one of "
							+ properties.getPools().keySet() + ".");
		}
	}

	private static void validatePool(String name, OpenSandboxProperties.Pool pool) {
		String prefix = "opensandbox.pools." + name + ".";
		if (!name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
			throw new InvalidOpenSandboxPropertyException("opensandbox.pools." + name, name,
					"a pool name is 1 to 63 lower-case letters, digits and dashes",
					"Rename the pool, for example 'opensandbox.pools.python.*'.");
		}
		if (pool.getImage() != null && pool.getImage().isBlank()) {
			throw new InvalidOpenSandboxPropertyException(prefix + "image", pool.getImage(), "the image name is blank",
					"Set '" + prefix + "image' to an image such as 'python:3.12', or remove the property.");
		}
		if (pool.getTimeout() != null && pool.getTimeout().compareTo(SandboxSpec.MINIMUM_TIMEOUT) < 0) {
			throw new InvalidOpenSandboxPropertyException(prefix + "timeout", pool.getTimeout().toString(),
					"the server rejects sandbox timeouts below 60 seconds",
					"Set '" + prefix + "timeout' to 60s or more, for example 10m.");
		}
		if (pool.getMinIdle() < 0) {
			throw new InvalidOpenSandboxPropertyException(prefix + "min-idle", String.valueOf(pool.getMinIdle()),
					"it must not be negative", "Set '" + prefix + "min-idle' to 0 or more.");
		}
		if (pool.getMaxIdle() < pool.getMinIdle()) {
			throw new InvalidOpenSandboxPropertyException(prefix + "max-idle", String.valueOf(pool.getMaxIdle()),
					"it is below min-idle (" + pool.getMinIdle() + ")", "Set '" + prefix + "max-idle' to "
							+ pool.getMinIdle() + " or more, or lower '" + prefix + "min-idle'.");
		}
		if (pool.getMaxTotal() < Math.max(1, pool.getMaxIdle())) {
			throw new InvalidOpenSandboxPropertyException(prefix + "max-total", String.valueOf(pool.getMaxTotal()),
					"it must be at least 1 and at least max-idle (" + pool.getMaxIdle() + ")",
					"Set '" + prefix + "max-total' to " + Math.max(1, pool.getMaxIdle()) + " or more.");
		}
		atLeastOne(prefix + "creation-concurrency", pool.getCreationConcurrency());
		positive(prefix + "acquire-timeout", pool.getAcquireTimeout());
		positive(prefix + "idle-time-to-live", pool.getIdleTimeToLive());
		if (pool.getLeaseTime().compareTo(MINIMUM_LEASE_TIME) < 0) {
			throw new InvalidOpenSandboxPropertyException(prefix + "lease-time", pool.getLeaseTime().toString(),
					"a lease must outlast two upkeeps of one second each", "Set '" + prefix + "lease-time' to "
							+ MINIMUM_LEASE_TIME.toSeconds() + "s or more, for example 30s.");
		}
	}

	static void validateProtocol(@Nullable String protocol) {
		String normalized = (protocol != null) ? protocol.strip().toLowerCase(Locale.ROOT) : "";
		if (!normalized.equals("http") && !normalized.equals("https")) {
			throw new InvalidOpenSandboxPropertyException("opensandbox.protocol", protocol,
					"the protocol must be 'http' or 'https'", "Set 'opensandbox.protocol' to 'http' or 'https'.");
		}
	}

	static ServerAddress validateDomain(String property, String domain, String protocol) {
		try {
			return ServerAddress.of(domain, protocol);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidOpenSandboxPropertyException(property, ServerAddress.withoutUserInfo(domain),
					String.valueOf(ex.getMessage()),
					"Set '" + property + "' to the lifecycle server's address as host[:port][/prefix], "
							+ "for example 'localhost:8080' or 'https://sandbox.example.com'.");
		}
	}

	private static void validateProxy(OpenSandboxProperties.Proxy proxy) {
		boolean hasHost = proxy.getHost() != null && !proxy.getHost().isBlank();
		if (proxy.getPort() < 1 || proxy.getPort() > 65535) {
			throw new InvalidOpenSandboxPropertyException("opensandbox.proxy.port", String.valueOf(proxy.getPort()),
					"a port must be between 1 and 65535", "Set 'opensandbox.proxy.port' to the proxy's port.");
		}
		if (!hasHost && (proxy.getUsername() != null || proxy.getPassword() != null)) {
			throw new InvalidOpenSandboxPropertyException("opensandbox.proxy.host", proxy.getHost(),
					"proxy credentials are set but there is no proxy host",
					"Set 'opensandbox.proxy.host' to the proxy's host name, or remove "
							+ "'opensandbox.proxy.username' and 'opensandbox.proxy.password'.");
		}
		if (proxy.getPassword() != null && proxy.getUsername() == null) {
			throw new InvalidOpenSandboxPropertyException("opensandbox.proxy.username", null,
					"a proxy password is set without a user name",
					"Set 'opensandbox.proxy.username' as well, or remove 'opensandbox.proxy.password'.");
		}
	}

	private static void atLeastOne(String property, int value) {
		if (value < 1) {
			throw new InvalidOpenSandboxPropertyException(property, String.valueOf(value), "it must be at least 1",
					"Set '" + property + "' to 1 or more.");
		}
	}

	private static void positive(String property, @Nullable Duration value) {
		if (value != null && (value.isZero() || value.isNegative())) {
			throw new InvalidOpenSandboxPropertyException(property, value.toString(), "the duration must be positive",
					"Set '" + property + "' to a positive duration, for example 30s.");
		}
	}

}
