package io.opensandbox.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.opensandbox.spring.actuate.SandboxesEndpoint;
import io.opensandbox.spring.core.ReactiveSandboxManager;
import io.opensandbox.spring.core.Sandbox;
import io.opensandbox.spring.core.SandboxCleanup;
import io.opensandbox.spring.core.SandboxOwnership;
import io.opensandbox.spring.core.SandboxScope;
import io.opensandbox.spring.core.SandboxScoped;
import io.opensandbox.spring.core.SandboxTemplate;
import io.opensandbox.spring.core.SandboxTracker;
import io.opensandbox.spring.model.SandboxSpec;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests for {@link SandboxScoped @SandboxScoped} beans in an auto-configured context:
 * lazy creation through a scoped proxy, one sandbox per bean even under concurrent first
 * use, ownership metadata and tracking, and the kill at shutdown. The lifecycle server
 * and execd are one WireMock server on loopback.
 *
 * @author OpenSandbox Spring Boot
 */
class SandboxScopedTests {

	private static final String ID = "3f2c8a1e-5b7d-4e9a-8c6f-1d2e3f4a5b6c";

	private static final String SANDBOX_PATH = "/v1/sandboxes/" + ID;

	private WireMockServer server;

	private ApplicationContextRunner contextRunner;

	private ExecutorService executor;

