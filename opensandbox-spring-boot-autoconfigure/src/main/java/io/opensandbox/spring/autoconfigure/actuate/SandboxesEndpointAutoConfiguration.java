package io.opensandbox.spring.autoconfigure.actuate;

import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.opensandbox.spring.actuate.SandboxesEndpoint;
import io.opensandbox.spring.autoconfigure.OpenSandboxAutoConfiguration;
import io.opensandbox.spring.core.ReactiveSandboxManager;
import io.opensandbox.spring.core.ReactiveSandboxPool;
import io.opensandbox.spring.core.SandboxTracker;

/**
 * Auto-configuration for the {@link SandboxesEndpoint sandboxes} actuator endpoint,
 * available when the actuator is on the classpath, the endpoint is accessible and
 * exposed, and OpenSandbox is configured.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
@AutoConfiguration(after = OpenSandboxAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnAvailableEndpoint(SandboxesEndpoint.class)
@ConditionalOnBean({ SandboxTracker.class, ReactiveSandboxManager.class })
public final class SandboxesEndpointAutoConfiguration {

	/** Longest time the endpoint waits for the state of one sandbox. */
	static final Duration STATE_TIMEOUT = Duration.ofSeconds(2);

	@Bean
	@ConditionalOnMissingBean
	SandboxesEndpoint sandboxesEndpoint(SandboxTracker tracker, ReactiveSandboxManager manager,
			ObjectProvider<ReactiveSandboxPool> pools) {
		return new SandboxesEndpoint(tracker, manager, STATE_TIMEOUT, pools.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(SandboxesEndpoint.class)
	@ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
	SandboxesEndpoint.WebExtension sandboxesEndpointWebExtension(SandboxesEndpoint sandboxesEndpoint) {
		return new SandboxesEndpoint.WebExtension(sandboxesEndpoint);
	}

}
