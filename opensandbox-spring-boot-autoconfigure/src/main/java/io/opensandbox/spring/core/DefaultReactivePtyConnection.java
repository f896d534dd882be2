package io.opensandbox.spring.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import io.opensandbox.spring.client.ExecdPtyClient;
import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.error.OpenSandboxException;
import io.opensandbox.spring.error.OpenSandboxProtocolException;
import io.opensandbox.spring.error.OpenSandboxStreamException;
import io.opensandbox.spring.model.PtySession;
import io.opensandbox.spring.observation.OpenSandboxObservations;

/**
 * A client of one PTY session over as many WebSockets as it takes: each drop is followed
 * by a reconnect with {@code since} at the last byte delivered (and takeover, since the
 * server may not have noticed the drop yet), whose replay is cut to exactly what was
 * missed. Output is handed on with backpressure: above a high-water mark of undelivered
 * bytes the WebSocket is not read until the subscriber catches up.
 *
 * @author OpenSandbox Spring Boot
 */
final class DefaultReactivePtyConnection implements ReactivePty.Connection {

	static final int MAX_RECONNECTS = 8;

	private static final Duration FIRST_BACKOFF = Duration.ofMillis(50);

	private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

	private static final long HIGH_WATER = 4L << 20;

	private static final long LOW_WATER = 1L << 20;

	private static final int MAX_QUEUED_INPUT = 1024;

	private final ExecdPtyClient client;

	private final String sessionId;

	private final boolean pipes;

	private final OpenSandboxObservations.PtyTraffic traffic;

	private final Sinks.Many<ExecdPtyClient.Input> inputs = Sinks.many()
		.multicast()
		.onBackpressureBuffer(MAX_QUEUED_INPUT, false);

	private final Sinks.Many<PtySession.Output> output = Sinks.many().unicast().onBackpressureBuffer();

	private final Sinks.One<Integer> exit = Sinks.one();

	private final Sinks.Empty<Void> ended = Sinks.empty();

	private final AtomicLong offset = new AtomicLong();

	private final AtomicLong undelivered = new AtomicLong();

	private volatile PtySession.Mode mode = PtySession.Mode.TERMINAL;

	private volatile boolean closing;

	private volatile boolean terminated;

	private volatile @Nullable Socket socket;

	/** Whether a replay must start at or before {@link #offset} (else bytes are lost). */
	private volatile boolean exact;

	private int reconnects;

	DefaultReactivePtyConnection(ExecdPtyClient client, String sessionId, boolean pipes,
			OpenSandboxObservations.PtyTraffic traffic) {
		this.client = client;
		this.sessionId = sessionId;
		this.pipes = pipes;
		this.traffic = traffic;
	}

	/**
	 * Attach for the first time.
	 * @param since the offset to resume at, or -1 for what the server keeps
	 * @param takeover whether to evict the client attached now
	 * @return this connection, once the server said it is attached
	 */
	Mono<ReactivePty.Connection> attach(long since, boolean takeover) {
		this.exact = since >= 0;
		this.offset.set(Math.max(since, 0));
		Sinks.One<ReactivePty.Connection> ready = Sinks.one();
		connect(since, takeover, ready);
		return ready.asMono().doOnCancel(this::abandon);
	}

	private void connect(long since, boolean takeover, Sinks.@Nullable One<ReactivePty.Connection> ready) {
		Socket next = new Socket(ready);
		this.socket = next;
		this.client.connect(this.sessionId, this.pipes, since, takeover, this.inputs.asFlux()).subscribe(next);
	}

	@Override
	public String sessionId() {
		return this.sessionId;
	}

	@Override
	public PtySession.Mode mode() {
		return this.mode;
	}

	@Override
	public Flux<PtySession.Output> output() {
		return this.output.asFlux().doOnNext(this::delivered);
	}

	@Override
	public Mono<Integer> exitCode() {
		return this.exit.asMono();
	}

	@Override
	public Mono<Void> write(byte[] input) {
		Arguments.notNull(input, "Input");
		byte[] copy = input.clone();
		return send(() -> new ExecdPtyClient.Stdin(copy));
	}

	@Override
	public Mono<Void> write(String text) {
		Arguments.notNull(text, "Text");
		return write(text.getBytes(StandardCharsets.UTF_8));
	}

	@Override
	public Mono<Void> resize(int columns, int rows) {
		org.springframework.util.Assert.isTrue(columns > 0 && rows > 0 && columns <= 0xFFFF && rows <= 0xFFFF,
				"Columns and rows must be between 1 and 65535");
		return send(() -> new ExecdPtyClient.Resize(columns, rows));
	}

