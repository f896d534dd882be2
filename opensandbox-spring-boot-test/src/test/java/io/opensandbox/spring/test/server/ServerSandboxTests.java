package io.opensandbox.spring.test.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.opensandbox.spring.test.server.isolation.ResourceLimits;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ServerSandbox}'s expiry: of many renewals, the last one alone is left
 * waiting.
 *
 * @author OpenSandbox Spring Boot
 */
class ServerSandboxTests {

	private final ExecutorService work = Executors.newCachedThreadPool();

	private final ExpiryTimer timer = new ExpiryTimer(Thread::new, this.work, Clock.systemUTC());

	private final ServerSandbox sandbox = new ServerSandbox("sandbox-1", "python:3.11", List.of("sleep", "infinity"),
			Map.of(), Map.of(), null, null, false, Instant.now(), Instant.now().plus(Duration.ofHours(1)),
			ResourceLimits.NONE);

	@AfterEach
	void close() {
		this.timer.close();
		this.work.shutdownNow();
	}

	@Test
	void ofExpiriesSetAtOnceByManyRenewalsOnlyOneIsLeftWaiting() throws Exception {
		AtomicInteger expired = new AtomicInteger();
		int threads = 8;
		CountDownLatch start = new CountDownLatch(1);
		List<CompletableFuture<Void>> renewals = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			renewals.add(CompletableFuture.runAsync(() -> {
				await(start);
				for (int i = 0; i < 500; i++) {
					this.sandbox.expiry(this.timer.start(this.sandbox::expiresAt, expired::incrementAndGet));
				}
			}, this.work));
		}
		start.countDown();
		CompletableFuture.allOf(renewals.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
		assertThat(this.timer.waiting()).isOne();
		assertThat(expired).hasValue(0);
	}

	@Test
	void theLastExpiryLeftWaitingExpiresTheSandbox() throws Exception {
		CompletableFuture<Integer> expired = new CompletableFuture<>();
		this.sandbox.expiresAt(Instant.now().plusMillis(200));
		for (int i = 1; i <= 100; i++) {
			int renewal = i;
			this.sandbox.expiry(this.timer.start(this.sandbox::expiresAt, () -> expired.complete(renewal)));
		}
		assertThat(expired.get(5, TimeUnit.SECONDS)).isEqualTo(100);
	}

	@Test
	void noExpiryLeavesNothingWaiting() {
		this.sandbox.expiry(this.timer.start(this.sandbox::expiresAt, () -> {
		}));
		this.sandbox.expiry(null);
		assertThat(this.timer.waiting()).isZero();
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
