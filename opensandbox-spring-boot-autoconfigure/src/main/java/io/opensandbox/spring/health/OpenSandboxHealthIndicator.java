package io.opensandbox.spring.health;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.AbstractReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.util.Assert;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.core.ReactiveSandboxManager;
import io.opensandbox.spring.core.ReactiveSandboxPool;
import io.opensandbox.spring.core.SandboxTracker;
import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.error.OpenSandboxIoException;
import io.opensandbox.spring.error.OpenSandboxProtocolException;
import io.opensandbox.spring.error.OpenSandboxTimeoutException;
import io.opensandbox.spring.model.SandboxInfo;

/**
 * Reactive health indicator for the OpenSandbox lifecycle server. The server is UP when
 * its {@code GET /health} answers and it accepts the API key, checked with one cheap
 * authenticated call (a list of at most one sandbox). It is DOWN, with a {@code reason}
 * detail, when the server cannot be reached, rejects the API key, answers with an error,
 * or does not answer within the timeout: a hanging server never holds the check longer
 * than that. It is DOWN as well when a sandbox pool backs off after failed creations and
 * has no idle sandbox left, so that it cannot serve its callers.
 * <p>
 * Details: {@code domain} (the server root URL), {@code responseTime} (milliseconds),
 * {@code trackedSandboxes} (when a {@link SandboxTracker} is given), {@code pools} (the
 * {@link ReactiveSandboxPool.Status status} of each sandbox pool) and, when DOWN,
 * {@code reason}, {@code error} (the failure's type and message) and, for an error
 * response, {@code httpStatus} and {@code errorCode}. The API key never appears in them.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class OpenSandboxHealthIndicator extends AbstractReactiveHealthIndicator {

	private final ReactiveSandboxManager client;

	private final URI server;

	private final @Nullable SandboxTracker tracker;

	private final Duration timeout;

	private final List<ReactiveSandboxPool> pools;

	/**
	 * Create a new indicator.
	 * @param client the manager of the lifecycle server to check
	 * @param server the lifecycle server's URI, reported as {@code domain}
	 * @param tracker the sandboxes this application tracks, reported as
	 * {@code trackedSandboxes}, or {@code null} not to report them
	 * @param timeout the longest time a check may take; a server that has not answered by
	 * then is reported DOWN
	 */
	public OpenSandboxHealthIndicator(ReactiveSandboxManager client, URI server, @Nullable SandboxTracker tracker,
			Duration timeout) {
		this(client, server, tracker, timeout, List.of());
	}

	/**
	 * Create a new indicator that also reports sandbox pools.
	 * @param client the manager of the lifecycle server to check
	 * @param server the lifecycle server's URI, reported as {@code domain}
	 * @param tracker the sandboxes this application tracks, reported as
	 * {@code trackedSandboxes}, or {@code null} not to report them
	 * @param timeout the longest time a check may take; a server that has not answered by
	 * then is reported DOWN
	 * @param pools the pools to report as {@code pools}
	 */
	public OpenSandboxHealthIndicator(ReactiveSandboxManager client, URI server, @Nullable SandboxTracker tracker,
			Duration timeout, List<? extends ReactiveSandboxPool> pools) {
		super("OpenSandbox health check failed");
		Assert.notNull(pools, "'pools' must not be null");
		this.pools = List.copyOf(pools);
		Assert.notNull(client, "'client' must not be null");
		Assert.notNull(timeout, "'timeout' must not be null");
		Assert.isTrue(!timeout.isNegative() && !timeout.isZero(), "'timeout' must be positive");
		this.client = client;
		this.server = server;
		this.tracker = tracker;
		this.timeout = timeout;
	}

	@Override
	protected Mono<Health> doHealthCheck(Health.Builder builder) {
		return Mono.defer(() -> {
			long start = System.nanoTime();
			return this.client.health()
				.then(this.client.list(SandboxInfo.Filter.all(), 1, 1))
				.timeout(this.timeout)
				.map((page) -> poolsOrUp(builder, start))
				.switchIfEmpty(Mono.error(() -> new OpenSandboxProtocolException(
						"GET /sandboxes of " + this.server + ": empty response body", null)))
				.onErrorResume((ex) -> Mono.just(down(builder, ex, start)));
		});
	}

	private Health down(Health.Builder builder, Throwable failure, long start) {
		if (failure instanceof TimeoutException) {
			builder.down().withDetail("reason", "No answer within " + this.timeout.toMillis() + " ms");
			details(builder, start).withException(new OpenSandboxTimeoutException(
					"OpenSandbox health check did not finish within " + this.timeout.toMillis() + " ms", failure));
			return builder.build();
		}
		builder.down().withDetail("reason", reason(failure));
		details(builder, start).withException(failure);
		if (failure instanceof OpenSandboxApiException api) {
			builder.withDetail("httpStatus", api.getStatusCode());
			String errorCode = api.getErrorCode();
			if (errorCode != null) {
				builder.withDetail("errorCode", errorCode);
			}
		}
		return builder.build();
	}

	private String reason(Throwable failure) {
		if (failure instanceof OpenSandboxApiException.AccessDenied) {
			return "API key rejected";
		}
		if (failure instanceof OpenSandboxApiException.ServerError api) {
			return "Server error (HTTP " + api.getStatusCode() + ")";
		}
		if (failure instanceof OpenSandboxApiException api) {
			return "Unexpected response (HTTP " + api.getStatusCode() + ")";
		}
		if (failure instanceof OpenSandboxIoException) {
			return "Server unreachable";
		}
		if (failure instanceof OpenSandboxTimeoutException) {
			return "Server did not answer in time";
		}
		if (failure instanceof OpenSandboxProtocolException) {
			return "Unexpected response";
		}
		return "Health check failed";
	}

	/*
	 * The server is fine; a pool that cannot create sandboxes and has none idle cannot
	 * serve its callers, so it makes the component DOWN.
	 */
	private Health poolsOrUp(Health.Builder builder, long start) {
		builder.up();
		for (ReactiveSandboxPool pool : this.pools) {
			ReactiveSandboxPool.Status status = pool.status();
			if (status.backingOff() && status.idle() == 0) {
				builder.down()
					.withDetail("reason",
							"Sandbox pool '" + status.name() + "' cannot create sandboxes: " + status.lastFailure());
				break;
			}
		}
		return details(builder, start).build();
	}

	private Health.Builder details(Health.Builder builder, long start) {
		builder.withDetail("domain", this.server.toString())
			.withDetail("responseTime", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
		if (this.tracker != null) {
			builder.withDetail("trackedSandboxes", this.tracker.size());
		}
		if (!this.pools.isEmpty()) {
			Map<String, ReactiveSandboxPool.Status> pools = new LinkedHashMap<>();
			this.pools.forEach((pool) -> pools.put(pool.name(), pool.status()));
			builder.withDetail("pools", pools);
		}
		return builder;
	}

}
