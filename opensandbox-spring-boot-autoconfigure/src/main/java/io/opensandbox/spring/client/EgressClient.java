package io.opensandbox.spring.client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.util.Assert;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

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

}
