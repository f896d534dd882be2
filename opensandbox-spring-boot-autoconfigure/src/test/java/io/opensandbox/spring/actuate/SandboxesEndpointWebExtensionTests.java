package io.opensandbox.spring.actuate;

import java.time.Duration;
import java.time.Instant;

import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.web.reactive.function.client.WebClient;

import io.opensandbox.spring.actuate.SandboxesEndpoint.KilledSandboxDescriptor;
import io.opensandbox.spring.core.OpenSandboxConnection;
import io.opensandbox.spring.core.ReactiveSandboxManager;
import io.opensandbox.spring.core.SandboxTracker;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.noContent;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SandboxesEndpoint.WebExtension}.
 *
 * @author OpenSandbox Spring Boot
 */
class SandboxesEndpointWebExtensionTests {

	@RegisterExtension
	static final WireMockExtension server = WireMockExtension.newInstance()
		.options(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort())
		.build();

	private final SandboxTracker tracker = new SandboxTracker();

	private SandboxesEndpoint.WebExtension createExtension() {
		OpenSandboxConnection connection = OpenSandboxConnection.builder(WebClient.builder())
			.domain("127.0.0.1:" + server.getPort())
			.build();
		return new SandboxesEndpoint.WebExtension(
				new SandboxesEndpoint(this.tracker, ReactiveSandboxManager.create(connection), Duration.ofSeconds(2)));
	}

	@Test
	void deleteOfATrackedSandboxAnswersOkWithTheKilledSandbox() {
		this.tracker.track(new SandboxTracker.TrackedSandbox("sbx-1", "python:3.12", Instant.EPOCH, null, null, null));
		server.stubFor(delete(urlEqualTo("/v1/sandboxes/sbx-1")).willReturn(noContent()));
		WebEndpointResponse<KilledSandboxDescriptor> response = createExtension().kill("sbx-1");
		assertThat(response.getStatus()).isEqualTo(WebEndpointResponse.STATUS_OK);
		assertThat(response.getBody()).isEqualTo(new KilledSandboxDescriptor("sbx-1", "python:3.12", null));
		server.verify(1, deleteRequestedFor(urlEqualTo("/v1/sandboxes/sbx-1")));
	}

	@Test
	void deleteOfAnUntrackedSandboxAnswersNotFoundAndKillsNothing() {
		WebEndpointResponse<KilledSandboxDescriptor> response = createExtension().kill("sbx-foreign");
		assertThat(response.getStatus()).isEqualTo(WebEndpointResponse.STATUS_NOT_FOUND);
		assertThat(response.getBody()).isNull();
		server.verify(0, anyRequestedFor(anyUrl()));
	}

}
