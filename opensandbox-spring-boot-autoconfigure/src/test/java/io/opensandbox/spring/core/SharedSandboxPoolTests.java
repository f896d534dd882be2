package io.opensandbox.spring.core;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import reactor.core.publisher.Flux;

import io.opensandbox.spring.model.SandboxSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pools shared by several instances through a real {@code redis-server} on loopback:
 * refilled together, claimed atomically, leases that outlive no instance, and nothing
 * left once every instance stopped.
 *
 * @author OpenSandbox Spring Boot
 */
class SharedSandboxPoolTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private final PoolServer server = new PoolServer();

	private final List<LettuceConnectionFactory> connections = new ArrayList<>();

	private final List<ReactiveSandboxPool> pools = new ArrayList<>();

	private LocalRedis redis;

	@BeforeEach
	void startRedis() throws Exception {
		this.redis = LocalRedis.start();
	}

	@AfterEach
	void stopEverything() throws Exception {
		this.pools.forEach(ReactiveSandboxPool::close);
		this.connections.forEach(LettuceConnectionFactory::destroy);
		this.server.close();
		if (this.redis != null) {
			this.redis.close();
		}
	}

	private ReactiveSandboxPool instance(int minIdle, int maxTotal) {
		return instance(minIdle, Math.max(minIdle, 4), maxTotal, java.time.Clock.systemUTC());
	}

	private ReactiveSandboxPool instance(int minIdle, int maxIdle, int maxTotal, java.time.Clock clock) {
		LettuceConnectionFactory connection = this.redis.connectionFactory();
		this.connections.add(connection);
		ReactiveSandboxPool pool = ReactiveSandboxPool.builder(this.server.template(new SandboxTracker(), clock))
			.name("shared")
			.spec(SandboxSpec.ofImage("python:3.12"))
			.minIdle(minIdle)
			.maxIdle(maxIdle)
			.maxTotal(maxTotal)
			.clock(clock)
			.upkeepInterval(Duration.ofMillis(100))
			.leaseTime(Duration.ofMillis(1000))
			.redis(connection)
			.build();
		((DefaultReactiveSandboxPool) pool).start();
		this.pools.add(pool);
		return pool;
	}

	@Test
	void threeInstancesRefillToTheMinimumTogetherNotEachOfThem() throws InterruptedException {
		ReactiveSandboxPool first = instance(3, 30);
		ReactiveSandboxPool second = instance(3, 30);
		ReactiveSandboxPool third = instance(3, 30);
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.server.aliveIds()).hasSize(3));
		Thread.sleep(500);
		assertThat(this.server.creations()).isEqualTo(3);
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(first.status().idle()).isEqualTo(3);
			assertThat(second.status().idle()).isEqualTo(3);
			assertThat(third.status().idle()).isEqualTo(3);
		});
	}

	@Test
	void anInstanceForgetsTheHandlesOfSandboxesItCreatedThatAnotherInstanceClaimed() {
		ReactiveSandboxPool creator = instance(2, 20);
		await().atMost(WAIT).untilAsserted(() -> assertThat(creator.status().idle()).isEqualTo(2));
		assertThat(((DefaultReactiveSandboxPool) creator).warmHandles()).isEqualTo(2);
		((DefaultReactiveSandboxPool) creator).stop();
		ReactiveSandboxPool claimer = instance(0, 20);
		((DefaultReactiveSandboxPool) claimer).stop();
		StringRedisTemplate redis = new StringRedisTemplate(this.connections.get(0));
		ReactiveSandbox first = claimer.acquire().block(WAIT);
		((DefaultReactiveSandboxPool) creator).upkeep().block(WAIT);
		Long stillIdle = redis.opsForZSet().zCard("opensandbox:pool:{shared}:idle");
		assertThat(stillIdle).as("one left idle, unless a slow ping had the claimer replace one").isBetween(0L, 1L);
		assertThat(((DefaultReactiveSandboxPool) creator).warmHandles()).as("the handles of those still idle are kept")
			.isEqualTo(stillIdle.intValue());
		ReactiveSandbox second = claimer.acquire().block(WAIT);
		assertThat(Set.of(first.id(), second.id())).hasSize(2);
		((DefaultReactiveSandboxPool) creator).upkeep().block(WAIT);
		assertThat(((DefaultReactiveSandboxPool) creator).warmHandles()).isZero();
	}

	@Test
	void idleSandboxesInRedisAreRenewedOnceAndKeepTheirNewExpiry() {
		ReactiveSandboxManagerTests.MutableClock clock = new ReactiveSandboxManagerTests.MutableClock(Instant.now());
		ReactiveSandboxPool pool = instance(1, 1, 16, clock);
		LettuceConnectionFactory connection = this.connections.get(this.connections.size() - 1);
		await().atMost(WAIT).untilAsserted(() -> assertThat(pool.status().idle()).isEqualTo(1));
		RedisSandboxPoolStore store = new RedisSandboxPoolStore(connection, "shared", Duration.ofSeconds(1));
		SandboxPoolStore.Idle before = store.idle().block(WAIT).get(0);
		assertThat(before.expiresAt()).isNotNull();
		clock.now = clock.now.plus(Duration.ofMinutes(6));
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.server.renewals).hasValue(1));
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(store.idle().block(WAIT).get(0).expiresAt())
				.isEqualTo(clock.now.plus(Duration.ofMinutes(10)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS)));
		// a renewal changes the expiry only: the idle time to live still counts from
		// creation
		assertThat(store.idle().block(WAIT).get(0).createdAt()).isEqualTo(before.createdAt())
			.isNotEqualTo(Instant.EPOCH);
		assertThat(this.server.renewals).hasValue(1);
	}

	@Test
	void contendingInstancesNeverGetTheSameSandboxAndStayWithinTheTotal() {
		List<ReactiveSandboxPool> instances = List.of(instance(4, 24), instance(4, 24), instance(4, 24));
		await().atMost(WAIT).untilAsserted(() -> assertThat(instances.get(0).status().idle()).isEqualTo(4));
		List<ReactiveSandbox> acquired = Flux.fromIterable(instances)
			.flatMap((pool) -> Flux.range(0, 8).flatMap((i) -> pool.acquire(Duration.ofSeconds(10)), 8))
			.collectList()
			.block(WAIT);
		Set<String> ids = new HashSet<>();
		acquired.forEach((sandbox) -> ids.add(sandbox.id()));
		assertThat(ids).hasSize(24);
		assertThat(this.server.aliveIds()).hasSizeLessThanOrEqualTo(24);
		Flux.fromIterable(acquired).flatMap(ReactiveSandbox::kill).then().block(WAIT);
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(instances.get(1).status().inUse()).isZero();
			assertThat(this.server.aliveIds()).hasSize(4);
		});
	}

	@Test
	void threeInstancesContendOneIsKilledWhileHoldingSandboxesAndNothingIsLostOrLeft() throws Exception {
		ReactiveSandboxPool first = instance(2, 20);
		ReactiveSandboxPool second = instance(2, 20);
		await().atMost(WAIT).untilAsserted(() -> assertThat(first.status().idle()).isEqualTo(2));
		Process doomed = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), PoolInstanceMain.class.getName(),
				String.valueOf(this.server.port()), String.valueOf(this.redis.port()), "3")
			.redirectErrorStream(true)
			.start();
		// the survivors contend with the third instance while it acquires
		List<ReactiveSandbox> survivorsHold = Flux.range(0, 6)
			.flatMap((i) -> ((i % 2 == 0) ? first : second).acquire(Duration.ofSeconds(10)), 6)
			.collectList()
			.block(WAIT);
		Set<String> held = new HashSet<>();
		try (BufferedReader output = new BufferedReader(
				new InputStreamReader(doomed.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = output.readLine()) != null && !line.equals("READY")) {
				if (line.startsWith("HELD ")) {
					held.add(line.substring(5));
				}
			}
			assertThat(held).hasSize(3);
			assertThat(this.server.aliveIds()).containsAll(held);
			Set<String> survivors = new HashSet<>();
			survivorsHold.forEach((sandbox) -> survivors.add(sandbox.id()));
			assertThat(survivors).hasSize(6).doesNotContainAnyElementsOf(held);
			doomed.destroyForcibly();
			assertThat(doomed.waitFor(10, TimeUnit.SECONDS)).isTrue();
		}
		// its lease lapses: a survivor kills what it held, and nothing the survivors hold
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.server.aliveIds()).doesNotContainAnyElementsOf(held));
		survivorsHold.forEach((sandbox) -> assertThat(this.server.aliveIds()).contains(sandbox.id()));
		Flux.fromIterable(survivorsHold).flatMap(ReactiveSandbox::kill).then().block(WAIT);
		// the acquires that found none idle raised the survivors' targets above the
		// minimum
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(first.status().inUse()).isZero();
			assertThat(first.status().idle()).isBetween(2, 4);
			assertThat(this.server.aliveIds()).hasSize(first.status().idle());
		});
		first.close();
		second.close();
		assertThat(this.server.aliveIds()).isEmpty();
	}

	@Test
	void onlyTheLastInstanceToLeaveDrainsTheSharedSandboxesAndNothingIsLeft() {
		ReactiveSandboxPool first = instance(2, 20);
		ReactiveSandboxPool second = instance(2, 20);
		await().atMost(WAIT).untilAsserted(() -> assertThat(second.status().idle()).isEqualTo(2));
		ReactiveSandbox used = second.acquire().block(WAIT);
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.server.aliveIds()).hasSize(3));
		first.close();
		assertThat(this.server.aliveIds()).hasSize(3);
		await().atMost(WAIT).untilAsserted(() -> assertThat(second.status().idle()).isEqualTo(2));
		used.kill().block(WAIT);
		second.close();
		assertThat(this.server.aliveIds()).isEmpty();
		StringRedisTemplate redis = new StringRedisTemplate(this.connections.get(0));
		assertThat(redis.keys("opensandbox:pool:{shared}:*")).doesNotContain("opensandbox:pool:{shared}:idle",
				"opensandbox:pool:{shared}:data", "opensandbox:pool:{shared}:in-use");
	}

}
