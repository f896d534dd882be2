package io.opensandbox.spring.client;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.ReadTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.NettyPipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The read timeout of a connection's responses, on an embedded channel: when it fires,
 * and when it must not.
 *
 * @author OpenSandbox Spring Boot
 */
class ResponseReadTimeoutHandlerTests {

	private static final Duration TIMEOUT = Duration.ofMillis(100);

	private final ResponseReadTimeoutHandler handler = new ResponseReadTimeoutHandler(TIMEOUT);

	private final AtomicBoolean inactiveSeen = new AtomicBoolean();

	private final EmbeddedChannel channel = new EmbeddedChannel(this.handler, new ChannelInboundHandlerAdapter() {

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			ResponseReadTimeoutHandlerTests.this.inactiveSeen.set(true);
		}

	});

	@AfterEach
	void closeChannel() {
		this.channel.finishAndReleaseAll();
	}

	@Test
	void aResponseSilentPastTheTimeoutFailsAndTheConnectionIsClosed() {
		this.channel.writeOutbound(request());
		after(150);
		assertThatExceptionOfType(ReadTimeoutException.class).isThrownBy(this.channel::checkException);
		assertThat(this.channel.isOpen()).isFalse();
		assertThat(this.inactiveSeen).as("the close goes on down the pipeline").isTrue();
	}

	@Test
	void everyReadRestartsTheWaitAndTheTimerWakesWhenTheWaitCouldFirstBeTooLong() {
		this.channel.writeOutbound(request());
		sleep(60);
		this.channel.writeInbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
		after(60);
		assertThat(this.channel.isOpen()).as("60 ms since the last read").isTrue();
		after(100);
		assertThatExceptionOfType(ReadTimeoutException.class).isThrownBy(this.channel::checkException);
	}

	@Test
	void aCompleteResponseDisarmsTheTimer() {
		this.channel.writeOutbound(request());
		this.channel.writeInbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK),
				new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[] { 1 })), LastHttpContent.EMPTY_LAST_CONTENT);
		after(150);
		this.channel.checkException();
		assertThat(this.channel.isOpen()).isTrue();
	}

	@Test
	void theWaitStartsWhenTheRequestIsSentWhole() {
		this.channel.writeOutbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/upload"));
		after(150);
		this.channel.writeOutbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[] { 1 })));
		after(150);
		assertThat(this.channel.isOpen()).as("still sending").isTrue();
		this.channel.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);
		after(60);
		assertThat(this.channel.isOpen()).isTrue();
		after(100);
		assertThatExceptionOfType(ReadTimeoutException.class).isThrownBy(this.channel::checkException);
	}

	@Test
	void aRequestWithItsOwnResponseTimeoutIsLeftToIt() {
		this.channel.pipeline().addFirst(NettyPipeline.ResponseTimeoutHandler, new ChannelInboundHandlerAdapter());
		this.channel.writeOutbound(request());
		after(150);
		this.channel.checkException();
		assertThat(this.channel.isOpen()).isTrue();
	}

	@Test
	void aRemovedHandlerLeavesNoTimerBehind() {
		this.channel.writeOutbound(request());
		this.channel.pipeline().remove(this.handler);
		after(150);
		this.channel.checkException();
		assertThat(this.channel.isOpen()).isTrue();
	}

	@Test
	void aConnectionClosedWithNothingInFlightClosesQuietly() {
		this.channel.close();
		this.channel.checkException();
		assertThat(this.inactiveSeen).isTrue();
	}

	@Test
	void theTimeoutMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ResponseReadTimeoutHandler(Duration.ZERO))
			.withMessage("Read timeout must be positive, not PT0S");
	}

	private static DefaultFullHttpRequest request() {
		return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/v1/sandboxes/abc");
	}

	/**
	 * Let the time pass, then run the timers that are due.
	 */
	private void after(long millis) {
		sleep(millis);
		this.channel.runScheduledPendingTasks();
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
