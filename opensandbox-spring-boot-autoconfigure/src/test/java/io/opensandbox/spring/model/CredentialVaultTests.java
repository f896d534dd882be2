package io.opensandbox.spring.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link CredentialVault}: what its parts accept, refuse and never show.
 *
 * @author OpenSandbox Spring Boot
 */
class CredentialVaultTests {

	@Test
	void aCredentialNeedsANameAndAValueAndNeverShowsTheValue() {
		CredentialVault.Credential credential = new CredentialVault.Credential("gh", "ghp_s3cr3t");
		assertThat(credential.toString()).isEqualTo("Credential[name=gh, value=******]");
		assertThatIllegalArgumentException().isThrownBy(() -> new CredentialVault.Credential(" ", "v"))
			.withMessage("Credential name must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> new CredentialVault.Credential("gh", ""))
			.withMessage("Credential value must not be empty");
	}

	@Test
	void aBindingNeedsANameAMatchAndAnAuth() {
		CredentialVault.Match match = CredentialVault.Match.of("api.github.com");
		CredentialVault.Auth auth = CredentialVault.Auth.bearer("gh");
		assertThatIllegalArgumentException().isThrownBy(() -> new CredentialVault.Binding("", match, auth))
			.withMessage("Binding name must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> new CredentialVault.Binding("b", null, auth));
		assertThatIllegalArgumentException().isThrownBy(() -> new CredentialVault.Binding("b", match, null));
	}

	@Test
	void aMatchNeedsHostsAndChecksSchemesAndPorts() {
		CredentialVault.Match match = CredentialVault.Match.of("a.example", "b.example")
			.withSchemes("https", "http")
			.withPorts(1, 65535)
			.withMethods("GET")
			.withPaths("/v1/*");
		assertThat(match.hosts()).containsExactly("a.example", "b.example");
		assertThat(match.schemes()).containsExactly("https", "http");
		assertThat(match.ports()).containsExactly(1, 65535);
		assertThat(match.methods()).containsExactly("GET");
		assertThat(match.paths()).containsExactly("/v1/*");
		assertThatIllegalArgumentException().isThrownBy(CredentialVault.Match::of)
			.withMessage("A match needs at least one host");
		assertThatIllegalArgumentException().isThrownBy(() -> CredentialVault.Match.of("a.example", " "))
			.withMessage("Hosts must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> match.withSchemes("ftp"))
			.withMessage("Scheme must be 'https' or 'http', not 'ftp'");
		assertThatIllegalArgumentException().isThrownBy(() -> match.withPorts(0))
			.withMessage("Port must be between 1 and 65535, not 0");
		assertThatIllegalArgumentException().isThrownBy(() -> match.withPorts(65536))
			.withMessage("Port must be between 1 and 65535, not 65536");
	}

	@Test
	void authsNameTheirCredentialsAndHeaders() {
		assertThat(CredentialVault.Auth.bearer("gh").headers()).containsExactly(Map.entry("Authorization", "gh"));
		assertThat(CredentialVault.Auth.basic("pw").type()).isEqualTo("basic");
		assertThat(CredentialVault.Auth.apiKey("X-Api-Key", "k").headers())
			.containsExactly(Map.entry("X-Api-Key", "k"));
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("X-A", "a");
		headers.put("X-B", "b");
		CredentialVault.Auth custom = CredentialVault.Auth.customHeaders(headers);
		assertThat(custom.credentials()).containsExactly("a", "b");
		headers.put("X-C", "c");
		assertThat(custom.headers()).hasSize(2);
	}

	@Test
	void anAuthThatTheSidecarWouldRefuseIsRefusedHere() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new CredentialVault.Auth("oauth", Map.of("Authorization", "gh")))
			.withMessageContaining("Auth type must be one of");
		assertThatIllegalArgumentException().isThrownBy(() -> new CredentialVault.Auth("bearer", Map.of()))
			.withMessage("An auth needs a credential");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new CredentialVault.Auth("apiKey", Map.of("X-A", "a", "X-B", "b")))
			.withMessage("A apiKey auth uses exactly one credential");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new CredentialVault.Auth("basic", Map.of("X-Other", "gh")))
			.withMessage("A basic auth uses the Authorization header");
		assertThatIllegalArgumentException().isThrownBy(() -> CredentialVault.Auth.apiKey("Bad Header", "k"))
			.withMessage("Header name must be a token, not 'Bad Header'");
		assertThatIllegalArgumentException().isThrownBy(() -> CredentialVault.Auth.apiKey("X-Api-Key", " "))
			.withMessage("Credential names must not be empty");
	}

	@Test
	void changesMustChangeSomethingAndKeepWhatWasAsked() {
		assertThatIllegalArgumentException().isThrownBy(() -> CredentialVault.Changes.builder().build())
			.withMessage("Changes must change something");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CredentialVault.Changes.builder().expectedRevision(3).build());
		CredentialVault.Changes changes = CredentialVault.Changes.builder().deleteBinding("old").build();
		assertThat(changes.expectedRevision()).isNull();
		assertThat(changes.deleteBindings()).containsExactly("old");
		assertThat(CredentialVault.Changes.builder().deleteCredential("x").build().deleteCredentials())
			.containsExactly("x");
	}

	@Test
	void theStateIsImmutable() {
		List<CredentialVault.CredentialInfo> credentials = new java.util.ArrayList<>();
		credentials.add(new CredentialVault.CredentialInfo("gh", "inline", 1));
		CredentialVault vault = new CredentialVault(1, credentials, List.of());
		credentials.clear();
		assertThat(vault.credentials()).hasSize(1);
	}

}
