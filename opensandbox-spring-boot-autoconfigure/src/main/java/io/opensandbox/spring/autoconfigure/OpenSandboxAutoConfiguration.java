package io.opensandbox.spring.autoconfigure;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import io.opensandbox.spring.client.RetryFilter;
import io.opensandbox.spring.client.ServerAddress;
import io.opensandbox.spring.core.OpenSandboxConnection;
import io.opensandbox.spring.core.ReactiveSandboxManager;
import io.opensandbox.spring.core.ReactiveSandboxPool;
import io.opensandbox.spring.core.ReactiveSandboxTemplate;
import io.opensandbox.spring.core.Readiness;
import io.opensandbox.spring.core.SandboxCleanup;
import io.opensandbox.spring.core.SandboxManager;
import io.opensandbox.spring.core.SandboxOwnership;
import io.opensandbox.spring.core.SandboxScope;
import io.opensandbox.spring.core.SandboxTemplate;
import io.opensandbox.spring.core.SandboxTemplateSettings;
import io.opensandbox.spring.core.SandboxTracker;
import io.opensandbox.spring.model.SandboxSpec;
import io.opensandbox.spring.observation.OpenSandboxObservationConvention;
import io.opensandbox.spring.observation.OpenSandboxObservations;

/**
 * Auto-configuration for OpenSandbox: connection details, the HTTP clients, the
 * {@link SandboxTemplate} and the {@link SandboxManager}. Every bean backs off to one the
 * application defines, and nothing here talks to the network at startup.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
@AutoConfiguration(
		afterName = { "org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration",
				"org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration",
				"org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration" })
@ConditionalOnClass({ WebClient.class, reactor.netty.http.client.HttpClient.class })
@ConditionalOnBooleanProperty(name = "opensandbox.enabled", matchIfMissing = true)
@EnableConfigurationProperties(OpenSandboxProperties.class)
@Import(SandboxPoolsRegistrar.class)
public final class OpenSandboxAutoConfiguration {

	private static final Log logger = LogFactory.getLog(OpenSandboxAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean(OpenSandboxConnectionDetails.class)
	PropertiesOpenSandboxConnectionDetails openSandboxConnectionDetails(OpenSandboxProperties properties,
			Environment environment, ObjectProvider<SslBundles> sslBundles) {
		return new PropertiesOpenSandboxConnectionDetails(properties, environment, sslBundles.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	OpenSandboxWebClientBuilderFactory openSandboxWebClientBuilderFactory(
			OpenSandboxConnectionDetails connectionDetails, OpenSandboxProperties properties,
			ObjectProvider<WebClient.Builder> webClientBuilder,
			ObjectProvider<OpenSandboxWebClientCustomizer> customizers, ObjectProvider<SslBundles> sslBundles) {
		ConnectionProvider connectionProvider = OpenSandboxHttpConnectorFactory
			.connectionProvider(properties.getHttp());
		WebClient.Builder builder = webClientBuilder.getIfAvailable(WebClient::builder).clone();
		HttpClient httpClient = OpenSandboxHttpConnectorFactory.create(properties, connectionDetails,
				sslBundles.getIfAvailable(), connectionProvider);
		builder.clientConnector(new ReactorClientHttpConnector(httpClient));
		OpenSandboxProperties.Retry retry = properties.getRetry();
		builder.filter(new RetryFilter(retry.isEnabled(), retry.getMaxAttempts(), retry.getInitialBackoff(),
				retry.getMaxBackoff(), retry.getDeadline())
			.asFilter());
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return new OpenSandboxWebClientBuilderFactory(builder, connectionProvider, httpClient);
	}

	@Bean
	@ConditionalOnMissingBean
	OpenSandboxObservations openSandboxObservations(ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<OpenSandboxObservationConvention> conventions) {
		return new OpenSandboxObservations(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP),
				conventions.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	OpenSandboxConnection openSandboxConnection(OpenSandboxConnectionDetails connectionDetails,
			OpenSandboxProperties properties, OpenSandboxWebClientBuilderFactory builderFactory,
			OpenSandboxObservations observations) {
		ServerAddress address = OpenSandboxPropertiesValidator.validateDomain("opensandbox.domain",
				connectionDetails.getDomain(), connectionDetails.getProtocol());
		if (connectionDetails.getApiKey() == null) {
			logger.info("No OpenSandbox API key is configured (opensandbox.api-key or OPEN_SANDBOX_API_KEY): "
					+ "requests to " + address.apiBase() + " carry none");
		}
		return OpenSandboxConnection.builder(builderFactory.builder())
			.domain(connectionDetails.getDomain())
			.protocol(connectionDetails.getProtocol())
			.apiKey(connectionDetails.getApiKey())
			.headers(properties.getHeaders())
			.endpointHeaders(properties.getEndpointHeaders())
			.execdAccessToken(connectionDetails.getExecdAccessToken())
			.streamIdleTimeout(properties.getExecd().getStreamIdleTimeout())
			.observations(observations)
			.webSockets(builderFactory.httpClient())
			.build();
	}

	@Bean
	static SandboxScopeRegistrar openSandboxScopeRegistrar() {
		return new SandboxScopeRegistrar();
	}

	@Bean
	@ConditionalOnMissingBean
	SandboxTracker openSandboxTracker() {
		return new SandboxTracker();
	}

	@Bean
	@ConditionalOnMissingBean
	SandboxOwnership openSandboxOwnership(Environment environment) {
		return SandboxOwnership.forApplication(environment.getProperty("spring.application.name", "application"));
	}

	@Bean
	@ConditionalOnMissingBean
	SandboxCleanup openSandboxCleanup(ReactiveSandboxManager sandboxManager, SandboxTracker tracker,
			SandboxOwnership ownership, OpenSandboxProperties properties, OpenSandboxObservations observations,
			ConfigurableListableBeanFactory beanFactory) {
		OpenSandboxProperties.Cleanup cleanup = properties.getCleanup();
		SandboxCleanup.Settings settings = new SandboxCleanup.Settings(cleanup.isKillOnShutdown(),
				cleanup.getShutdownTimeout(), cleanup.isKeepAlive() ? cleanup.getKeepAliveInterval() : null,
				cleanup.isSweepOrphansOnStartup() ? ownership : null, cleanup.getConcurrency());
		SandboxScope scope = (beanFactory.getRegisteredScope(SandboxScope.NAME) instanceof SandboxScope registered)
				? registered : null;
		return new SandboxCleanup(sandboxManager, tracker, scope, settings, Clock.systemUTC(), observations);
	}

	@Bean
	@ConditionalOnMissingBean
	ReactiveSandboxTemplate reactiveSandboxTemplate(OpenSandboxConnection connection, SandboxTracker tracker,
			SandboxOwnership ownership, OpenSandboxProperties properties,
			ObjectProvider<Readiness.Check> readinessCheck, ObjectProvider<SandboxTemplateCustomizer> customizers) {
		OpenSandboxProperties.Sandbox sandbox = properties.getSandbox();
		SandboxTemplateSettings.Builder settings = SandboxTemplateSettings.builder()
			.defaults(defaults(sandbox))
			.useServerProxy(properties.isUseServerProxy())
			.readiness(Readiness.defaults()
				.withCheck(readinessCheck.getIfAvailable(() -> Readiness.Check.EXECD_PING))
				.withTimeout(sandbox.getReadyTimeout())
				.withPollInterval(sandbox.getReadyPollInterval())
				.withProbeInterval(sandbox.getReadyProbeInterval()))
			.maxCollectedOutput(sandbox.getMaxCollectedOutput().toBytes());
		customizers.orderedStream().forEach((customizer) -> customizer.customize(settings));
		return new ReactiveSandboxTemplate(connection, settings.build(), tracker, ownership);
	}

	private static SandboxSpec defaults(OpenSandboxProperties.Sandbox sandbox) {
		SandboxSpec.Builder builder = SandboxSpec.builder()
			.entrypoint(List.copyOf(sandbox.getEntrypoint()))
			.timeout(sandbox.getTimeout())
			.resourceLimits(sandbox.getResources())
			.env(sandbox.getEnv())
			.metadata(sandbox.getMetadata());
		if (sandbox.getImage() != null) {
			builder.image(sandbox.getImage());
		}
		return builder.build();
	}

	@Bean
	@ConditionalOnMissingBean
	SandboxTemplate sandboxTemplate(ReactiveSandboxTemplate reactiveSandboxTemplate) {
		return new SandboxTemplate(reactiveSandboxTemplate);
	}

	@Bean
	@ConditionalOnMissingBean
	ReactiveSandboxManager reactiveSandboxManager(OpenSandboxConnection connection) {
		return ReactiveSandboxManager.create(connection);
	}

	@Bean
	@ConditionalOnMissingBean
	SandboxManager sandboxManager(ReactiveSandboxManager reactiveSandboxManager) {
		return SandboxManager.of(reactiveSandboxManager);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class OpenSandboxMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "openSandboxMeterBinder")
		MeterBinder openSandboxMeterBinder(SandboxTracker tracker, OpenSandboxObservations observations,
				ObjectProvider<ReactiveSandboxPool> pools) {
			OpenSandboxObservations.PtyTraffic pty = observations.getPtyTraffic();
			return (registry) -> {
				pools.orderedStream().forEach((pool) -> bindPool(pool, registry));
				Gauge.builder("opensandbox.sandboxes.active", tracker, SandboxTracker::size)
					.description("Sandboxes this application created and has not yet killed or released")
					.register(registry);
				FunctionCounter
					.builder("opensandbox.pty.connections", pty, OpenSandboxObservations.PtyTraffic::getAttached)
					.description("Clients attached to PTY sessions")
					.register(registry);
				FunctionCounter.builder("opensandbox.pty.bytes", pty, OpenSandboxObservations.PtyTraffic::getReceived)
					.description("Bytes of PTY session output received and input sent")
					.tag("direction", "received")
					.baseUnit("bytes")
					.register(registry);
				FunctionCounter.builder("opensandbox.pty.bytes", pty, OpenSandboxObservations.PtyTraffic::getSent)
					.description("Bytes of PTY session output received and input sent")
					.tag("direction", "sent")
					.baseUnit("bytes")
					.register(registry);
				FunctionCounter
					.builder("opensandbox.pty.reconnects", pty, OpenSandboxObservations.PtyTraffic::getReconnects)
					.description("Reconnects of PTY clients after their WebSocket dropped")
					.register(registry);
			};
		}

		private static void bindPool(ReactiveSandboxPool pool, MeterRegistry registry) {
			Map<String, ToDoubleFunction<ReactiveSandboxPool.Status>> states = Map.of("idle",
					ReactiveSandboxPool.Status::idle, "in-use", ReactiveSandboxPool.Status::inUse, "creating",
					ReactiveSandboxPool.Status::creating);
			states.forEach((state, count) -> Gauge
				.builder("opensandbox.pool.sandboxes", pool, (measured) -> count.applyAsDouble(measured.status()))
				.description("Sandboxes of a pool: idle, in use and being created")
				.tag("opensandbox.pool.name", pool.name())
				.tag("state", state)
				.register(registry));
			FunctionCounter
				.builder("opensandbox.pool.creation.failures", pool, (measured) -> measured.status().creationFailures())
				.description("Creations of pool sandboxes that failed")
				.tag("opensandbox.pool.name", pool.name())
				.register(registry);
		}

	}

}
