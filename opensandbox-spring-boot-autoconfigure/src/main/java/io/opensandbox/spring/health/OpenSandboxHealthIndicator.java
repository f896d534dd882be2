package io.opensandbox.spring.health;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.AbstractReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.util.Assert;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.core.ReactiveSandboxManager;
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
 * than that.
 * <p>
 * Details: {@code domain} (the server root URL), {@code responseTime} (milliseconds),
 * {@code trackedSandboxes} (when a {@link SandboxTracker} is given) and, when DOWN,
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
		super("OpenSandbox health check failed");
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
				.map((page) -> details(builder.up(), start).build())
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

	private Health.Builder details(Health.Builder builder, long start) {
		builder.withDetail("domain", this.server.toString())
			.withDetail("responseTime", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
		if (this.tracker != null) {
			builder.withDetail("trackedSandboxes", this.tracker.size());
		}
		return builder;
	}

}
