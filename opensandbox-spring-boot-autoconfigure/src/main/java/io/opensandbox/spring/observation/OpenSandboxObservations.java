package io.opensandbox.spring.observation;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

import io.opensandbox.spring.model.ExecutionError;
import io.opensandbox.spring.model.ExecutionEvent;

/**
 * Records OpenSandbox observations around reactive work: each observation starts on
 * subscription, ends with the work (success, error or cancellation), takes the
 * observation in the Reactor context as its parent, and is itself the parent of the HTTP
 * client observations made inside it, so traces nest and propagate to the server.
 * Thread-safe.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public final class OpenSandboxObservations {

	/** Records nothing. */
	public static final OpenSandboxObservations NOOP = new OpenSandboxObservations(ObservationRegistry.NOOP, List.of());

	/** The Reactor context key under which Micrometer keeps the current observation. */
	public static final String OBSERVATION_CONTEXT_KEY = "micrometer.observation";

	private static final OpenSandboxObservationConvention[] DEFAULTS = defaults();

	private final PtyTraffic ptyTraffic = new PtyTraffic();

	private final ObservationRegistry registry;

	private final List<OpenSandboxObservationConvention> conventions;

	/**
	 * Create an instance.
	 * @param registry the registry
	 * @param conventions conventions replacing the defaults of the observations whose
	 * contexts they support, the first that supports a context wins
	 */
	public OpenSandboxObservations(ObservationRegistry registry,
			List<? extends OpenSandboxObservationConvention> conventions) {
		Assert.notNull(registry, "'registry' must not be null");
		Assert.notNull(conventions, "'conventions' must not be null");
		this.registry = registry;
		this.conventions = List.copyOf(conventions);
	}

	private static OpenSandboxObservationConvention[] defaults() {
		OpenSandboxObservationDocumentation[] observations = OpenSandboxObservationDocumentation.values();
		OpenSandboxObservationConvention[] defaults = new OpenSandboxObservationConvention[observations.length];
		for (OpenSandboxObservationDocumentation observation : observations) {
			defaults[observation.ordinal()] = new DefaultOpenSandboxObservationConvention(observation);
		}
		return defaults;
	}

	/**
	 * Observe a lifecycle call as {@code opensandbox.sandbox.operation}.
	 * @param <T> the result type
	 * @param operation the operation name, for example {@code create}
	 * @param sandboxId the sandbox, if the call concerns one
	 * @param call the call
	 * @return the observed call
	 */
	public <T> Mono<T> operation(String operation, @Nullable String sandboxId, Mono<T> call) {
		return observe(() -> {
			OpenSandboxObservationContext context = new OpenSandboxObservationContext(
					OpenSandboxObservationDocumentation.SANDBOX_OPERATION, operation);
			context.setSandboxId(sandboxId);
			return observation(context);
		}, call);
	}

	/**
	 * Observe the wait for a new sandbox to be ready as
	 * {@code opensandbox.sandbox.ready}.
	 * @param <T> the result type
	 * @param sandboxId the sandbox
	 * @param wait the wait
	 * @return the observed wait
	 */
	public <T> Mono<T> ready(String sandboxId, Mono<T> wait) {
		return observe(() -> {
			OpenSandboxObservationContext context = new OpenSandboxObservationContext(
					OpenSandboxObservationDocumentation.SANDBOX_READY, "ready");
			context.setSandboxId(sandboxId);
			return observation(context);
		}, wait);
	}

	/**
	 * Observe an acquire from a sandbox pool as {@code opensandbox.pool.acquire}: its
	 * latency by pool, by where the sandbox came from and by outcome.
	 * @param <T> the result type
	 * @param pool the pool's name
	 * @param acquire the acquire, given where to say where its sandbox came from
	 * @return the observed acquire
	 */
	public <T> Mono<T> poolAcquire(String pool, Function<Consumer<String>, Mono<T>> acquire) {
		if (this.registry.isNoop()) {
			return acquire.apply((source) -> {
			});
		}
		return Mono.defer(() -> {
			OpenSandboxObservationContext context = new OpenSandboxObservationContext(
					OpenSandboxObservationDocumentation.POOL_ACQUIRE, pool);
			return observe(() -> observation(context), acquire.apply(context::setSource));
		});
	}

	/**
	 * Observe a whole execution stream as {@code opensandbox.command.execution}: the
	 * observation ends with the stream, and records the execution id and whether the exit
	 * code was zero.
	 * @param kind {@code command}, {@code session} or {@code code}
	 * @param events the event stream
	 * @return the observed stream
	 */
	public Flux<ExecutionEvent> execution(String kind, Flux<ExecutionEvent> events) {
		if (this.registry.isNoop()) {
			return events;
		}
		return Flux.deferContextual((view) -> {
			OpenSandboxObservationContext context = new OpenSandboxObservationContext(
					OpenSandboxObservationDocumentation.COMMAND_EXECUTION, kind);
			Observation observation = start(observation(context), view);
			return finish(events.doOnNext((event) -> record(context, event)), observation, context, false);
		});
	}

	private static void record(OpenSandboxObservationContext context, ExecutionEvent event) {
		if (event.type() == ExecutionEvent.Type.INIT && context.getCommandId() == null) {
			context.setCommandId(event.text());
		}
		else if (event.type() == ExecutionEvent.Type.ERROR) {
			ExecutionError error = event.error();
			context.setExitCode((error != null) ? error.exitCode() : null);
		}
		else if (event.type() == ExecutionEvent.Type.EXECUTION_COMPLETE && context.getExitCode() == null) {
			context.setExitCode(0);
		}
	}

	/**
	 * Observe an upload or download as {@code opensandbox.file.transfer}.
	 * @param <T> the result type
	 * @param direction {@code upload} or {@code download}
	 * @param transfer the transfer
	 * @param bytes how many bytes were transferred, read when the transfer ends
	 * @return the observed transfer
	 */
	public <T> Mono<T> transfer(String direction, Mono<T> transfer, LongSupplier bytes) {
		if (this.registry.isNoop()) {
			return transfer;
		}
		return Mono.deferContextual((view) -> {
			OpenSandboxObservationContext context = new OpenSandboxObservationContext(
					OpenSandboxObservationDocumentation.FILE_TRANSFER, direction);
			Observation observation = start(observation(context), view);
			Mono<T> counted = transfer.doOnTerminate(() -> context.setBytes(bytes.getAsLong()))
				.doOnCancel(() -> context.setBytes(bytes.getAsLong()));
			return finish(counted.flux(), observation, context, true).singleOrEmpty();
		});
	}

	/**
	 * An observation of the shutdown sweep, as {@code opensandbox.cleanup}, not yet
	 * started; the sweep is blocking.
	 * @param context the context the sweep fills in, of the
	 * {@link OpenSandboxObservationDocumentation#CLEANUP} observation
	 * @return the observation
	 */
	public Observation cleanup(OpenSandboxObservationContext context) {
		Assert.isTrue(context.getObservation() == OpenSandboxObservationDocumentation.CLEANUP,
				"'context' must be of the cleanup observation");
		return observation(context);
	}

	private Observation observation(OpenSandboxObservationContext context) {
		@Nullable OpenSandboxObservationConvention custom = null;
		for (OpenSandboxObservationConvention convention : this.conventions) {
			if (convention.supportsContext(context)) {
				custom = convention;
				break;
			}
		}
		return context.getObservation()
			.observation(custom, DEFAULTS[context.getObservation().ordinal()], () -> context, this.registry);
	}

	/**
	 * The registry observations go to.
	 * @return the registry
	 */
	public ObservationRegistry getRegistry() {
		return this.registry;
	}

	private <T> Mono<T> observe(Supplier<Observation> observations, Mono<T> work) {
		if (this.registry.isNoop()) {
			return work;
		}
		return Mono.deferContextual((view) -> {
			Observation observation = observations.get();
			// A predicate (management.observations.enable.*) may have turned it off
			if (observation.isNoop() || !(observation.getContext() instanceof OpenSandboxObservationContext context)) {
				return work;
			}
			return finish(work.flux(), start(observation, view), context, true).singleOrEmpty();
		});
	}

	private static Observation start(Observation observation, ContextView view) {
		Object parent = view.getOrDefault(OBSERVATION_CONTEXT_KEY, null);
		if (parent instanceof Observation parentObservation) {
			observation.parentObservation(parentObservation);
		}
		return observation.start();
	}

	/*
	 * Stop the observation once, when the work ends. A single value that arrived is a
	 * success even if the subscriber cancels before the completion signal (as {@code
	 * Mono.flatMap} does when its inner publisher fails): only work cut short before its
	 * result is cancelled.
	 */
	private static <T> Flux<T> finish(Flux<T> work, Observation observation, OpenSandboxObservationContext context,
			boolean single) {
		AtomicBoolean stopped = new AtomicBoolean();
		AtomicBoolean delivered = new AtomicBoolean();
		Runnable stop = () -> {
			if (stopped.compareAndSet(false, true)) {
				observation.stop();
			}
		};
		return work.doOnNext((value) -> delivered.set(true)).doOnError((failure) -> {
			context.setOutcome(OpenSandboxObservationContext.Outcome.ERROR);
			observation.error(failure);
		})
			// Stopped before the signal reaches the caller, so a caller that blocks sees
			// it
			// finished
			.doOnTerminate(stop)
			.doOnCancel(() -> {
				if (!stopped.get() && !(single && delivered.get())) {
					context.setOutcome(OpenSandboxObservationContext.Outcome.CANCELLED);
				}
				stop.run();
			})
			.contextWrite((reactorContext) -> reactorContext.put(OBSERVATION_CONTEXT_KEY, observation));
	}

	/**
	 * The PTY traffic of every connection on these observations, for meters.
	 * @return the traffic counters
	 */
	public PtyTraffic getPtyTraffic() {
		return this.ptyTraffic;
	}

	/**
	 * Counters of PTY sessions: connections attached, bytes each way, reconnects after a
	 * drop. Bound to meters as {@code opensandbox.pty.*} where Micrometer is present.
	 */
	public static final class PtyTraffic {

		private final LongAdder attached = new LongAdder();

		private final LongAdder received = new LongAdder();

		private final LongAdder sent = new LongAdder();

		private final LongAdder reconnects = new LongAdder();

		/**
		 * Count a connection attached.
		 */
		public void attached() {
			this.attached.increment();
		}

		/**
		 * Count output received.
		 * @param bytes the byte count
		 */
		public void received(long bytes) {
			this.received.add(bytes);
		}

		/**
		 * Count input sent.
		 * @param bytes the byte count
		 */
		public void sent(long bytes) {
			this.sent.add(bytes);
		}

		/**
		 * Count a reconnect after a drop.
		 */
		public void reconnected() {
			this.reconnects.increment();
		}

		/**
		 * Connections attached so far.
		 * @return the count
		 */
		public double getAttached() {
			return this.attached.sum();
		}

		/**
		 * Output bytes received so far.
		 * @return the count
		 */
		public double getReceived() {
			return this.received.sum();
		}

		/**
		 * Input bytes sent so far.
		 * @return the count
		 */
		public double getSent() {
			return this.sent.sum();
		}

		/**
		 * Reconnects so far.
		 * @return the count
		 */
		public double getReconnects() {
			return this.reconnects.sum();
		}

	}

}
