package io.opensandbox.spring.client;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;
import reactor.netty.NettyPipeline;

/**
 * The read timeout of a connection's responses: the longest wait for the first byte of a
 * response after its request was sent whole, and between two reads of it (an upload that
 * takes longer is not cut short: the wait starts when its last byte is written). One
 * timer per connection, armed when a request goes out and re-armed only when it fires,
 * keeps it; Reactor Netty's per-request response timeout instead adds a handler with a
 * scheduled task to the pipeline for every request and removes it again, a cost every
 * call pays.
 * <p>
 * A request that sets its own response timeout (as command streams do, bounded by their
 * idle timeout) is bounded by that alone: the timer stands down while Reactor Netty's
 * handler is in the pipeline. One instance per connection, used on its event loop only.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public final class ResponseReadTimeoutHandler extends ChannelDuplexHandler {

	/** The handler's name in the pipeline. */
	public static final String NAME = "opensandbox.readTimeout";

	private final long timeoutNanos;

	private boolean awaitingResponse;

	private boolean requestSent;

	private long lastActivity;

	private @Nullable ScheduledFuture<?> timer;

	/**
	 * Create a handler for one connection.
	 * @param timeout the read timeout
	 */
	public ResponseReadTimeoutHandler(Duration timeout) {
		Assert.isTrue(timeout != null && !timeout.isNegative() && !timeout.isZero(),
				() -> "Read timeout must be positive, not " + timeout);
		this.timeoutNanos = timeout.toNanos();
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
		if (msg instanceof HttpRequest) {
			this.awaitingResponse = true;
			this.requestSent = false;
			if (this.timer == null) {
				this.timer = ctx.executor().schedule(() -> check(ctx), this.timeoutNanos, TimeUnit.NANOSECONDS);
			}
		}
		if (this.awaitingResponse) {
			this.lastActivity = System.nanoTime();
			if (msg instanceof LastHttpContent) {
				this.requestSent = true;
			}
		}
		super.write(ctx, msg, promise);
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
		if (this.awaitingResponse) {
			this.lastActivity = System.nanoTime();
			if (msg instanceof LastHttpContent) {
				this.awaitingResponse = false;
			}
		}
		super.channelRead(ctx, msg);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		cancel();
		super.channelInactive(ctx);
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		cancel();
	}

	private void cancel() {
		ScheduledFuture<?> current = this.timer;
		this.timer = null;
		if (current != null) {
			current.cancel(false);
		}
	}

	/*
	 * Runs on the event loop when the timer fires: fail the response that waited too
	 * long, or sleep until the wait it watches could first be too long (a whole timeout
	 * while the request is still being sent).
	 */
	private void check(ChannelHandlerContext ctx) {
		this.timer = null;
		if (!this.awaitingResponse || !ctx.channel().isActive()
				|| ctx.pipeline().get(NettyPipeline.ResponseTimeoutHandler) != null) {
			return;
		}
		long idle = this.requestSent ? System.nanoTime() - this.lastActivity : 0;
		if (idle >= this.timeoutNanos) {
			this.awaitingResponse = false;
			ctx.fireExceptionCaught(ReadTimeoutException.INSTANCE);
			ctx.close();
			return;
		}
		this.timer = ctx.executor().schedule(() -> check(ctx), this.timeoutNanos - idle, TimeUnit.NANOSECONDS);
	}

}
