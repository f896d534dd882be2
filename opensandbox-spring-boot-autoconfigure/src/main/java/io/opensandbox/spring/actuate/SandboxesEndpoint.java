package io.opensandbox.spring.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;
import org.springframework.util.Assert;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.core.ReactiveSandboxManager;
import io.opensandbox.spring.core.ReactiveSandboxPool;
import io.opensandbox.spring.core.SandboxTracker;
import io.opensandbox.spring.model.SandboxInfo;

/**
 * {@link Endpoint @Endpoint} that exposes the sandboxes this application created and
 * still tracks (not every sandbox the API key can see), each with its current state as
 * the server reports it, and the status of its sandbox pools, and that kills one of the
 * tracked sandboxes on request.
 * <p>
 * States are fetched in parallel, a bounded number at a time, and each lookup is bounded
 * by a timeout: a lookup that fails or is too slow reports no state instead of failing
 * the whole read. Only tracked sandboxes can be killed, so the endpoint cannot be used to
 * kill another application's sandboxes. The output holds no credentials.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
@Endpoint(id = "sandboxes")
public class SandboxesEndpoint {

	/** How many state lookups run at the same time. */
	static final int STATE_LOOKUP_CONCURRENCY = 16;

	private static final Log logger = LogFactory.getLog(SandboxesEndpoint.class);

	private final SandboxTracker tracker;

	private final ReactiveSandboxManager manager;

	private final Duration stateTimeout;

	private final List<ReactiveSandboxPool> pools;

	/**
	 * Create an endpoint.
	 * @param tracker the sandboxes this application tracks
	 * @param manager the manager used to look up states and to kill sandboxes
	 * @param stateTimeout longest time one state lookup may take
	 */
	public SandboxesEndpoint(SandboxTracker tracker, ReactiveSandboxManager manager, Duration stateTimeout) {
		this(tracker, manager, stateTimeout, List.of());
	}

	/**
	 * Create an endpoint that also shows sandbox pools.
	 * @param tracker the sandboxes this application tracks
	 * @param manager the manager used to look up states and to kill sandboxes
	 * @param stateTimeout longest time one state lookup may take
	 * @param pools the pools whose status the endpoint shows
	 */
	public SandboxesEndpoint(SandboxTracker tracker, ReactiveSandboxManager manager, Duration stateTimeout,
			List<? extends ReactiveSandboxPool> pools) {
		Assert.notNull(pools, "'pools' must not be null");
		this.pools = List.copyOf(pools);
		Assert.notNull(tracker, "'tracker' must not be null");
		Assert.notNull(manager, "'manager' must not be null");
		Assert.isTrue(stateTimeout != null && !stateTimeout.isNegative() && !stateTimeout.isZero(),
				() -> "'stateTimeout' must be positive, not " + stateTimeout);
		this.tracker = tracker;
		this.manager = manager;
		this.stateTimeout = stateTimeout;
	}

	/**
	 * Describe every sandbox this application tracks, oldest first, with its current
	 * state.
	 * @return the tracked sandboxes
	 */
	@ReadOperation
	public SandboxesDescriptor sandboxes() {
		List<ReactiveSandboxPool.Status> pools = this.pools.stream().map(ReactiveSandboxPool::status).toList();
		List<SandboxTracker.TrackedSandbox> tracked = this.tracker.tracked();
		if (tracked.isEmpty()) {
			return new SandboxesDescriptor(List.of(), pools);
		}
		List<SandboxDescriptor> sandboxes = Flux.fromIterable(tracked)
			.flatMapSequential(this::describe, STATE_LOOKUP_CONCURRENCY)
			.collectList()
			.block();
		return new SandboxesDescriptor((sandboxes != null) ? sandboxes : List.of(), pools);
	}

	/**
	 * Describe one sandbox this application tracks, with its current state.
	 * @param id the sandbox id
	 * @return the sandbox, or {@code null} if this application does not track it
	 */
	@ReadOperation
	public @Nullable SandboxDescriptor sandbox(@Selector String id) {
		SandboxTracker.TrackedSandbox sandbox = this.tracker.get(id);
		return (sandbox != null) ? describe(sandbox).block() : null;
	}

	/**
	 * Kill a sandbox this application tracks, and stop tracking it. A sandbox that is
	 * already gone counts as killed. The request is bounded by the HTTP client's
	 * timeouts.
	 * @param id the sandbox id
	 * @return the killed sandbox, or {@code null} if this application does not track it,
	 * in which case nothing is killed
	 */
	@DeleteOperation
	public @Nullable KilledSandboxDescriptor kill(@Selector String id) {
		SandboxTracker.TrackedSandbox sandbox = this.tracker.get(id);
		if (sandbox == null) {
			return null;
		}
		this.manager.kill(sandbox.id()).block();
		this.tracker.gone(sandbox.id());
		return new KilledSandboxDescriptor(sandbox.id(), sandbox.image(), sandbox.owner());
	}

	private Mono<SandboxDescriptor> describe(SandboxTracker.TrackedSandbox sandbox) {
		return Mono.defer(() -> this.manager.get(sandbox.id()))
			.map(SandboxInfo::state)
			.map((state) -> SandboxDescriptor.of(sandbox, state.value()))
			.timeout(this.stateTimeout)
			.onErrorResume((ex) -> {
				if (logger.isDebugEnabled()) {
					logger.debug("Could not look up the state of sandbox '" + sandbox.id() + "'", ex);
				}
				return Mono.empty();
			})
			.defaultIfEmpty(SandboxDescriptor.of(sandbox, null));
	}

	/**
	 * The sandboxes this application tracks, and its sandbox pools.
	 *
	 * @param sandboxes the sandboxes, oldest first (sandboxes a pool handed out included;
	 * its idle sandboxes are counted in its status)
	 * @param pools the status of each sandbox pool
	 */
	public record SandboxesDescriptor(List<SandboxDescriptor> sandboxes,
			List<ReactiveSandboxPool.Status> pools) implements OperationResponseBody {

	}

	/**
	 * One sandbox this application tracks.
	 *
	 * @param id the sandbox id
	 * @param state its state as the server reports it, or {@code null} if the server
	 * could not tell in time
	 * @param image the image it was created from, if any
	 * @param created when this application created it
	 * @param expires when it expires unless renewed, or {@code null} if it never expires
	 * @param owner the name of the scoped bean that owns it, if any
	 */
	public record SandboxDescriptor(String id, @Nullable String state, @Nullable String image, Instant created,
			@Nullable Instant expires, @Nullable String owner) implements OperationResponseBody {

		static SandboxDescriptor of(SandboxTracker.TrackedSandbox sandbox, @Nullable String state) {
			return new SandboxDescriptor(sandbox.id(), state, sandbox.image(), sandbox.createdAt(), sandbox.expiresAt(),
					sandbox.owner());
		}

	}

	/**
	 * A sandbox that was killed through the endpoint.
	 *
	 * @param id the sandbox id
	 * @param image the image it was created from, if any
	 * @param owner the name of the scoped bean that owned it, if any
	 */
	public record KilledSandboxDescriptor(String id, @Nullable String image,
			@Nullable String owner) implements OperationResponseBody {

	}

	/**
	 * {@link EndpointWebExtension @EndpointWebExtension} for the
	 * {@link SandboxesEndpoint}: over HTTP, killing a sandbox this application does not
	 * track answers {@code 404 Not Found} (a {@code null} result of a delete operation
	 * would otherwise be {@code 204 No Content}, as if something had been killed).
	 *
	 * @author OpenSandbox Spring Boot
	 * @since 0.1.0
	 */
	@EndpointWebExtension(endpoint = SandboxesEndpoint.class)
	public static class WebExtension {

		private final SandboxesEndpoint endpoint;

		/**
		 * Create a web extension.
		 * @param endpoint the endpoint it extends
		 */
		public WebExtension(SandboxesEndpoint endpoint) {
			Assert.notNull(endpoint, "'endpoint' must not be null");
			this.endpoint = endpoint;
		}

		/**
		 * Kill a sandbox this application tracks, and stop tracking it.
		 * @param id the sandbox id
		 * @return the killed sandbox, or {@code 404 Not Found} if this application does
		 * not track it, in which case nothing is killed
		 */
		@DeleteOperation
		public WebEndpointResponse<KilledSandboxDescriptor> kill(@Selector String id) {
			KilledSandboxDescriptor killed = this.endpoint.kill(id);
			return (killed != null) ? new WebEndpointResponse<>(killed)
					: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}

	}

}
