package io.opensandbox.spring.autoconfigure.health;

import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.autoconfigure.OpenSandboxAutoConfiguration;
import io.opensandbox.spring.autoconfigure.OpenSandboxProperties;
import io.opensandbox.spring.core.OpenSandboxConnection;
import io.opensandbox.spring.core.ReactiveSandboxManager;
import io.opensandbox.spring.core.ReactiveSandboxPool;
import io.opensandbox.spring.core.SandboxTracker;
import io.opensandbox.spring.health.OpenSandboxHealthIndicator;

/**
 * Auto-configuration for the {@link OpenSandboxHealthIndicator}: a health component named
 * {@code opensandbox}, on when Spring Boot's health support is present and
 * {@code management.health.opensandbox.enabled} is not {@code false}. Each check is
 * bounded by {@code opensandbox.health.timeout}. The check talks to the server only when
 * health is requested, never at startup.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
@AutoConfiguration(after = OpenSandboxAutoConfiguration.class)
@ConditionalOnClass({ ReactiveHealthIndicator.class, Mono.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean({ ReactiveSandboxManager.class, OpenSandboxConnection.class })
@ConditionalOnEnabledHealthIndicator("opensandbox")
public final class OpenSandboxHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = { "opensandboxHealthIndicator", "opensandboxHealthContributor" })
	OpenSandboxHealthIndicator opensandboxHealthIndicator(ReactiveSandboxManager sandboxManager,
			OpenSandboxConnection connection, ObjectProvider<SandboxTracker> tracker,
			ObjectProvider<OpenSandboxProperties> properties, ObjectProvider<ReactiveSandboxPool> pools) {
		Duration timeout = properties.getIfAvailable(OpenSandboxProperties::new).getHealth().getTimeout();
		return new OpenSandboxHealthIndicator(sandboxManager, connection.getServerUri(), tracker.getIfAvailable(),
				timeout, pools.orderedStream().toList());
	}

}