	@BeforeEach
	void startServer() {
		this.server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
		this.server.start();
		this.server.stubFor(post(urlEqualTo("/v1/sandboxes")).willReturn(json(202, sandbox("Pending"))));
		this.server.stubFor(get(urlEqualTo(SANDBOX_PATH)).willReturn(json(200, sandbox("Running"))));
		this.server.stubFor(get(urlPathEqualTo(SANDBOX_PATH + "/endpoints/44772"))
			.willReturn(json(200, "{\"endpoint\":\"127.0.0.1:" + this.server.port() + "\",\"headers\":{}}")));
		this.server.stubFor(get(urlEqualTo("/ping")).willReturn(aResponse().withStatus(200)));
		this.server.stubFor(delete(urlEqualTo(SANDBOX_PATH)).willReturn(aResponse().withStatus(204)));
		// The sandbox's expiry is in the past, so the keep-alive renews it at once after
		// a
		// restart: without this, the 404 would say it is gone and its scoped bean would
		// be
		// discarded (and recreated) while a test looks at it
		this.server.stubFor(post(urlEqualTo(SANDBOX_PATH + "/renew-expiration"))
			.willReturn(json(200, "{\"expiresAt\":\"2099-01-01T00:00:00Z\"}")));
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OpenSandboxAutoConfiguration.class))
			.withUserConfiguration(ScopedSandboxConfiguration.class)
			.withPropertyValues("opensandbox.domain=127.0.0.1:" + this.server.port(),
					"opensandbox.sandbox.image=python:3.12", "opensandbox.sandbox.ready-poll-interval=10ms",
					"spring.application.name=my-app");
	}

	@AfterEach
	void stopServer() {
		if (this.executor != null) {
			this.executor.shutdownNow();
		}
		this.server.stop();
	}

	@Test
	void scopedSandboxIsAProxyAndStartingTheContextCreatesNoSandbox() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			Sandbox sandbox = context.getBean("pythonSandbox", Sandbox.class);
			assertThat(AopUtils.isAopProxy(sandbox)).isTrue();
			assertThat(context.getBean(SandboxTracker.class).size()).isZero();
			this.server.verify(0, postRequestedFor(urlEqualTo("/v1/sandboxes")));
		});
	}

	@Test
	void firstUseCreatesOneSandboxAndLaterUsesReuseIt() {
		this.contextRunner.run((context) -> {
			Sandbox sandbox = context.getBean("pythonSandbox", Sandbox.class);
			this.server.verify(0, postRequestedFor(urlEqualTo("/v1/sandboxes")));
			assertThat(sandbox.id()).isEqualTo(ID);
			this.server.verify(1, postRequestedFor(urlEqualTo("/v1/sandboxes")));
			assertThat(sandbox.id()).isEqualTo(ID);
			assertThat(context.getBean("pythonSandbox", Sandbox.class).id()).isEqualTo(ID);
			this.server.verify(1, postRequestedFor(urlEqualTo("/v1/sandboxes")));
		});
	}

	@Test
	void concurrentFirstUsesCreateOneSandbox() {
		int threads = 8;
		this.executor = Executors.newFixedThreadPool(threads);
		this.contextRunner.run((context) -> {
			Sandbox sandbox = context.getBean("pythonSandbox", Sandbox.class);
			CountDownLatch ready = new CountDownLatch(threads);
			CountDownLatch start = new CountDownLatch(1);
			List<Future<String>> ids = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				ids.add(this.executor.submit(() -> {
					ready.countDown();
					start.await();
					return sandbox.id();
				}));
			}
			assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
			start.countDown();
			for (Future<String> id : ids) {
				assertThat(id.get(30, TimeUnit.SECONDS)).isEqualTo(ID);
			}
			this.server.verify(1, postRequestedFor(urlEqualTo("/v1/sandboxes")));
			assertThat(context.getBean(SandboxTracker.class).size()).isOne();
		});
	}

	@Test
	void createdSandboxCarriesTheApplicationAndInstanceMetadata() {
		this.contextRunner.run((context) -> {
			context.getBean("pythonSandbox", Sandbox.class).id();
			String instance = context.getBean(SandboxOwnership.class).instance();
			assertThat(instance).matches("[0-9a-f]{32}");
			this.server.verify(1, postRequestedFor(urlEqualTo("/v1/sandboxes"))
				.withRequestBody(matchingJsonPath("$.image.uri", equalTo("python:3.12")))
				.withRequestBody(
						matchingJsonPath("$.metadata['" + SandboxOwnership.APPLICATION_KEY + "']", equalTo("my-app")))
				.withRequestBody(
						matchingJsonPath("$.metadata['" + SandboxOwnership.INSTANCE_KEY + "']", equalTo(instance))));
			assertThat(SandboxOwnership.APPLICATION_KEY).isEqualTo("opensandbox-spring-boot/application");
			assertThat(SandboxOwnership.INSTANCE_KEY).isEqualTo("opensandbox-spring-boot/instance");
		});
	}

	@Test
	void closingTheContextKillsTheScopedSandboxOnce() {
		this.contextRunner.run((context) -> {
			context.getBean("pythonSandbox", Sandbox.class).id();
			this.server.verify(0, deleteRequestedFor(urlEqualTo(SANDBOX_PATH)));
		});
		this.server.verify(1, deleteRequestedFor(urlEqualTo(SANDBOX_PATH)));
	}

	@Test
	void closingTheContextWithoutUsingTheScopedSandboxCreatesAndKillsNothing() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed());
		this.server.verify(0, postRequestedFor(urlEqualTo("/v1/sandboxes")));
		this.server.verify(0, deleteRequestedFor(urlMatching("/v1/sandboxes/.*")));
	}

	@Test
	void trackerListsTheScopedSandboxWithTheBeanAsItsOwner() {
		this.contextRunner.run((context) -> {
			context.getBean("pythonSandbox", Sandbox.class).id();
			assertThat(context.getBean(SandboxTracker.class).tracked()).singleElement().satisfies((tracked) -> {
				assertThat(tracked.id()).isEqualTo(ID);
				assertThat(tracked.image()).isEqualTo("python:3.12");
				assertThat(tracked.owner()).isEqualTo("pythonSandbox");
			});
		});
	}

	@Test
	void sandboxCreatedOutsideAScopedBeanHasNoOwner() {
		this.contextRunner.run((context) -> {
			context.getBean(SandboxTemplate.class).create(SandboxSpec.builder().build());
			assertThat(context.getBean(SandboxTracker.class).tracked()).extracting(SandboxTracker.TrackedSandbox::owner)
				.containsExactly((String) null);
		});
	}

	@Test
	void scopedBeanNotYetCreatedFailsAfterTheCleanupShutDown() {
		this.contextRunner.run((context) -> {
			Sandbox python = context.getBean("pythonSandbox", Sandbox.class);
			Sandbox node = context.getBean("nodeSandbox", Sandbox.class);
			assertThat(python.id()).isEqualTo(ID);
			context.getBean(SandboxCleanup.class).destroy();
			assertThat(context.getBeanFactory().getRegisteredScope(SandboxScope.NAME))
				.isInstanceOfSatisfying(SandboxScope.class, (scope) -> assertThat(scope.isClosed()).isTrue());
			this.server.verify(1, deleteRequestedFor(urlEqualTo(SANDBOX_PATH)));
			assertThatException().isThrownBy(node::id)
				.havingRootCause()
				.isInstanceOf(IllegalStateException.class)
				.withMessageContaining("'nodeSandbox'")
				.withMessageContaining("shutting down");
			this.server.verify(1, postRequestedFor(urlEqualTo("/v1/sandboxes")));
		});
		this.server.verify(1, deleteRequestedFor(urlEqualTo(SANDBOX_PATH)));
	}

	@Test
	void pauseAndRestartKeepTheScopedSandboxAndTheTemplateWorking() {
		this.contextRunner.run((context) -> {
			Sandbox python = context.getBean("pythonSandbox", Sandbox.class);
			assertThat(python.id()).isEqualTo(ID);
			context.getSourceApplicationContext().pause();
			context.getSourceApplicationContext().restart();
			assertSurvived(context, python);
		});
		this.server.verify(1, deleteRequestedFor(urlEqualTo(SANDBOX_PATH)));
	}

	@Test
	void stopAndStartKeepTheScopedSandboxAndTheTemplateWorking() {
		this.contextRunner.run((context) -> {
			Sandbox python = context.getBean("pythonSandbox", Sandbox.class);
			assertThat(python.id()).isEqualTo(ID);
			context.getSourceApplicationContext().stop();
			assertThat(context.getBean(SandboxCleanup.class).isRunning()).isFalse();
			context.getSourceApplicationContext().start();
			assertThat(context.getBean(SandboxCleanup.class).isRunning()).isTrue();
			assertSurvived(context, python);
		});
		this.server.verify(1, deleteRequestedFor(urlEqualTo(SANDBOX_PATH)));
	}

	@Test
	void aContextStoppedThenClosedStillKillsItsSandboxes() {
		this.contextRunner.run((context) -> {
			context.getBean("pythonSandbox", Sandbox.class).id();
			context.getSourceApplicationContext().stop();
			this.server.verify(0, deleteRequestedFor(urlEqualTo(SANDBOX_PATH)));
		});
		this.server.verify(1, deleteRequestedFor(urlEqualTo(SANDBOX_PATH)));
	}

	@Test
	void closingAChildContextKillsNothing() {
		this.contextRunner.run((context) -> {
			Sandbox python = context.getBean("pythonSandbox", Sandbox.class);
			assertThat(python.id()).isEqualTo(ID);
			try (AnnotationConfigApplicationContext child = new AnnotationConfigApplicationContext()) {
				child.setParent(context.getSourceApplicationContext());
				child.refresh();
			}
			assertSurvived(context, python);
		});
		this.server.verify(1, deleteRequestedFor(urlEqualTo(SANDBOX_PATH)));
	}

	@Test
	void killingTheScopedSandboxMakesItsNextUseCreateANewOne() {
		this.contextRunner.run((context) -> {
			Sandbox python = context.getBean("pythonSandbox", Sandbox.class);
			assertThat(python.id()).isEqualTo(ID);
			python.kill();
			this.server.verify(1, deleteRequestedFor(urlEqualTo(SANDBOX_PATH)));
			assertThat(context.getBean(SandboxTracker.class).size()).isZero();
			assertThat(python.id()).isEqualTo(ID);
			this.server.verify(2, postRequestedFor(urlEqualTo("/v1/sandboxes")));
			assertThat(context.getBean(SandboxTracker.class).tracked()).extracting(SandboxTracker.TrackedSandbox::owner)
				.containsExactly("pythonSandbox");
		});
	}

	@Test
	void killingTheScopedSandboxThroughTheActuatorEndpointMakesItsNextUseCreateANewOne() {
		this.contextRunner.run((context) -> {
			Sandbox python = context.getBean("pythonSandbox", Sandbox.class);
			assertThat(python.id()).isEqualTo(ID);
			SandboxesEndpoint endpoint = new SandboxesEndpoint(context.getBean(SandboxTracker.class),
					context.getBean(ReactiveSandboxManager.class), Duration.ofSeconds(5));
			assertThat(endpoint.kill(ID)).isNotNull();
			assertThat(python.id()).isEqualTo(ID);
			this.server.verify(2, postRequestedFor(urlEqualTo("/v1/sandboxes")));
		});
	}

	private void assertSurvived(AssertableApplicationContext context, Sandbox python) {
		this.server.verify(0, deleteRequestedFor(urlEqualTo(SANDBOX_PATH)));
		assertThat(python.id()).isEqualTo(ID);
		assertThat(context.getBean(SandboxTracker.class).isTracked(ID)).isTrue();
		this.server.verify(1, postRequestedFor(urlEqualTo("/v1/sandboxes")));
		assertThat(context.getBean(SandboxTemplate.class).create(SandboxSpec.builder().build()).id()).isEqualTo(ID);
		this.server.verify(2, postRequestedFor(urlEqualTo("/v1/sandboxes")));
	}

	private static String sandbox(String state) {
		return """
				{"id":"%s","status":{"state":"%s"},"image":{"uri":"python:3.12"},"entrypoint":["tail"],
				 "metadata":{},"createdAt":"2026-01-01T00:00:00Z","expiresAt":"2026-01-01T00:10:00Z"}""".formatted(ID,
				state);
	}

	private static ResponseDefinitionBuilder json(int status, String body) {
		return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
	}

	@Configuration(proxyBeanMethods = false)
	static class ScopedSandboxConfiguration {

		@Bean
		@SandboxScoped
		Sandbox pythonSandbox(SandboxTemplate sandboxes) {
			return sandboxes.create(SandboxSpec.builder().build());
		}

		@Bean
		@SandboxScoped
		Sandbox nodeSandbox(SandboxTemplate sandboxes) {
			return sandboxes.create(SandboxSpec.builder().image("node:22").build());
		}

	}

}
