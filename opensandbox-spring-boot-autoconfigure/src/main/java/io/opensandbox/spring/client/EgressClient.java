package io.opensandbox.spring.client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.util.Assert;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.error.OpenSandboxProtocolException;
import io.opensandbox.spring.model.CredentialVault;
import io.opensandbox.spring.model.EgressPolicy;
import io.opensandbox.spring.model.NetworkPolicy;
import io.opensandbox.spring.model.SandboxEndpoint;

/**
 * Reactive client for a sandbox's egress sidecar (port {@value #PORT}), which exists when
 * the sandbox was created with a network policy. Its errors are plain text; they are
 * translated like every other error. Thread-safe.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public final class EgressClient {

	/** The port the egress sidecar listens on. */
	public static final int PORT = 18080;

	private final WebClient webClient;

	private final String baseUrl;

	/**
	 * Create a client. The builder is cloned, never changed.
	 * @param builder the builder to start from
	 * @param endpoint the egress endpoint of the sandbox (its headers carry the sidecar's
	 * credentials)
	 * @param protocol {@code http} or {@code https}
	 * @param headers extra headers for every request
	 */
	public EgressClient(WebClient.Builder builder, SandboxEndpoint endpoint, String protocol,
			Map<String, String> headers) {
		this.baseUrl = endpoint.url(protocol);
		this.webClient = EndpointWebClients.create(builder, endpoint, protocol, headers, Map.of());
	}

	/**
	 * The policy in force.
	 * @return the policy
	 */
	public Mono<EgressPolicy> policy() {
		return call(HttpMethod.GET, this.webClient.get().uri("/policy").retrieve());
	}

	/**
	 * Add or replace rules; a rule replaces an existing one with the same target
	 * (ignoring case). The default action is kept.
	 * @param rules the rules
	 * @return the policy after the change (read back when the sidecar's answer carries
	 * only the status, as the real sidecar's does)
	 */
	public Mono<EgressPolicy> patchRules(Collection<NetworkPolicy.Rule> rules) {
		Assert.notEmpty(rules, "At least one rule is needed");
		List<Map<String, Object>> body = rules.stream().map(LifecycleWire::rule).toList();
		return change(HttpMethod.PATCH,
				this.webClient.patch()
					.uri("/policy")
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(body)
					.retrieve());
	}

	/**
	 * Remove the rules for the given targets.
	 * @param targets the targets, for example {@code pypi.org}
	 * @return the policy after the change (read back when the sidecar's answer carries
	 * only the status, as the real sidecar's does), with the sidecar's reason when no
	 * target matched
	 */
	public Mono<EgressPolicy> removeRules(Collection<String> targets) {
		Assert.notEmpty(targets, "At least one target is needed");
		targets.forEach((target) -> Assert.hasText(target, "Targets must not be empty"));
		return change(HttpMethod.DELETE,
				this.webClient.method(HttpMethod.DELETE)
					.uri("/policy")
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(new ArrayList<>(targets))
					.retrieve());
	}

	/**
	 * Create the credential vault ({@code POST /credential-vault}); a vault that exists
	 * already is an {@link io.opensandbox.spring.error.OpenSandboxApiException.Conflict}.
	 * @param credentials the credentials, their values write-only
	 * @param bindings the bindings, referring to credentials by name
	 * @return the vault, without values
	 */
	public Mono<CredentialVault> createVault(List<CredentialVault.Credential> credentials,
			List<CredentialVault.Binding> bindings) {
		Assert.notNull(credentials, "'credentials' must not be null");
		Assert.notNull(bindings, "'bindings' must not be null");
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("credentials", credentials.stream().map(EgressClient::credential).toList());
		body.put("bindings", bindings.stream().map(EgressClient::binding).toList());
		return vault(HttpMethod.POST, "/credential-vault",
				this.webClient.post()
					.uri("/credential-vault")
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(body)
					.retrieve(),
				VaultJson.class)
			.map(VaultJson::toVault);
	}

	/**
	 * The credential vault ({@code GET /credential-vault}); none is an
	 * {@link io.opensandbox.spring.error.OpenSandboxApiException.NotFound}.
	 * @return the vault, without values
	 */
	public Mono<CredentialVault> vault() {
		return vault(HttpMethod.GET, "/credential-vault", this.webClient.get().uri("/credential-vault").retrieve(),
				VaultJson.class)
			.map(VaultJson::toVault);
	}

	/**
	 * Change the credential vault at once ({@code PATCH /credential-vault}); a revision
	 * that moved on is an
	 * {@link io.opensandbox.spring.error.OpenSandboxApiException.Conflict}.
	 * @param changes the changes
	 * @return the vault after them
	 */
	public Mono<CredentialVault> updateVault(CredentialVault.Changes changes) {
		Assert.notNull(changes, "'changes' must not be null");
		Map<String, Object> body = new LinkedHashMap<>();
		if (changes.expectedRevision() != null) {
			body.put("expectedRevision", changes.expectedRevision());
		}
		Map<String, Object> credentials = mutations(
				changes.addCredentials().stream().map(EgressClient::credential).toList(),
				changes.replaceCredentials().stream().map(EgressClient::credential).toList(),
				changes.deleteCredentials());
		if (!credentials.isEmpty()) {
			body.put("credentials", credentials);
		}
		Map<String, Object> bindings = mutations(changes.addBindings().stream().map(EgressClient::binding).toList(),
				changes.replaceBindings().stream().map(EgressClient::binding).toList(), changes.deleteBindings());
		if (!bindings.isEmpty()) {
			body.put("bindings", bindings);
		}
		return vault(HttpMethod.PATCH, "/credential-vault",
				this.webClient.patch()
					.uri("/credential-vault")
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(body)
					.retrieve(),
				VaultJson.class)
			.map(VaultJson::toVault);
	}

	/**
	 * Delete the credential vault ({@code DELETE /credential-vault}).
	 * @return completes when it is gone
	 */
	public Mono<Void> deleteVault() {
		return ErrorTranslator.body(this.webClient.delete().uri("/credential-vault").retrieve(), Void.class,
				"DELETE " + this.baseUrl + "/credential-vault");
	}

	/**
	 * The credentials of the vault, without values.
	 * @return the credentials
	 */
	public Mono<List<CredentialVault.CredentialInfo>> credentials() {
		return vault(HttpMethod.GET, "/credential-vault/credentials",
				this.webClient.get().uri("/credential-vault/credentials").retrieve(), VaultJson.class)
			.map((vault) -> vault.toVault().credentials());
	}

	/**
	 * One credential of the vault, without its value.
	 * @param name the credential's name
	 * @return the credential
	 */
	public Mono<CredentialVault.CredentialInfo> credential(String name) {
		Assert.hasText(name, "Credential name must not be empty");
		return vault(HttpMethod.GET, "/credential-vault/credentials/{name}",
				this.webClient.get().uri("/credential-vault/credentials/{name}", name).retrieve(), CredentialJson.class)
			.map(CredentialJson::toInfo);
	}

	/**
	 * The bindings of the vault.
	 * @return the bindings
	 */
	public Mono<List<CredentialVault.BindingInfo>> bindings() {
		return vault(HttpMethod.GET, "/credential-vault/bindings",
				this.webClient.get().uri("/credential-vault/bindings").retrieve(), VaultJson.class)
			.map((vault) -> vault.toVault().bindings());
	}

	/**
	 * One binding of the vault.
	 * @param name the binding's name
	 * @return the binding
	 */
	public Mono<CredentialVault.BindingInfo> binding(String name) {
		Assert.hasText(name, "Binding name must not be empty");
		return vault(HttpMethod.GET, "/credential-vault/bindings/{name}",
				this.webClient.get().uri("/credential-vault/bindings/{name}", name).retrieve(), BindingJson.class)
			.map(BindingJson::toInfo);
	}

	private <T> Mono<T> vault(HttpMethod method, String path, WebClient.ResponseSpec response, Class<T> type) {
		String request = method + " " + this.baseUrl + path;
		return ErrorTranslator.body(response, type, request)
			.switchIfEmpty(
					Mono.error(() -> new OpenSandboxProtocolException(request + ": the answer had no body", null)));
	}

	private static Map<String, Object> mutations(List<Map<String, Object>> add, List<Map<String, Object>> replace,
			List<String> delete) {
		Map<String, Object> mutations = new LinkedHashMap<>();
		if (!add.isEmpty()) {
			mutations.put("add", add);
		}
		if (!replace.isEmpty()) {
			mutations.put("replace", replace);
		}
		if (!delete.isEmpty()) {
			mutations.put("delete", delete);
		}
		return mutations;
	}

	private static Map<String, Object> credential(CredentialVault.Credential credential) {
		return Map.of("name", credential.name(), "source", Map.of("type", "inline", "value", credential.value()));
	}

	private static Map<String, Object> binding(CredentialVault.Binding binding) {
		CredentialVault.Match match = binding.match();
		Map<String, Object> matchJson = new LinkedHashMap<>();
		matchJson.put("hosts", match.hosts());
		if (!match.schemes().isEmpty()) {
			matchJson.put("schemes", match.schemes());
		}
		if (!match.ports().isEmpty()) {
			matchJson.put("ports", match.ports());
		}
		if (!match.methods().isEmpty()) {
			matchJson.put("methods", match.methods());
		}
		if (!match.paths().isEmpty()) {
			matchJson.put("paths", match.paths());
		}
		CredentialVault.Auth auth = binding.auth();
		Map<String, Object> authJson = new LinkedHashMap<>();
		authJson.put("type", auth.type());
		Map.Entry<String, String> first = auth.headers().entrySet().iterator().next();
		switch (auth.type()) {
			case "apiKey" -> {
				authJson.put("name", first.getKey());
				authJson.put("credential", first.getValue());
			}
			case "customHeaders" -> authJson.put("headers",
					auth.headers()
						.entrySet()
						.stream()
						.map((header) -> Map.of("name", header.getKey(), "credential", header.getValue()))
						.toList());
			default -> authJson.put("credential", first.getValue());
		}
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("name", binding.name());
		json.put("match", matchJson);
		json.put("auth", authJson);
		return json;
	}

	private Mono<EgressPolicy> call(HttpMethod method, WebClient.ResponseSpec response) {
		return ErrorTranslator.body(response, PolicyJson.class, method + " " + this.baseUrl + "/policy")
			.map(PolicyJson::toPolicy);
	}

	/*
	 * A change answered with the status only (the sidecar's {@code PATCH} and {@code
	 * DELETE} carry no policy) is followed by a read of the policy.
	 */
	private Mono<EgressPolicy> change(HttpMethod method, WebClient.ResponseSpec response) {
		return ErrorTranslator.body(response, PolicyJson.class, method + " " + this.baseUrl + "/policy")
			.flatMap((changed) -> (changed.policy() != null) ? Mono.just(changed.toPolicy())
					: policy().map((current) -> new EgressPolicy(current.status(), current.mode(),
							current.enforcementMode(), changed.reason(), current.policy())));
	}

	/*
	 * The sidecar's policy response.
	 */
	record PolicyJson(@Nullable String status, @Nullable String mode, @Nullable String enforcementMode,
			@Nullable String reason, @Nullable PolicyBodyJson policy) {

		EgressPolicy toPolicy() {
			NetworkPolicy policy = (this.policy != null) ? this.policy.toPolicy() : new NetworkPolicy(null, List.of());
			return new EgressPolicy(this.status, this.mode, this.enforcementMode, this.reason, policy);
		}

	}

	/*
	 * A network policy as JSON.
	 */
	record PolicyBodyJson(@Nullable String defaultAction, @Nullable List<RuleJson> egress) {

		NetworkPolicy toPolicy() {
			List<NetworkPolicy.Rule> rules = new ArrayList<>();
			if (this.egress != null) {
				for (RuleJson rule : this.egress) {
					if (rule != null && rule.action() != null && rule.target() != null) {
						rules.add(new NetworkPolicy.Rule(NetworkPolicy.Rule.Action.fromWireValue(rule.action()),
								rule.target()));
					}
				}
			}
			return new NetworkPolicy(
					(this.defaultAction != null) ? NetworkPolicy.Rule.Action.fromWireValue(this.defaultAction) : null,
					rules);
		}

	}

	/*
	 * A rule as JSON.
	 */
	record RuleJson(@Nullable String action, @Nullable String target) {
	}

	/*
	 * The vault's state, or one of its lists, as JSON.
	 */
	record VaultJson(@Nullable Long revision, @Nullable List<CredentialJson> credentials,
			@Nullable List<BindingJson> bindings) {

		CredentialVault toVault() {
			List<CredentialVault.CredentialInfo> credentials = new ArrayList<>();
			if (this.credentials != null) {
				this.credentials.stream().filter(Objects::nonNull).forEach((json) -> credentials.add(json.toInfo()));
			}
			List<CredentialVault.BindingInfo> bindings = new ArrayList<>();
			if (this.bindings != null) {
				this.bindings.stream().filter(Objects::nonNull).forEach((json) -> bindings.add(json.toInfo()));
			}
			return new CredentialVault(LifecycleWire.require(this.revision, "revision"), credentials, bindings);
		}

	}

	/*
	 * A credential's metadata as JSON.
	 */
	record CredentialJson(@Nullable String name, @Nullable String sourceType, @Nullable Long revision) {

		CredentialVault.CredentialInfo toInfo() {
			return new CredentialVault.CredentialInfo(LifecycleWire.require(this.name, "name"),
					(this.sourceType != null) ? this.sourceType : "inline",
					LifecycleWire.require(this.revision, "revision"));
		}

	}

	/*
	 * A binding's metadata as JSON.
	 */
	record BindingJson(@Nullable String name, @Nullable Long revision, @Nullable MatchJson match,
			@Nullable AuthJson auth) {

		CredentialVault.BindingInfo toInfo() {
			return new CredentialVault.BindingInfo(LifecycleWire.require(this.name, "name"),
					LifecycleWire.require(this.revision, "revision"),
					(this.match != null) ? this.match.toMatch() : null, (this.auth != null) ? this.auth.type() : null,
					(this.auth != null) ? this.auth.name() : null);
		}

	}

	/*
	 * A binding's match as JSON.
	 */
	record MatchJson(@Nullable List<String> hosts, @Nullable List<String> schemes, @Nullable List<Integer> ports,
			@Nullable List<String> methods, @Nullable List<String> paths) {

		CredentialVault.@Nullable Match toMatch() {
			if (this.hosts == null || this.hosts.isEmpty()) {
				return null;
			}
			return new CredentialVault.Match(this.hosts, orEmpty(this.schemes), orEmpty(this.ports),
					orEmpty(this.methods), orEmpty(this.paths));
		}

		private static <T> List<T> orEmpty(@Nullable List<T> list) {
			return (list != null) ? list.stream().filter(Objects::nonNull).toList() : List.of();
		}

	}

	/*
	 * A binding's auth metadata as JSON.
	 */
	record AuthJson(@Nullable String type, @Nullable String name) {
	}

}
