package io.opensandbox.spring.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InvalidOpenSandboxPropertyFailureAnalyzer}: every invalid
 * configuration fails startup with an analysis that names the property, the value and the
 * fix, and never shows a secret.
 *
 * @author OpenSandbox Spring Boot
 */
class InvalidOpenSandboxPropertyFailureAnalyzerTests {

	private static final String API_KEY = "sk-analyzer-secret-key";

	private static final String PROXY_PASSWORD = "proxy-analyzer-secret-password";

	private static final String EXECD_TOKEN = "execd-analyzer-secret-token";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OpenSandboxAutoConfiguration.class))
		.withPropertyValues("opensandbox.api-key=" + API_KEY, "OPEN_SANDBOX_API_KEY=" + API_KEY,
				"opensandbox.execd.access-token=" + EXECD_TOKEN);

	private final ApplicationContextRunner withProxyCredentials = this.contextRunner.withPropertyValues(
			"opensandbox.proxy.host=proxy.example.com", "opensandbox.proxy.username=proxy-user",
			"opensandbox.proxy.password=" + PROXY_PASSWORD);

	@Test
	void analyzerIsRegisteredInSpringFactories() {
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, null, (factoryType, factoryImplementationName, failure) -> {
				// Other analyzers may need constructor arguments: only ours matters here
			});
		assertThat(analyzers).hasAtLeastOneElementOfType(InvalidOpenSandboxPropertyFailureAnalyzer.class);
	}

	@Test
	void validConfigurationStartsWithoutFailure() {
		this.withProxyCredentials.withPropertyValues("opensandbox.domain=https://sandbox.example.com:8443/prefix")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void unknownProtocolIsAnalyzed() {
		FailureAnalysis analysis = analyzeStartupFailure(this.withProxyCredentials, "opensandbox.protocol=ftp");
		assertThat(analysis.getDescription()).contains("opensandbox.protocol").contains("'ftp'");
		assertThat(analysis.getAction()).contains("Set 'opensandbox.protocol' to 'http' or 'https'");
	}

	@Test
	void unparsableDomainIsAnalyzed() {
		FailureAnalysis analysis = analyzeStartupFailure(this.withProxyCredentials,
				"opensandbox.domain=http://bad host");
		assertThat(analysis.getDescription()).contains("opensandbox.domain").contains("'http://bad host'");
		assertThat(analysis.getAction()).contains("Set 'opensandbox.domain'").contains("host[:port][/prefix]");
	}

	@Test
	void domainWithUserInfoIsAnalyzedWithoutShowingThePassword() {
		FailureAnalysis analysis = analyzeStartupFailure(this.withProxyCredentials,
				"opensandbox.domain=https://admin:hunter2@sandbox.example.com");
		assertThat(analysis.getDescription()).contains("opensandbox.domain")
			.contains("https://******@sandbox.example.com")
			.doesNotContain("hunter2");
		assertThat(analysis.getCause()).satisfies((cause) -> {
			for (Throwable failure = cause; failure != null; failure = failure.getCause()) {
				assertThat(String.valueOf(failure.getMessage())).doesNotContain("hunter2");
			}
		});
	}

	@Test
	void domainWithUnknownSchemeIsAnalyzed() {
		FailureAnalysis analysis = analyzeStartupFailure(this.withProxyCredentials,
				"opensandbox.domain=ftp://sandbox.example.com");
		assertThat(analysis.getDescription()).contains("opensandbox.domain")
			.contains("'ftp://sandbox.example.com'")
			.contains("'http' or 'https'");
		assertThat(analysis.getAction()).contains("Set 'opensandbox.domain'");
	}

	@Test
	void domainPortOutOfRangeIsAnalyzed() {
		FailureAnalysis analysis = analyzeStartupFailure(this.withProxyCredentials,
				"opensandbox.domain=localhost:70000");
		assertThat(analysis.getDescription()).contains("opensandbox.domain")
			.contains("'localhost:70000'")
			.contains("between 1 and 65535");
		assertThat(analysis.getAction()).contains("Set 'opensandbox.domain'").contains("localhost:8080");
	}

	@Test
	void proxyPortOutOfRangeIsAnalyzed() {
		FailureAnalysis analysis = analyzeStartupFailure(this.withProxyCredentials, "opensandbox.proxy.port=0");
		assertThat(analysis.getDescription()).contains("opensandbox.proxy.port")
			.contains("'0'")
			.contains("between 1 and 65535");
		assertThat(analysis.getAction()).contains("Set 'opensandbox.proxy.port'");
	}

	@Test
	void zeroReadTimeoutIsAnalyzed() {
		FailureAnalysis analysis = analyzeStartupFailure(this.withProxyCredentials, "opensandbox.http.read-timeout=0s");
		assertThat(analysis.getDescription()).contains("opensandbox.http.read-timeout")
			.contains("'PT0S'")
			.contains("positive");
		assertThat(analysis.getAction()).contains("Set 'opensandbox.http.read-timeout' to a positive duration");
	}

	@Test
	void zeroConnectTimeoutIsAnalyzed() {
		FailureAnalysis analysis = analyzeStartupFailure(this.withProxyCredentials,
				"opensandbox.http.connect-timeout=0ms");
		assertThat(analysis.getDescription()).contains("opensandbox.http.connect-timeout").contains("'PT0S'");
		assertThat(analysis.getAction()).contains("Set 'opensandbox.http.connect-timeout' to a positive duration");
	}

	@Test
	void negativeShutdownTimeoutIsAnalyzed() {
		FailureAnalysis analysis = analyzeStartupFailure(this.withProxyCredentials,
				"opensandbox.cleanup.shutdown-timeout=-1s");
		assertThat(analysis.getDescription()).contains("opensandbox.cleanup.shutdown-timeout")
			.contains("'PT-1S'")
			.contains("positive");
		assertThat(analysis.getAction()).contains("Set 'opensandbox.cleanup.shutdown-timeout' to a positive duration");
	}

	@Test
	void zeroReadyPollIntervalIsAnalyzed() {
		FailureAnalysis analysis = analyzeStartupFailure(this.withProxyCredentials,
				"opensandbox.sandbox.ready-poll-interval=0ms");
		assertThat(analysis.getDescription()).contains("opensandbox.sandbox.ready-poll-interval").contains("'PT0S'");
		assertThat(analysis.getAction())
			.contains("Set 'opensandbox.sandbox.ready-poll-interval' to a positive duration");
	}

	@Test
	void negativeExecdStreamIdleTimeoutIsAnalyzed() {
		FailureAnalysis analysis = analyzeStartupFailure(this.withProxyCredentials,
				"opensandbox.execd.stream-idle-timeout=-5s");
		assertThat(analysis.getDescription()).contains("opensandbox.execd.stream-idle-timeout").contains("'PT-5S'");
		assertThat(analysis.getAction()).contains("Set 'opensandbox.execd.stream-idle-timeout' to a positive duration");
	}

	@Test
	void proxyCredentialsWithoutProxyHostAreAnalyzed() {
		FailureAnalysis analysis = analyzeStartupFailure(this.contextRunner, "opensandbox.proxy.username=proxy-user",
				"opensandbox.proxy.password=" + PROXY_PASSWORD);
		assertThat(analysis.getDescription()).contains("opensandbox.proxy.host")
			.contains("(unset)")
			.contains("no proxy host");
		assertThat(analysis.getAction()).contains("Set 'opensandbox.proxy.host'")
			.contains("opensandbox.proxy.username")
			.contains("opensandbox.proxy.password");
	}

	@Test
	void proxyPasswordWithoutUserNameIsAnalyzed() {
		FailureAnalysis analysis = analyzeStartupFailure(this.contextRunner, "opensandbox.proxy.host=proxy.example.com",
				"opensandbox.proxy.password=" + PROXY_PASSWORD);
		assertThat(analysis.getDescription()).contains("opensandbox.proxy.username").contains("(unset)");
		assertThat(analysis.getAction()).contains("Set 'opensandbox.proxy.username'");
	}

	@Test
	void retryWithoutAttemptsIsAnalyzed() {
		FailureAnalysis analysis = analyzeStartupFailure(this.withProxyCredentials, "opensandbox.retry.max-attempts=0");
		assertThat(analysis.getDescription()).contains("opensandbox.retry.max-attempts").contains("'0'");
		assertThat(analysis.getAction()).contains("Set 'opensandbox.retry.max-attempts' to 1 or more");
	}

	@Test
	void sandboxTimeoutBelowOneMinuteIsAnalyzed() {
		FailureAnalysis analysis = analyzeStartupFailure(this.withProxyCredentials, "opensandbox.sandbox.timeout=30s");
		assertThat(analysis.getDescription()).contains("opensandbox.sandbox.timeout")
			.contains("'PT30S'")
			.contains("60 seconds");
		assertThat(analysis.getAction()).contains("Set 'opensandbox.sandbox.timeout' to 60s or more");
	}

	@Test
	void sandboxTimeoutOfOneMinuteIsAccepted() {
		this.withProxyCredentials.withPropertyValues("opensandbox.sandbox.timeout=60s")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void blankSandboxImageIsAnalyzed() {
		FailureAnalysis analysis = analyzeStartupFailure(this.withProxyCredentials, "opensandbox.sandbox.image= ");
		assertThat(analysis.getDescription()).contains("opensandbox.sandbox.image");
		assertThat(analysis.getAction()).contains("Set 'opensandbox.sandbox.image'");
	}

	@Test
	void invalidDomainVariableIsAnalyzed() {
		FailureAnalysis analysis = analyzeStartupFailure(this.withProxyCredentials,
				"OPEN_SANDBOX_DOMAIN=http://bad host");
		assertThat(analysis.getDescription()).contains("OPEN_SANDBOX_DOMAIN").contains("'http://bad host'");
		assertThat(analysis.getAction()).contains("OPEN_SANDBOX_DOMAIN").contains("host[:port][/prefix]");
	}

	@Test
	void invalidDomainFromConnectionDetailsIsAnalyzed() {
		FailureAnalysis analysis = analyzeStartupFailure(
				this.withProxyCredentials.withBean(OpenSandboxConnectionDetails.class, BadConnectionDetails::new));
		assertThat(analysis.getDescription()).contains("'localhost:99999'").contains("between 1 and 65535");
	}

	private FailureAnalysis analyzeStartupFailure(ApplicationContextRunner runner, String... properties) {
		AtomicReference<FailureAnalysis> result = new AtomicReference<>();
		runner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			assertThat(messages(failure)).allSatisfy((message) -> assertThat(message).doesNotContain(API_KEY)
				.doesNotContain(PROXY_PASSWORD)
				.doesNotContain(EXECD_TOKEN));
			result.set(new InvalidOpenSandboxPropertyFailureAnalyzer().analyze(failure));
		});
		FailureAnalysis analysis = result.get();
		assertThat(analysis).as("analysis").isNotNull();
		assertThat(analysis.getCause()).isInstanceOf(InvalidOpenSandboxPropertyException.class);
		assertThat(analysis.getDescription()).startsWith("Invalid OpenSandbox configuration")
			.doesNotContain(API_KEY)
			.doesNotContain(PROXY_PASSWORD)
			.doesNotContain(EXECD_TOKEN);
		assertThat(analysis.getAction()).doesNotContain(API_KEY)
			.doesNotContain(PROXY_PASSWORD)
			.doesNotContain(EXECD_TOKEN);
		return analysis;
	}

	private static List<String> messages(Throwable failure) {
		List<String> messages = new ArrayList<>();
		for (Throwable candidate = failure; candidate != null; candidate = candidate.getCause()) {
			messages.add(String.valueOf(candidate.getMessage()));
			messages.add(candidate.toString());
			if (candidate.getCause() == candidate) {
				break;
			}
		}
		return messages;
	}

	static class BadConnectionDetails implements OpenSandboxConnectionDetails {

		@Override
		public String getDomain() {
			return "localhost:99999";
		}

		@Override
		public String getApiKey() {
			return API_KEY;
		}

	}

}
