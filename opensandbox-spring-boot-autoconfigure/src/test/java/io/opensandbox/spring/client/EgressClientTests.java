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
import io.opensandbox.spring.model.CredentialVault;
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
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
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

	private static final String VAULT = """
			{"revision":2,
			 "credentials":[{"name":"gh","sourceType":"inline","revision":1}],
			 "bindings":[{"name":"github","revision":2,
			  "match":{"schemes":["https"],"ports":[443],"hosts":["api.github.com"],"methods":["GET"],"paths":["/*"]},
			  "auth":{"type":"apiKey","name":"X-Api-Key"}}]}""";

	@Test
	void createVaultSendsTheValuesOnceAndTheAnswerHoldsNone() {
		this.sidecar.stubFor(post(urlEqualTo("/credential-vault"))
			.willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody(VAULT)));
		CredentialVault vault = this.client.createVault(List.of(new CredentialVault.Credential("gh", "ghp_s3cr3t")),
				List.of(new CredentialVault.Binding("github",
						CredentialVault.Match.of("api.github.com").withMethods("GET"),
						CredentialVault.Auth.apiKey("X-Api-Key", "gh"))))
			.block();
		this.sidecar.verify(postRequestedFor(urlEqualTo("/credential-vault"))
			.withHeader("OPENSANDBOX-EGRESS-AUTH", equalTo("egress-token"))
			.withRequestBody(equalToJson("""
					{"credentials":[{"name":"gh","source":{"type":"inline","value":"ghp_s3cr3t"}}],
					 "bindings":[{"name":"github","match":{"hosts":["api.github.com"],"methods":["GET"]},
					  "auth":{"type":"apiKey","name":"X-Api-Key","credential":"gh"}}]}""")));
		assertThat(vault.revision()).isEqualTo(2);
		assertThat(vault.credentials()).containsExactly(new CredentialVault.CredentialInfo("gh", "inline", 1));
		CredentialVault.BindingInfo binding = vault.bindings().get(0);
		assertThat(binding.name()).isEqualTo("github");
		assertThat(binding.match().hosts()).containsExactly("api.github.com");
		assertThat(binding.match().ports()).containsExactly(443);
		assertThat(binding.authType()).isEqualTo("apiKey");
		assertThat(binding.authName()).isEqualTo("X-Api-Key");
		assertThat(vault.toString()).doesNotContain("ghp_s3cr3t");
	}

	@Test
	void vaultChangesAreSentAsOneMutationWithTheExpectedRevision() {
		this.sidecar.stubFor(patch(urlEqualTo("/credential-vault")).willReturn(json(VAULT)));
		this.client
			.updateVault(CredentialVault.Changes.builder()
				.expectedRevision(1)
				.addCredential(new CredentialVault.Credential("npm", "npm_x"))
				.replaceCredential(new CredentialVault.Credential("gh", "ghp_new"))
				.deleteCredential("old")
				.addBinding(new CredentialVault.Binding("npmjs", CredentialVault.Match.of("registry.npmjs.org"),
						CredentialVault.Auth.bearer("npm")))
				.replaceBinding(new CredentialVault.Binding("github", CredentialVault.Match.of("api.github.com"),
						CredentialVault.Auth.customHeaders(Map.of("X-A", "gh"))))
				.deleteBinding("stale")
				.build())
			.block();
		this.sidecar.verify(patchRequestedFor(urlEqualTo("/credential-vault")).withRequestBody(equalToJson("""
				{"expectedRevision":1,
				 "credentials":{"add":[{"name":"npm","source":{"type":"inline","value":"npm_x"}}],
				  "replace":[{"name":"gh","source":{"type":"inline","value":"ghp_new"}}],"delete":["old"]},
				 "bindings":{"add":[{"name":"npmjs","match":{"hosts":["registry.npmjs.org"]},
				   "auth":{"type":"bearer","credential":"npm"}}],
				  "replace":[{"name":"github","match":{"hosts":["api.github.com"]},
				   "auth":{"type":"customHeaders","headers":[{"name":"X-A","credential":"gh"}]}}],
				  "delete":["stale"]}}""")));
	}

	@Test
	void vaultReadsListsAndDeletion() {
		this.sidecar.stubFor(get(urlEqualTo("/credential-vault")).willReturn(json(VAULT)));
		this.sidecar.stubFor(get(urlEqualTo("/credential-vault/credentials")).willReturn(
				json("{\"revision\":2,\"credentials\":[{\"name\":\"gh\",\"sourceType\":\"inline\",\"revision\":1}]}")));
		this.sidecar.stubFor(get(urlEqualTo("/credential-vault/credentials/gh"))
			.willReturn(json("{\"name\":\"gh\",\"sourceType\":\"inline\",\"revision\":1}")));
		this.sidecar.stubFor(get(urlEqualTo("/credential-vault/bindings")).willReturn(json(
				"{\"revision\":2,\"bindings\":[{\"name\":\"github\",\"revision\":2,\"auth\":{\"type\":\"bearer\"}}]}")));
		this.sidecar.stubFor(get(urlEqualTo("/credential-vault/bindings/github"))
			.willReturn(json("{\"name\":\"github\",\"revision\":2}")));
		this.sidecar.stubFor(delete(urlEqualTo("/credential-vault")).willReturn(aResponse().withStatus(204)));
		assertThat(this.client.vault().block().bindings()).hasSize(1);
		assertThat(this.client.credentials().block()).extracting(CredentialVault.CredentialInfo::name)
			.containsExactly("gh");
		assertThat(this.client.credential("gh").block().revision()).isEqualTo(1);
		assertThat(this.client.bindings().block()).singleElement()
			.satisfies((binding) -> assertThat(binding.authType()).isEqualTo("bearer"));
		assertThat(this.client.binding("github").block().match()).isNull();
		this.client.deleteVault().block();
		this.sidecar.verify(deleteRequestedFor(urlEqualTo("/credential-vault")));
	}

	@Test
	void vaultErrorsAreTypedAndAnEmptyAnswerIsAProtocolError() {
		this.sidecar.stubFor(post(urlEqualTo("/credential-vault")).willReturn(aResponse().withStatus(409)
			.withHeader("Content-Type", "text/plain")
			.withBody("credential vault already exists\n")));
		this.sidecar.stubFor(get(urlEqualTo("/credential-vault")).willReturn(aResponse().withStatus(200)));
		assertThatExceptionOfType(OpenSandboxApiException.Conflict.class)
			.isThrownBy(() -> this.client.createVault(List.of(), List.of()).block())
			.withMessageContaining("already exists");
		assertThatExceptionOfType(io.opensandbox.spring.error.OpenSandboxProtocolException.class)
			.isThrownBy(() -> this.client.vault().block());
	}

	@Test
	void vaultModelRefusesWhatTheSidecarWouldAndNeverShowsAValue() {
		assertThat(new CredentialVault.Credential("gh", "ghp_s3cr3t").toString()).doesNotContain("ghp_s3cr3t");
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> CredentialVault.Auth.apiKey("Bad Header", "gh"));
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> new CredentialVault.Auth("bearer", Map.of("X-Other", "gh")));
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> new CredentialVault.Auth("oauth", Map.of("Authorization", "gh")));
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> CredentialVault.Match.of());
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> CredentialVault.Match.of("a.example").withSchemes("ftp"));
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> CredentialVault.Changes.builder().build());
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