	@Override
	public Mono<Void> signal(String signal) {
		Arguments.text(signal, "Signal");
		org.springframework.util.Assert.isTrue(signal.matches("(SIG)?[A-Z0-9]{2,12}"),
				"Signal must be a name such as SIGINT");
		return send(() -> new ExecdPtyClient.Signal(signal));
	}

	private Mono<Void> send(java.util.function.Supplier<ExecdPtyClient.Input> input) {
		return Mono.fromRunnable(() -> {
			if (this.closing || this.terminated) {
				throw new OpenSandboxStreamException(
						"The connection to pty session " + this.sessionId + " is closed; attach again to send input",
						null);
			}
			ExecdPtyClient.Input message = input.get();
			Sinks.EmitResult result;
			while ((result = this.inputs.tryEmitNext(message)) == Sinks.EmitResult.FAIL_NON_SERIALIZED) {
				Thread.onSpinWait();
			}
			if (result.isFailure()) {
				throw new OpenSandboxStreamException("Pty session " + this.sessionId + " does not take input ("
						+ MAX_QUEUED_INPUT + " messages wait): " + result, null);
			}
			if (message instanceof ExecdPtyClient.Stdin stdin) {
				this.traffic.sent(stdin.bytes().length);
			}
		});
	}

	@Override
	public long offset() {
		return this.offset.get();
	}

	@Override
	public Mono<Void> close() {
		return Mono.defer(() -> {
			this.closing = true;
			this.inputs.tryEmitComplete();
			return this.ended.asMono().timeout(Duration.ofSeconds(2), Mono.fromRunnable(this::abandon));
		});
	}

	/*
	 * Completing the input closes the WebSocket: Reactor Netty sends the close frame and
	 * closes the connection.
	 */
	private void abandon() {
		this.closing = true;
		finish(null);
	}

	private void delivered(PtySession.Output chunk) {
		long left = this.undelivered.addAndGet(-chunk.bytes().length);
		Socket current = this.socket;
		if (current != null && left < LOW_WATER) {
			current.resume();
		}
	}

	/*
	 * Called from one socket at a time, in order.
	 */
	private void deliver(PtySession.Output.Stream stream, byte[] bytes) {
		if (bytes.length == 0) {
			return;
		}
		long at = this.offset.getAndAdd(bytes.length);
		this.undelivered.addAndGet(bytes.length);
		this.traffic.received(bytes.length);
		this.output.tryEmitNext(new PtySession.Output(stream, bytes, at));
	}

	private void replay(long from, byte[] bytes) {
		long expected = this.offset.get();
		if (!this.exact) {
			this.offset.set(from);
			expected = from;
		}
		else if (from > expected) {
			throw new OpenSandboxStreamException("Pty session " + this.sessionId + " no longer keeps the output from "
					+ expected + " on (it keeps it from " + from + "): " + (from - expected) + " bytes are lost", null);
		}
		int skip = (int) Math.min(expected - from, bytes.length);
		deliver(PtySession.Output.Stream.STDOUT, Arrays.copyOfRange(bytes, skip, bytes.length));
	}

	private void finish(@Nullable Throwable failure) {
		synchronized (this) {
			if (this.terminated) {
				return;
			}
			this.terminated = true;
		}
		this.inputs.tryEmitComplete();
		if (failure != null) {
			this.output.tryEmitError(failure);
			this.exit.tryEmitError(failure);
		}
		else {
			this.output.tryEmitComplete();
			this.exit.tryEmitEmpty();
		}
		this.ended.tryEmitEmpty();
	}

	/*
	 * After a drop: again, after a growing pause, from the last byte delivered.
	 */
	private void reconnect(Throwable cause) {
		this.reconnects++;
		if (this.reconnects > MAX_RECONNECTS) {
			finish(new OpenSandboxStreamException("Lost the connection to pty session " + this.sessionId
					+ " and could not resume it in " + MAX_RECONNECTS + " attempts", cause));
			return;
		}
		this.traffic.reconnected();
		Mono.delay(pause(this.reconnects)).subscribe((tick) -> {
			if (this.closing || this.terminated) {
				finish(null);
			}
			else {
				connect(this.offset.get(), true, null);
			}
		});
	}

	/**
	 * The pause before a reconnect: 50 ms, doubled each time up to 2 s.
	 * @param attempt the attempt, from 1
	 * @return the pause
	 */
	static Duration pause(int attempt) {
		return Duration
			.ofMillis(Math.min(FIRST_BACKOFF.toMillis() << Math.min(attempt - 1, 16), MAX_BACKOFF.toMillis()));
	}

