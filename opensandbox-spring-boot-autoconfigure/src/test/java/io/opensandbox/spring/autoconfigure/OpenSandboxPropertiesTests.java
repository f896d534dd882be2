package io.opensandbox.spring.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.HttpCookieHandling;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.opensandbox.spring.core.Readiness;
import io.opensandbox.spring.core.SandboxTemplateSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * Tests for {@link OpenSandboxProperties}.
 *
 * @author OpenSandbox Spring Boot
 */
class OpenSandboxPropertiesTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OpenSandboxAutoConfiguration.class));

	@Test
	void sandboxDefaultsAreThoseOfTemplatesBuiltInCode() {
		OpenSandboxProperties.Sandbox sandbox = new OpenSandboxProperties().getSandbox();
		assertThat(SandboxTemplateSettings.DEFAULT_SPEC.entrypoint()).isEqualTo(sandbox.getEntrypoint());
		assertThat(SandboxTemplateSettings.DEFAULT_SPEC.timeout()).isEqualTo(sandbox.getTimeout());
		assertThat(SandboxTemplateSettings.DEFAULT_SPEC.resourceLimits()).isEqualTo(sandbox.getResources());
		assertThat(SandboxTemplateSettings.DEFAULT_MAX_COLLECTED_OUTPUT)
			.isEqualTo(sandbox.getMaxCollectedOutput().toBytes());
		Readiness readiness = SandboxTemplateSettings.builder().build().readiness();
		assertThat(readiness.timeout()).isEqualTo(sandbox.getReadyTimeout());
		assertThat(readiness.pollInterval()).isEqualTo(sandbox.getReadyPollInterval());
		assertThat(readiness.probeInterval()).isEqualTo(sandbox.getReadyProbeInterval());
	}

	@Test
	void defaultsMatchTheDocumentedValues() {
		OpenSandboxProperties properties = new OpenSandboxProperties();
		assertThat(properties.isEnabled()).isTrue();
		assertThat(properties.getDomain()).isNull();
		assertThat(properties.getProtocol()).isEqualTo("http");
		assertThat(properties.getApiKey()).isNull();
		assertThat(properties.isUseServerProxy()).isFalse();
		assertThat(properties.getHeaders()).isEmpty();
		assertThat(properties.getHttp().getConnectTimeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(properties.getHttp().getReadTimeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(properties.getHttp().isWiretap()).isFalse();
		assertThat(properties.getHttp().getRedirects()).isNull();
		assertThat(properties.getHttp().getSsl().getBundle()).isNull();
		assertThat(properties.getProxy().getHost()).isNull();
		assertThat(properties.getProxy().getPort()).isEqualTo(8080);
		assertThat(properties.getProxy().getUsername()).isNull();
		assertThat(properties.getProxy().getPassword()).isNull();
		assertThat(properties.getProxy().getNonProxyHosts()).isEmpty();
		assertThat(properties.getRetry().isEnabled()).isTrue();
		assertThat(properties.getRetry().getMaxAttempts()).isEqualTo(3);
		assertThat(properties.getRetry().getInitialBackoff()).isEqualTo(Duration.ofMillis(100));
		assertThat(properties.getRetry().getMaxBackoff()).isEqualTo(Duration.ofSeconds(5));
		assertThat(properties.getRetry().getDeadline()).isEqualTo(Duration.ofSeconds(60));
		assertThat(properties.getSandbox().getImage()).isNull();
		assertThat(properties.getSandbox().getEntrypoint()).containsExactly("tail", "-f", "/dev/null");
		assertThat(properties.getSandbox().getTimeout()).isEqualTo(Duration.ofMinutes(10));
		assertThat(properties.getSandbox().getResources()).containsOnly(entry("cpu", "1"), entry("memory", "2Gi"));
		assertThat(properties.getSandbox().getEnv()).isEmpty();
		assertThat(properties.getSandbox().getMetadata()).isEmpty();
		assertThat(properties.getSandbox().getReadyTimeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(properties.getSandbox().getReadyPollInterval()).isEqualTo(Duration.ofMillis(400))
			.isEqualTo(Readiness.DEFAULT_POLL_INTERVAL);
		assertThat(properties.getSandbox().getReadyProbeInterval()).isEqualTo(Duration.ofMillis(10))
			.isEqualTo(Readiness.DEFAULT_PROBE_INTERVAL);
		assertThat(properties.getExecd().getAccessToken()).isNull();
		assertThat(properties.getExecd().getStreamIdleTimeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(properties.getCleanup().isKillOnShutdown()).isTrue();
		assertThat(properties.getCleanup().getShutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(properties.getCleanup().isKeepAlive()).isTrue();
	}

	@Test
	void defaultsPassValidation() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.getBean(OpenSandboxProperties.class)
			.satisfies((properties) -> assertThat(properties.getSandbox().getTimeout())
				.isEqualTo(Duration.ofMinutes(10))));
	}

	@Test
	void everyGroupBindsFromProperties() {
		this.contextRunner
			.withPropertyValues("opensandbox.domain=https://sandbox.example.com/prefix", "opensandbox.protocol=https",
					"opensandbox.api-key=sk-binding-key", "opensandbox.use-server-proxy=true",
					"opensandbox.headers.X-Tenant=acme", "opensandbox.http.connect-timeout=3s",
					"opensandbox.http.read-timeout=45s", "opensandbox.http.redirects=dont-follow",
					"opensandbox.http.cookie-handling=disable", "opensandbox.http.wiretap=true",
					"opensandbox.proxy.host=proxy.example.com", "opensandbox.proxy.port=3128",
					"opensandbox.proxy.username=proxy-user", "opensandbox.proxy.password=proxy-secret",
					"opensandbox.proxy.non-proxy-hosts=localhost,*.internal", "opensandbox.retry.enabled=false",
					"opensandbox.retry.max-attempts=5", "opensandbox.retry.initial-backoff=250ms",
					"opensandbox.retry.max-backoff=2s", "opensandbox.retry.deadline=90s",
					"opensandbox.sandbox.image=python:3.12", "opensandbox.sandbox.entrypoint=sleep,infinity",
					"opensandbox.sandbox.timeout=30m", "opensandbox.sandbox.resources.cpu=2",
					"opensandbox.sandbox.env.GREETING=hello", "opensandbox.sandbox.metadata.team=ai",
					"opensandbox.sandbox.ready-timeout=2m", "opensandbox.sandbox.ready-poll-interval=200ms",
					"opensandbox.execd.access-token=execd-binding-token", "opensandbox.execd.stream-idle-timeout=45s",
					"opensandbox.cleanup.kill-on-shutdown=false", "opensandbox.cleanup.shutdown-timeout=20s",
					"opensandbox.cleanup.keep-alive=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				OpenSandboxProperties properties = context.getBean(OpenSandboxProperties.class);
				assertThat(properties.getDomain()).isEqualTo("https://sandbox.example.com/prefix");
				assertThat(properties.getProtocol()).isEqualTo("https");
				assertThat(properties.getApiKey()).isEqualTo("sk-binding-key");
				assertThat(properties.isUseServerProxy()).isTrue();
				assertThat(properties.getHeaders()).containsExactly(entry("X-Tenant", "acme"));
				assertThat(properties.getHttp().getConnectTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(properties.getHttp().getReadTimeout()).isEqualTo(Duration.ofSeconds(45));
				assertThat(properties.getHttp().getRedirects()).isEqualTo(HttpRedirects.DONT_FOLLOW);
				assertThat(properties.getHttp().getCookieHandling()).isEqualTo(HttpCookieHandling.DISABLE);
				assertThat(properties.getHttp().isWiretap()).isTrue();
				assertThat(properties.getProxy().getHost()).isEqualTo("proxy.example.com");
				assertThat(properties.getProxy().getPort()).isEqualTo(3128);
				assertThat(properties.getProxy().getUsername()).isEqualTo("proxy-user");
				assertThat(properties.getProxy().getPassword()).isEqualTo("proxy-secret");
				assertThat(properties.getProxy().getNonProxyHosts()).containsExactly("localhost", "*.internal");
				assertThat(properties.getRetry().isEnabled()).isFalse();
				assertThat(properties.getRetry().getMaxAttempts()).isEqualTo(5);
				assertThat(properties.getRetry().getInitialBackoff()).isEqualTo(Duration.ofMillis(250));
				assertThat(properties.getRetry().getMaxBackoff()).isEqualTo(Duration.ofSeconds(2));
				assertThat(properties.getRetry().getDeadline()).isEqualTo(Duration.ofSeconds(90));
				assertThat(properties.getSandbox().getImage()).isEqualTo("python:3.12");
				assertThat(properties.getSandbox().getEntrypoint()).containsExactly("sleep", "infinity");
				assertThat(properties.getSandbox().getTimeout()).isEqualTo(Duration.ofMinutes(30));
				assertThat(properties.getSandbox().getResources()).containsEntry("cpu", "2");
				assertThat(properties.getSandbox().getEnv()).containsExactly(entry("GREETING", "hello"));
				assertThat(properties.getSandbox().getMetadata()).containsExactly(entry("team", "ai"));
				assertThat(properties.getSandbox().getReadyTimeout()).isEqualTo(Duration.ofMinutes(2));
				assertThat(properties.getSandbox().getReadyPollInterval()).isEqualTo(Duration.ofMillis(200));
				assertThat(properties.getExecd().getAccessToken()).isEqualTo("execd-binding-token");
				assertThat(properties.getExecd().getStreamIdleTimeout()).isEqualTo(Duration.ofSeconds(45));
				assertThat(properties.getCleanup().isKillOnShutdown()).isFalse();
				assertThat(properties.getCleanup().getShutdownTimeout()).isEqualTo(Duration.ofSeconds(20));
				assertThat(properties.getCleanup().isKeepAlive()).isFalse();
			});
	}

	@Test
	void sandboxResourcesReplaceTheDefaultEntriesOnlyWhereSet() {
		this.contextRunner.withPropertyValues("opensandbox.sandbox.resources.memory=4Gi")
			.run((context) -> assertThat(context.getBean(OpenSandboxProperties.class).getSandbox().getResources())
				.containsOnly(entry("cpu", "1"), entry("memory", "4Gi")));
	}

	@Test
	void toStringMasksTheApiKeyAndProxyPassword() {
		OpenSandboxProperties properties = new OpenSandboxProperties();
		properties.setDomain("sandbox.example.com");
		properties.setApiKey("sk-to-string-key");
		properties.getProxy().setHost("proxy.example.com");
		properties.getProxy().setUsername("proxy-user");
		properties.getProxy().setPassword("proxy-to-string-password");
		properties.setHeaders(Map.of("X-Tenant", "header-value"));
		properties.getProxy().setNonProxyHosts(List.of("localhost"));
		assertThat(properties.toString()).doesNotContain("sk-to-string-key")
			.doesNotContain("proxy-to-string-password")
			.contains("apiKey=******")
			.contains("password=******")
			.contains("domain=sandbox.example.com")
			.contains("host=proxy.example.com")
			.contains("username=proxy-user");
		assertThat(properties.getProxy().toString()).doesNotContain("proxy-to-string-password")
			.contains("password=******");
	}

	@Test
	void execdToStringMasksTheAccessToken() {
		OpenSandboxProperties properties = new OpenSandboxProperties();
		properties.getExecd().setAccessToken("execd-to-string-token");
		assertThat(properties.getExecd().toString()).doesNotContain("execd-to-string-token")
			.contains("accessToken=******");
	}

	@Test
	void toStringShowsUnsetSecretsAsNull() {
		OpenSandboxProperties properties = new OpenSandboxProperties();
		assertThat(properties.toString()).contains("apiKey=null").contains("password=null");
	}

	@Test
	void toStringOmitsHeaderValues() {
		OpenSandboxProperties properties = new OpenSandboxProperties();
		properties.setHeaders(Map.of("Authorization", "Bearer header-secret"));
		assertThat(properties.toString()).contains("Authorization").doesNotContain("header-secret");
	}

}
