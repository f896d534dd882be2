package io.opensandbox.spring.autoconfigure;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.BeanFactoryAnnotationUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

import io.opensandbox.spring.core.PoolServer;
import io.opensandbox.spring.core.ReactiveSandboxPool;
import io.opensandbox.spring.core.Sandbox;
import io.opensandbox.spring.core.SandboxPool;
import io.opensandbox.spring.core.SandboxTemplate;
import io.opensandbox.spring.core.SandboxTracker;
import io.opensandbox.spring.model.SandboxSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pools from {@code opensandbox.pools.*}: one bean pair per pool, qualified by name, with
 * the configured specification and limits, meters, and a drain when the context closes.
 *
 * @author OpenSandbox Spring Boot
 */
class SandboxPoolAutoConfigurationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final PoolServer server = new PoolServer();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OpenSandboxAutoConfiguration.class))
		.withPropertyValues("opensandbox.domain=" + this.server.domain(), "opensandbox.sandbox.image=python:3.12");

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void noPoolIsMadeUnlessOneIsConfigured() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(SandboxPool.class)
			.doesNotHaveBean(ReactiveSandboxPool.class));
	}

	@Test
	void eachConfiguredPoolIsABeanPairQualifiedByItsNameAndFillsWhenTheContextStarts() {
		this.contextRunner
			.withPropertyValues("opensandbox.pools.python.image=python:3.12", "opensandbox.pools.python.min-idle=2",
					"opensandbox.pools.node.image=node:22", "opensandbox.pools.node.min-idle=0")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasBean("pythonSandboxPool").hasBean("pythonReactiveSandboxPool");
				SandboxPool python = pool(context, "python");
				assertThat(python.name()).isEqualTo("python");
				assertThat(pool(context, "node").name()).isEqualTo("node");
				assertThat(python.reactive()).isSameAs(BeanFactoryAnnotationUtils
					.qualifiedBeanOfType(context.getBeanFactory(), ReactiveSandboxPool.class, "python"));
				await().atMost(WAIT).untilAsserted(() -> assertThat(python.status().idle()).isEqualTo(2));
				assertThat(this.server.creations()).isEqualTo(2);
				assertThat(this.server.lastCreation()).contains("python:3.12");
				try (Sandbox sandbox = python.acquire()) {
					assertThat(context.getBean(SandboxTracker.class).isTracked(sandbox.id())).isTrue();
				}
			});
	}

	@Test
	void theSandboxSpecificationAndLimitsComeFromThePoolsPropertiesOverTheDefaults() {
		this.contextRunner
			.withPropertyValues("opensandbox.sandbox.image=ubuntu:24.04", "opensandbox.sandbox.env.SHARED=yes",
					"opensandbox.pools.py.min-idle=1", "opensandbox.pools.py.max-idle=3",
					"opensandbox.pools.py.max-total=5", "opensandbox.pools.py.env.POOL=py",
					"opensandbox.pools.py.resources.cpu=2", "opensandbox.pools.py.timeout=20m",
					"opensandbox.pools.py.network-policy.default-action=deny",
					"opensandbox.pools.py.network-policy.allow=pypi.org", "opensandbox.pools.py.acquire-timeout=300ms",
					"opensandbox.pools.py.when-empty=wait")
			.run((context) -> {
				SandboxPool pool = pool(context, "py");
				await().atMost(WAIT).untilAsserted(() -> assertThat(pool.status().idle()).isEqualTo(1));
				String created = this.server.lastCreation();
				assertThat(created).contains("ubuntu:24.04", "\"SHARED\":\"yes\"", "\"POOL\":\"py\"", "\"cpu\":\"2\"",
						"\"timeout\":1200", "pypi.org", "deny");
				assertThat(pool.status().target()).isEqualTo(1);
			});
	}

	@Test
	void theTemplateDrawsFromTheNamedPoolWhenTheSpecificationMatches() {
		this.contextRunner.withPropertyValues("opensandbox.pools.python.min-idle=1", "opensandbox.sandbox.pool=python")
			.run((context) -> {
				SandboxPool pool = pool(context, "python");
				await().atMost(WAIT).untilAsserted(() -> assertThat(pool.status().idle()).isEqualTo(1));
				String idle = this.server.aliveIds().iterator().next();
				SandboxTemplate template = context.getBean(SandboxTemplate.class);
				assertThat(template.create(SandboxSpec.ofImage("python:3.12")).id()).isEqualTo(idle);
				await().atMost(WAIT).untilAsserted(() -> assertThat(pool.status().idle()).isEqualTo(1));
				String next = this.server.aliveIds().stream().filter((id) -> !id.equals(idle)).findFirst().get();
				assertThat(template.execute(SandboxSpec.ofImage("python:3.12"), Sandbox::id)).isEqualTo(next);
				assertThat(this.server.aliveIds()).doesNotContain(next);
			});
		this.contextRunner.withPropertyValues("opensandbox.pools.python.min-idle=1", "opensandbox.sandbox.pool=node")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("opensandbox.sandbox.pool")
				.hasMessageContaining("there is no pool of that name"));
	}

	@Test
	void poolsHaveMetersWithBoundedTags() {
		this.contextRunner.withPropertyValues("opensandbox.pools.python.min-idle=2").run((context) -> {
			MeterRegistry meters = new SimpleMeterRegistry();
			context.getBean("openSandboxMeterBinder", MeterBinder.class).bindTo(meters);
			SandboxPool pool = pool(context, "python");
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(meters.get("opensandbox.pool.sandboxes")
					.tags("opensandbox.pool.name", "python", "state", "idle")
					.gauge()
					.value()).isEqualTo(2.0));
			pool.acquire();
			assertThat(meters.get("opensandbox.pool.sandboxes").tags("state", "in-use").gauge().value()).isEqualTo(1.0);
			assertThat(meters.get("opensandbox.pool.sandboxes").tags("state", "creating").gauge()).isNotNull();
			assertThat(meters.get("opensandbox.pool.creation.failures").functionCounter().count()).isZero();
		});
	}

	@Test
	void closingTheContextDrainsThePoolAndKillsWhatItHandedOut() {
		this.contextRunner.withPropertyValues("opensandbox.pools.python.min-idle=2").run((context) -> {
			SandboxPool pool = pool(context, "python");
			await().atMost(WAIT).untilAsserted(() -> assertThat(pool.status().idle()).isEqualTo(2));
			pool.acquire();
			await().atMost(WAIT).untilAsserted(() -> assertThat(this.server.aliveIds()).hasSize(3));
			context.close();
			assertThat(this.server.aliveIds()).isEmpty();
		});
	}

	@Test
	void stoppingTheContextSuspendsThePoolAndStartingItResumes() {
		this.contextRunner.withPropertyValues("opensandbox.pools.python.min-idle=1").run((context) -> {
			SandboxPool pool = pool(context, "python");
			await().atMost(WAIT).untilAsserted(() -> assertThat(pool.status().idle()).isEqualTo(1));
			ConfigurableApplicationContext running = context.getSourceApplicationContext();
			running.stop();
			assertThat(pool.status().running()).isFalse();
			assertThat(this.server.aliveIds()).hasSize(1);
			running.start();
			assertThat(pool.status().running()).isTrue();
			pool.acquire();
			await().atMost(WAIT).untilAsserted(() -> assertThat(pool.status().idle()).isEqualTo(1));
		});
	}

	@Test
	void badPoolPropertiesFailStartupNamingThePropertyAndTheFix() {
		this.contextRunner
			.withPropertyValues("opensandbox.pools.python.min-idle=3", "opensandbox.pools.python.max-idle=2")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidOpenSandboxPropertyException.class)
				.hasMessageContaining("opensandbox.pools.python.max-idle")
				.hasMessageContaining("below min-idle (3)"));
		this.contextRunner.withPropertyValues("opensandbox.pools.Python.min-idle=1")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("lower-case letters, digits and dashes"));
		this.contextRunner.withPropertyValues("opensandbox.pools.python.lease-time=1s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("opensandbox.pools.python.lease-time"));
	}

	@Test
	void aPoolWithoutAnImageFailsStartupWithTheFix() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(OpenSandboxAutoConfiguration.class))
			.withPropertyValues("opensandbox.domain=" + this.server.domain(), "opensandbox.pools.python.min-idle=1")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidOpenSandboxPropertyException.class)
				.hasMessageContaining("opensandbox.pools.python.image")
				.extracting((ex) -> ((InvalidOpenSandboxPropertyException) ex).getAction())
				.asString()
				.contains("opensandbox.sandbox.image"));
		assertThat(this.server.creations()).isZero();
	}

	@Test
	void aRedisStoreWithoutRedisFailsStartupWithTheFix() {
		this.contextRunner.withPropertyValues("opensandbox.pools.python.store=redis")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidOpenSandboxPropertyException.class)
				.hasMessageContaining("there is no ReactiveRedisConnectionFactory bean")
				.extracting((ex) -> ((InvalidOpenSandboxPropertyException) ex).getAction())
				.asString()
				.contains("spring.data.redis"));
		this.contextRunner.withPropertyValues("opensandbox.pools.python.store=redis")
			.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("Spring Data Redis is not on the class path"));
	}

	@Test
	void poolsWorkWithoutSpringDataRedisOnTheClassPath() {
		this.contextRunner.withPropertyValues("opensandbox.pools.python.min-idle=1")
			.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
			.run((context) -> {
				SandboxPool pool = pool(context, "python");
				await().atMost(WAIT).untilAsserted(() -> assertThat(pool.status().idle()).isEqualTo(1));
			});
	}

	private static SandboxPool pool(AssertableApplicationContext context, String name) {
		return BeanFactoryAnnotationUtils.qualifiedBeanOfType(context.getBeanFactory(), SandboxPool.class, name);
	}

}