	/**
	 * One WebSocket: reads one event at a time, and pauses while too much output waits
	 * for the subscriber.
	 */
	private final class Socket extends BaseSubscriber<ExecdPtyClient.Event> {

		private final Sinks.@Nullable One<ReactivePty.Connection> ready;

		private final AtomicBoolean paused = new AtomicBoolean();

		private boolean connected;

		private boolean exited;

		private ExecdPtyClient.@Nullable Failure failure;

		/** Whether this socket's end was handled: a socket ends once. */
		private boolean over;

		Socket(Sinks.@Nullable One<ReactivePty.Connection> ready) {
			this.ready = ready;
		}

		@Override
		protected void hookOnSubscribe(Subscription subscription) {
			request(1);
		}

		@Override
		protected void hookOnNext(ExecdPtyClient.Event event) {
			try {
				handle(event);
			}
			catch (OpenSandboxException ex) {
				this.over = true;
				failed(ex);
				return;
			}
			if (DefaultReactivePtyConnection.this.undelivered.get() < HIGH_WATER) {
				request(1);
			}
			else {
				this.paused.set(true);
				if (DefaultReactivePtyConnection.this.undelivered.get() < LOW_WATER) {
					resume();
				}
			}
		}

		void resume() {
			if (this.paused.compareAndSet(true, false)) {
				request(1);
			}
		}

		private void handle(ExecdPtyClient.Event event) {
			if (event instanceof ExecdPtyClient.Output out) {
				if (out.offset() >= 0) {
					replay(out.offset(), out.bytes());
				}
				else {
					deliver((out.stream() == 2) ? PtySession.Output.Stream.STDERR : PtySession.Output.Stream.STDOUT,
							out.bytes());
				}
			}
			else if (event instanceof ExecdPtyClient.Connected attached) {
				this.connected = true;
				DefaultReactivePtyConnection.this.exact = true;
				DefaultReactivePtyConnection.this.reconnects = 0;
				DefaultReactivePtyConnection.this.mode = "pipe".equals(attached.mode()) ? PtySession.Mode.PIPE
						: PtySession.Mode.TERMINAL;
				if (this.ready != null) {
					DefaultReactivePtyConnection.this.traffic.attached();
					this.ready.tryEmitValue(DefaultReactivePtyConnection.this);
				}
			}
			else if (event instanceof ExecdPtyClient.Exit ending) {
				this.exited = true;
				DefaultReactivePtyConnection.this.exit.tryEmitValue(ending.code());
			}
			else if (event instanceof ExecdPtyClient.Failure failed) {
				this.failure = failed;
			}
			else if (event instanceof ExecdPtyClient.Closed closed) {
				closed(closed);
			}
		}

		private void closed(ExecdPtyClient.Closed closed) {
			// what the socket signals after its close frame (its sending side failing on
			// the closed channel) is not another end
			this.over = true;
			String request = "GET /pty/" + DefaultReactivePtyConnection.this.sessionId + "/ws";
			if (this.exited || DefaultReactivePtyConnection.this.closing) {
				finish(null);
			}
			else if (this.failure != null) {
				failed(new OpenSandboxApiException.ServerError(request, 500, this.failure.code(),
						this.failure.message(), null));
			}
			else if (closed.code() == 4001) {
				failed(new OpenSandboxApiException.Conflict(request, 409, "TAKEN_OVER",
						"another client took over pty session " + DefaultReactivePtyConnection.this.sessionId, null));
			}
			else {
				dropped(new OpenSandboxStreamException("The WebSocket of pty session "
						+ DefaultReactivePtyConnection.this.sessionId + " closed with " + closed.code(), null));
			}
		}

		@Override
		protected void hookOnError(Throwable failure) {
			if (this.over) {
				return;
			}
			this.over = true;
			if (this.exited || DefaultReactivePtyConnection.this.closing) {
				finish(null);
			}
			else if (failure instanceof OpenSandboxApiException || failure instanceof OpenSandboxProtocolException) {
				// refused at the handshake (an unknown session, a second client, no
				// access),
				// or a server that speaks another protocol: coming back would not help
				failed(failure);
			}
			else {
				dropped(failure);
			}
		}

		@Override
		protected void hookOnComplete() {
			// the events always end with the close, which ended this socket already
			if (!this.over) {
				this.over = true;
				finish(null);
			}
		}

		private void dropped(Throwable cause) {
			if (this.ready != null && !this.connected) {
				failed(cause);
			}
			else {
				reconnect(cause);
			}
		}

		private void failed(Throwable failure) {
			if (this.ready != null && !this.connected) {
				this.ready.tryEmitError(failure);
			}
			finish(failure);
		}

	}

}
