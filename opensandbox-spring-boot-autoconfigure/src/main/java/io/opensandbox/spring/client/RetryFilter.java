package io.opensandbox.spring.client;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import io.micrometer.observation.Observation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.util.Assert;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.observation.OpenSandboxObservations;

/**
 * The one retry policy of every OpenSandbox client, applied as an exchange filter.
 * Idempotent requests (GET, HEAD, PUT, DELETE and OPTIONS, and a POST whose caller marks
 * it with the {@link #IDEMPOTENT} attribute, as the pause, resume and renew calls are)
 * are retried after a connection failure and after 429, 502, 503 and 504 responses; other
 * requests (create, metadata patch, command and code runs, uploads) only when the
 * connection was refused, so they provably never reached the server. Delays back off
 * exponentially with jitter, honour {@code Retry-After} up to the maximum backoff, and
 * all attempts together stay within the deadline. Retries happen before a response is
 * handed over, so a stream is never retried after its first byte.
 *
 * @param enabled whether to retry at all
 * @param maxAttempts the most attempts, the first one included
 * @param initialBackoff the delay before the first retry
 * @param maxBackoff the longest delay, also the cap on {@code Retry-After}
 * @param deadline the longest time all attempts of one request may take
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record RetryFilter(boolean enabled, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
		Duration deadline) {

	private static final Log logger = LogFactory.getLog(RetryFilter.class);

	private static final Set<Integer> RETRYABLE_STATUSES = Set.of(429, 502, 503, 504);

	/**
	 * The request attribute by which a caller states that a request may be sent twice
	 * (value {@code true}); needed only for methods that are not idempotent by
	 * definition.
	 */
	public static final String IDEMPOTENT = RetryFilter.class.getName() + ".idempotent";

	/**
	 * The request attribute by which a caller that retries on its own schedule (a
	 * readiness wait) turns this filter off for one request.
	 */
	public static final String SINGLE_ATTEMPT = RetryFilter.class.getName() + ".single-attempt";

	public RetryFilter {
		Assert.isTrue(maxAttempts >= 1, "At least one attempt is needed");
		Assert.isTrue(positive(initialBackoff) && positive(maxBackoff) && positive(deadline),
				"Backoffs and deadline must be positive");
	}

	private static boolean positive(@Nullable Duration duration) {
		return duration != null && !duration.isNegative() && !duration.isZero();
	}

	/**
	 * No retries.
	 * @return the policy
	 */
	public static RetryFilter none() {
		return new RetryFilter(false, 1, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(1));
	}

	/**
	 * This policy as an exchange filter for a {@code WebClient}.
	 * @return the filter
	 */
	public ExchangeFilterFunction asFilter() {
		return this::exchange;
	}

	private Mono<ClientResponse> exchange(ClientRequest request, ExchangeFunction next) {
		if (!this.enabled || this.maxAttempts <= 1
				|| Boolean.TRUE.equals(request.attribute(SINGLE_ATTEMPT).orElse(null))) {
			return next.exchange(request);
		}
		return attempt(request, next, isIdempotent(request), System.nanoTime(), 1);
	}

	/**
	 * One attempt, and the retries after it if it fails. The first attempt of a request
	 * costs two plain operators: the retry machinery is only built for a retry.
	 */
	private Mono<ClientResponse> attempt(ClientRequest request, ExchangeFunction next, boolean idempotent, long started,
			int attempt) {
		return next.exchange(request).flatMap((response) -> {
			int status = response.statusCode().value();
			if (!idempotent || !RETRYABLE_STATUSES.contains(status)) {
				return Mono.just(response);
			}
			Duration delay = delay(attempt,
					ErrorTranslator.retryAfter(response.headers().asHttpHeaders().getFirst("Retry-After")));
			if (!mayRetry(attempt, started, delay)) {
				// The last answer goes to the caller, to be translated with its body
				return Mono.just(response);
			}
			return response.releaseBody().then(Mono.error(new RetryableStatus(status, delay)));
		})
			// Only this attempt's failures: those of the retries after it pass through
			.onErrorResume((failure) -> {
				Duration delay;
				if (failure instanceof RetryableStatus retryable) {
					delay = retryable.delay;
				}
				else if (isRetryableFailure(failure, idempotent)) {
					delay = delay(attempt, null);
					if (!mayRetry(attempt, started, delay)) {
						return Mono.error(failure);
					}
				}
				else {
					return Mono.error(failure);
				}
				return retry(request, next, idempotent, started, attempt, delay, failure);
			});
	}

	private Mono<ClientResponse> retry(ClientRequest request, ExchangeFunction next, boolean idempotent, long started,
			int attempt, Duration delay, Throwable failure) {
		return Mono.deferContextual((view) -> {
			Object observation = view.getOrDefault(OpenSandboxObservations.OBSERVATION_CONTEXT_KEY, null);
			if (observation instanceof Observation current) {
				current.event(
						Observation.Event.of("opensandbox.retry", "retry " + attempt + " after " + describe(failure)));
			}
			if (logger.isDebugEnabled()) {
				logger.debug("Retrying " + request.method() + " " + request.url().getPath() + " in " + delay.toMillis()
						+ " ms (attempt " + (attempt + 1) + " of " + this.maxAttempts + ") after " + describe(failure));
			}
			return Mono.delay(delay).then(Mono.defer(() -> attempt(request, next, idempotent, started, attempt + 1)));
		});
	}

	private boolean mayRetry(int attempts, long started, Duration delay) {
		long elapsed = System.nanoTime() - started;
		return attempts < this.maxAttempts && elapsed + delay.toNanos() < this.deadline.toNanos();
	}

	/**
	 * Exponential backoff with jitter (between half and all of the computed delay), or
	 * the server's {@code Retry-After}, capped at the maximum backoff.
	 */
	Duration delay(int attempts, @Nullable Duration retryAfter) {
		if (retryAfter != null) {
			return (retryAfter.compareTo(this.maxBackoff) > 0) ? this.maxBackoff : retryAfter;
		}
		long base = this.initialBackoff.toMillis() << Math.min(attempts - 1, 20);
		long capped = Math.min(Math.max(base, 1), this.maxBackoff.toMillis());
		long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
		return Duration.ofMillis(jittered);
	}

	static boolean isIdempotent(ClientRequest request) {
		HttpMethod method = request.method();
		if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.DELETE.equals(method)
				|| HttpMethod.PUT.equals(method) || HttpMethod.OPTIONS.equals(method)) {
			return true;
		}
		return Boolean.TRUE.equals(request.attribute(IDEMPOTENT).orElse(null));
	}

	/**
	 * A failure before any response: retryable for idempotent requests; for others only a
	 * refused connection, which proves the request never reached the server.
	 */
	private static boolean isRetryableFailure(Throwable failure, boolean idempotent) {
		if (!(failure instanceof WebClientRequestException)) {
			return false;
		}
		if (ErrorTranslator.hasCause(failure, ConnectException.class)) {
			// Refused or timed out while connecting: nothing was sent
			return true;
		}
		return idempotent && ErrorTranslator.hasCause(failure, IOException.class);
	}

	private static String describe(Throwable failure) {
		if (failure instanceof RetryableStatus retryable) {
			return "HTTP " + retryable.status;
		}
		return ErrorTranslator.rootCause(failure).getClass().getSimpleName();
	}

	/**
	 * A retryable status, carried to the retry operator with the delay chosen for it.
	 */
	private static final class RetryableStatus extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final int status;

		private final transient Duration delay;

		RetryableStatus(int status, Duration delay) {
			super("HTTP " + status, null, false, false);
			this.status = status;
			this.delay = delay;
		}

	}

}
