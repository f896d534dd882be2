package io.opensandbox.spring.autoconfigure;

import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

import io.opensandbox.spring.core.ReactiveSandboxPool;
import io.opensandbox.spring.core.ReactiveSandboxTemplate;
import io.opensandbox.spring.core.SandboxCleanup;
import io.opensandbox.spring.core.SandboxPool;
import io.opensandbox.spring.model.NetworkPolicy;
import io.opensandbox.spring.model.SandboxSpec;
import io.opensandbox.spring.observation.OpenSandboxObservations;

/**
 * Registers a {@link ReactiveSandboxPool} and its blocking {@link SandboxPool} twin for
 * each {@code opensandbox.pools.<name>}, named {@code <name>ReactiveSandboxPool} and
 * {@code <name>SandboxPool} and qualified by the pool's name, so that
 * {@code @Qualifier("python") SandboxPool pool} finds it. Nothing is created until the
 * beans are: the pools start filling when the application context starts.
 *
 * @author OpenSandbox Spring Boot
 */
class SandboxPoolsRegistrar implements ImportBeanDefinitionRegistrar {

	private static final String REDIS_CONNECTION_FACTORY = "org.springframework.data.redis.connection.ReactiveRedisConnectionFactory";

	private final Environment environment;

	private final BeanFactory beanFactory;

	SandboxPoolsRegistrar(Environment environment, BeanFactory beanFactory) {
		this.environment = environment;
		this.beanFactory = beanFactory;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		Map<String, Object> pools = Binder.get(this.environment)
			.bind("opensandbox.pools", Bindable.mapOf(String.class, Object.class))
			.orElse(Map.of());
		for (String name : pools.keySet()) {
			String reactiveName = name + "ReactiveSandboxPool";
			RootBeanDefinition reactive = new RootBeanDefinition(ReactiveSandboxPool.class,
					() -> reactivePool(name, this.beanFactory));
			reactive.addQualifier(new AutowireCandidateQualifier(Qualifier.class, name));
			reactive.setDestroyMethodName("close");
			registry.registerBeanDefinition(reactiveName, reactive);
			RootBeanDefinition blocking = new RootBeanDefinition(SandboxPool.class,
					() -> SandboxPool.of(this.beanFactory.getBean(reactiveName, ReactiveSandboxPool.class)));
			blocking.addQualifier(new AutowireCandidateQualifier(Qualifier.class, name));
			blocking.setDependsOn(reactiveName);
			registry.registerBeanDefinition(name + "SandboxPool", blocking);
		}
	}

	static ReactiveSandboxPool reactivePool(String name, BeanFactory beanFactory) {
		OpenSandboxProperties properties = beanFactory.getBean(OpenSandboxProperties.class);
		OpenSandboxProperties.Pool pool = properties.getPools().get(name);
		Assert.state(pool != null, () -> "No properties for sandbox pool '" + name + "'");
		ReactiveSandboxTemplate template = beanFactory.getBean(ReactiveSandboxTemplate.class);
		SandboxSpec spec = spec(pool);
		SandboxSpec merged = spec.withDefaults(template.getSettings().defaults());
		if (merged.image() == null && merged.snapshotId() == null) {
			String property = "opensandbox.pools." + name + ".image";
			throw new InvalidOpenSandboxPropertyException(property, null, "the pool's sandboxes have no image",
					"Set '" + property + "' (or 'opensandbox.sandbox.image' for every sandbox), for example "
							+ "'python:3.12'.");
		}
		ReactiveSandboxPool.Builder builder = ReactiveSandboxPool.builder(template)
			.name(name)
			.spec(spec)
			.minIdle(pool.getMinIdle())
			.maxIdle(pool.getMaxIdle())
			.maxTotal(pool.getMaxTotal())
			.acquireTimeout(pool.getAcquireTimeout())
			.idleTimeToLive(pool.getIdleTimeToLive())
			.creationConcurrency(pool.getCreationConcurrency())
			.whenEmpty(pool.getWhenEmpty())
			.leaseTime(pool.getLeaseTime())
			.drainTimeout(properties.getCleanup().getShutdownTimeout())
			.cleanup(beanFactory.getBeanProvider(SandboxCleanup.class).getIfAvailable())
			.observations(beanFactory.getBeanProvider(OpenSandboxObservations.class)
				.getIfAvailable(() -> OpenSandboxObservations.NOOP));
		if (pool.getStore() == OpenSandboxProperties.Pool.Store.REDIS) {
			RedisStore.use(builder, name, beanFactory);
		}
		ReactiveSandboxPool built = builder.build();
		if (name.equals(properties.getSandbox().getPool())) {
			template.drawFrom(built);
		}
		return built;
	}

	static SandboxSpec spec(OpenSandboxProperties.Pool pool) {
		SandboxSpec.Builder spec = SandboxSpec.builder()
			.env(pool.getEnv())
			.metadata(pool.getMetadata())
			.resourceLimits(pool.getResources());
		if (pool.getImage() != null) {
			spec.image(pool.getImage());
		}
		if (!pool.getEntrypoint().isEmpty()) {
			spec.entrypoint(List.copyOf(pool.getEntrypoint()));
		}
		if (pool.getTimeout() != null) {
			spec.timeout(pool.getTimeout());
		}
		OpenSandboxProperties.PoolNetworkPolicy policy = pool.getNetworkPolicy();
		if (policy.getDefaultAction() != null || !policy.getAllow().isEmpty() || !policy.getDeny().isEmpty()) {
			List<NetworkPolicy.Rule> rules = new java.util.ArrayList<>();
			policy.getAllow().forEach((target) -> rules.add(NetworkPolicy.Rule.allow(target)));
			policy.getDeny().forEach((target) -> rules.add(NetworkPolicy.Rule.deny(target)));
			spec.networkPolicy(new NetworkPolicy(policy.getDefaultAction(), rules));
		}
		return spec.build();
	}

	/**
	 * The Redis store, in a class of its own so that Spring Data Redis is loaded only for
	 * a pool that uses it.
	 */
	private static final class RedisStore {

		static void use(ReactiveSandboxPool.Builder builder, String name, BeanFactory beanFactory) {
			String property = "opensandbox.pools." + name + ".store";
			ClassLoader classLoader = (beanFactory instanceof ConfigurableBeanFactory configurable)
					? configurable.getBeanClassLoader() : null;
			if (!ClassUtils.isPresent(REDIS_CONNECTION_FACTORY, classLoader)) {
				throw new InvalidOpenSandboxPropertyException(property, "redis",
						"Spring Data Redis is not on the class path",
						"Add spring-boot-starter-data-redis to the application, or set '" + property + "=memory'.");
			}
			org.springframework.data.redis.connection.ReactiveRedisConnectionFactory connectionFactory = beanFactory
				.getBeanProvider(org.springframework.data.redis.connection.ReactiveRedisConnectionFactory.class)
				.getIfAvailable();
			if (connectionFactory == null) {
				throw new InvalidOpenSandboxPropertyException(property, "redis",
						"there is no ReactiveRedisConnectionFactory bean",
						"Configure Redis (spring.data.redis.*) with spring-boot-starter-data-redis, or set '" + property
								+ "=memory'.");
			}
			builder.redis(connectionFactory);
		}

	}

}
