package io.opensandbox.spring.client;

import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.model.EgressPolicy;
import io.opensandbox.spring.model.NetworkPolicy;
import io.opensandbox.spring.model.SandboxEndpoint;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The egress sidecar's policy API: array bodies, endpoint credentials, text/plain errors.
 *
 * @author OpenSandbox Spring Boot
 */
class EgressClientTests {

	private static final String POLICY = """
			{"status":"ok","mode":"enforcing","enforcementMode":"dns",
			 "policy":{"defaultAction":"deny","egress":[{"action":"allow","target":"pypi.org"}]}}""";

	private WireMockServer sidecar;

	private EgressClient client;

	@BeforeEach
	void startSidecar() {
		this.sidecar = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
		this.sidecar.start();
		SandboxEndpoint endpoint = new SandboxEndpoint("127.0.0.1:" + this.sidecar.port(),
				Map.of("OPENSANDBOX-EGRESS-AUTH", "egress-token"));
		this.client = new EgressClient(WebClient.builder(), endpoint, "http", Map.of());
	}

	@AfterEach
	void stopSidecar() {
		this.sidecar.stop();
	}

	@Test
	void policyIsReadWithTheEndpointCredentials() {
		this.sidecar.stubFor(get(urlEqualTo("/policy")).willReturn(json(POLICY)));
		EgressPolicy policy = this.client.policy().block();
		assertThat(policy.mode()).isEqualTo("enforcing");
		assertThat(policy.policy().defaultAction()).isEqualTo(NetworkPolicy.Rule.Action.DENY);
		assertThat(policy.policy().egress()).containsExactly(NetworkPolicy.Rule.allow("pypi.org"));
		this.sidecar.verify(
				getRequestedFor(urlEqualTo("/policy")).withHeader("OPENSANDBOX-EGRESS-AUTH", equalTo("egress-token"))
					.withHeader(LifecycleClient.API_KEY_HEADER, absent()));
	}

	@Test
	void patchRulesSendsAnArrayOfRules() {
		this.sidecar.stubFor(patch(urlEqualTo("/policy")).willReturn(json(POLICY)));
		this.client.patchRules(List.of(NetworkPolicy.Rule.allow("pypi.org"), NetworkPolicy.Rule.deny("*.evil.example")))
			.block();
		this.sidecar.verify(patchRequestedFor(urlEqualTo("/policy")).withRequestBody(equalToJson("""
				[{"action":"allow","target":"pypi.org"},{"action":"deny","target":"*.evil.example"}]""")));
	}

	@Test
	void removeRulesSendsAnArrayOfTargets() {
		this.sidecar.stubFor(delete(urlEqualTo("/policy")).willReturn(json(POLICY)));
		this.client.removeRules(List.of("pypi.org")).block();
		this.sidecar.verify(deleteRequestedFor(urlEqualTo("/policy")).withRequestBody(equalToJson("[\"pypi.org\"]")));
	}

	@Test
	void changesAnsweredWithTheStatusOnlyReadThePolicyBack() {
		this.sidecar.stubFor(patch(urlEqualTo("/policy"))
			.willReturn(json("{\"status\":\"ok\",\"mode\":\"enforcing\",\"enforcementMode\":\"dns\"}")));
		this.sidecar.stubFor(delete(urlEqualTo("/policy"))
			.willReturn(json("{\"status\":\"ok\",\"mode\":\"enforcing\",\"reason\":\"no matching targets found\"}")));
		this.sidecar.stubFor(get(urlEqualTo("/policy")).willReturn(json(POLICY)));
		EgressPolicy patched = this.client.patchRules(List.of(NetworkPolicy.Rule.allow("pypi.org"))).block();
		assertThat(patched.policy().egress()).containsExactly(NetworkPolicy.Rule.allow("pypi.org"));
		EgressPolicy removed = this.client.removeRules(List.of("unknown.example")).block();
		assertThat(removed.reason()).isEqualTo("no matching targets found");
		assertThat(removed.policy().egress()).containsExactly(NetworkPolicy.Rule.allow("pypi.org"));
		this.sidecar.verify(2, getRequestedFor(urlEqualTo("/policy")));
	}

	@Test
	void plainTextErrorsAreTranslated() {
		this.sidecar.stubFor(patch(urlEqualTo("/policy")).willReturn(
				aResponse().withStatus(413).withHeader("Content-Type", "text/plain").withBody("too many rules")));
		this.sidecar.stubFor(get(urlEqualTo("/policy"))
			.willReturn(aResponse().withStatus(401).withHeader("Content-Type", "text/plain").withBody("unauthorized")));
		assertThatExceptionOfType(OpenSandboxApiException.Rejected.class)
			.isThrownBy(() -> this.client.patchRules(List.of(NetworkPolicy.Rule.allow("a.example"))).block())
			.satisfies((ex) -> assertThat(ex.getServerMessage()).isEqualTo("too many rules"));
		assertThatExceptionOfType(OpenSandboxApiException.AccessDenied.class)
			.isThrownBy(() -> this.client.policy().block());
	}

	@Test
	void emptyRuleListsAreRejectedBeforeAnyRequest() {
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> this.client.patchRules(List.of()));
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> this.client.removeRules(List.of()));
		assertThat(this.sidecar.getAllServeEvents()).isEmpty();
	}

	private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
		return aResponse().withHeader("Content-Type", "application/json").withBody(body);
	}

}
