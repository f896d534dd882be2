package io.opensandbox.spring.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The books of a pool shared through a real {@code redis-server} on loopback.
 *
 * @author OpenSandbox Spring Boot
 */
class RedisSandboxPoolStoreTests extends SandboxPoolStoreTests {

	private final List<LettuceConnectionFactory> connections = new ArrayList<>();

	private LocalRedis redis;

	@BeforeEach
	void startRedis() throws Exception {
		this.redis = LocalRedis.start();
	}

	@AfterEach
	void stopRedis() throws Exception {
		this.connections.forEach(LettuceConnectionFactory::destroy);
		if (this.redis != null) {
			this.redis.close();
		}
	}

	@Override
	SandboxPoolStore store() {
		return instance(Duration.ofSeconds(30));
	}

	private SandboxPoolStore instance(Duration leaseTime) {
		LettuceConnectionFactory connection = this.redis.connectionFactory();
		this.connections.add(connection);
		return new RedisSandboxPoolStore(connection, "books", leaseTime);
	}

	@Test
	void upkeepKeepsTheLeasesOfThisInstanceAndHandsOverWhatAnotherLeftToLapse() throws InterruptedException {
		SandboxPoolStore dying = instance(Duration.ofMillis(200));
		SandboxPoolStore surviving = instance(Duration.ofMillis(200));
		add(dying, "sb-1");
		add(dying, "sb-2");
		assertThat(dying.claim().block().id()).isEqualTo("sb-1");
		assertThat(surviving.claim().block().id()).isEqualTo("sb-2");
		Thread.sleep(300);
		assertThat(surviving.upkeep(List.of("sb-2")).block()).as("sb-1's lease lapsed, sb-2's is renewed")
			.containsExactly("sb-1");
		assertThat(surviving.upkeep(List.of("sb-2")).block()).as("handed over once").isEmpty();
		assertThat(surviving.counts().block()).isEqualTo(new SandboxPoolStore.Counts(0, 1, 0));
	}

}
