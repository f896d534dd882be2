package io.opensandbox.spring.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.reactive.function.client.WebClient;

import io.opensandbox.spring.client.LifecycleClient;
import io.opensandbox.spring.client.ServerAddress;
import io.opensandbox.spring.core.ReactiveSandboxManager;
import io.opensandbox.spring.core.SandboxManager;

/**
 * Auto-configuration for OpenSandbox: connection details, the lifecycle client and the
 * {@link SandboxManager}. Every bean backs off to one the application defines, and nothing
 * here talks to the network at startup.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
@AutoConfiguration(afterName = {
		"org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration",
		"org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration",
		"org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration" })
@ConditionalOnClass({ WebClient.class, reactor.netty.http.client.HttpClient.class })
@ConditionalOnBooleanProperty(name = "opensandbox.enabled", matchIfMissing = true)
@EnableConfigurationProperties(OpenSandboxProperties.class)
public final class OpenSandboxAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(OpenSandboxConnectionDetails.class)
	PropertiesOpenSandboxConnectionDetails openSandboxConnectionDetails(OpenSandboxProperties properties,
			Environment environment) {
		return new PropertiesOpenSandboxConnectionDetails(properties, environment);
	}

	@Bean
	@ConditionalOnMissingBean
	LifecycleClient openSandboxLifecycleClient(OpenSandboxConnectionDetails connectionDetails,
			OpenSandboxProperties properties, ObjectProvider<WebClient.Builder> webClientBuilder,
			ObjectProvider<OpenSandboxWebClientCustomizer> customizers, ObjectProvider<SslBundles> sslBundles,
			ObjectProvider<ReactorResourceFactory> reactorResourceFactory) {
		ServerAddress address = OpenSandboxPropertiesValidator.validateDomain("opensandbox.domain",
				connectionDetails.getDomain(), connectionDetails.getProtocol());
		WebClient.Builder builder = webClientBuilder.getIfAvailable(WebClient::builder).clone();
		builder.clientConnector(OpenSandboxHttpConnectorFactory.create(properties, connectionDetails.getApiKey(),
				sslBundles.getIfAvailable(), reactorResourceFactory.getIfUnique()));
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return new LifecycleClient(builder, address, connectionDetails.getApiKey(), properties.getHeaders());
	}

	@Bean
	@ConditionalOnMissingBean
	ReactiveSandboxManager reactiveSandboxManager(LifecycleClient lifecycleClient) {
		return new ReactiveSandboxManager(lifecycleClient);
	}

	@Bean
	@ConditionalOnMissingBean
	SandboxManager sandboxManager(ReactiveSandboxManager reactiveSandboxManager) {
		return new SandboxManager(reactiveSandboxManager);
	}

}
