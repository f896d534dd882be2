package com.example.quickstart;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.util.ClassUtils;

import io.opensandbox.spring.core.Sandbox;
import io.opensandbox.spring.core.SandboxPool;
import io.opensandbox.spring.test.EmbeddedOpenSandbox;
import io.opensandbox.spring.test.EmbeddedOpenSandboxServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A warm pool in an application that has the starter and nothing else: Spring Data Redis
 * (for pools shared by instances) is optional and absent here.
 */
@SpringBootTest(properties = { "opensandbox.pools.python.image=python:3.12", "opensandbox.pools.python.min-idle=1",
		"opensandbox.pools.python.max-idle=1" })
@EmbeddedOpenSandbox
class PooledSandboxesTests {

	@Autowired
	@Qualifier("python")
	SandboxPool pool;

	@Autowired
	EmbeddedOpenSandboxServer server;

	@Test
	void aPoolHandsOutAWarmSandboxWithoutSpringDataRedis() {
		assertThat(ClassUtils.isPresent("org.springframework.data.redis.core.ReactiveStringRedisTemplate", null))
			.isFalse();
		await().untilAsserted(() -> assertThat(this.pool.status().idle()).isEqualTo(1));
		try (Sandbox sandbox = this.pool.acquire()) {
			assertThat(sandbox.commands().run("echo warm").stdoutText()).isEqualTo("warm");
		}
		await().untilAsserted(() -> assertThat(this.pool.status().idle()).isEqualTo(1));
		assertThat(this.server.getSandboxes()).hasSize(1);
	}

}
