package io.opensandbox.spring.core;

import java.util.Collection;

import reactor.core.publisher.Mono;

import io.opensandbox.spring.model.EgressPolicy;
import io.opensandbox.spring.model.NetworkRule;

/**
 * The outbound network policy of a sandbox, reactively. Available for sandboxes created
 * with a network policy.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class ReactiveEgress {

	private final ReactiveSandbox sandbox;

	ReactiveEgress(ReactiveSandbox sandbox) {
		this.sandbox = sandbox;
	}

	/**
	 * The policy in force.
	 * @return the policy
	 */
	public Mono<EgressPolicy> policy() {
		return this.sandbox.egressClient().flatMap((egress) -> egress.policy());
	}

	/**
	 * Add or replace rules (by target, ignoring case); the default action is kept.
	 * @param rules the rules
	 * @return the policy after the change
	 */
	public Mono<EgressPolicy> patchRules(Collection<NetworkRule> rules) {
		Arguments.notEmpty(rules, "rule");
		return this.sandbox.egressClient().flatMap((egress) -> egress.patchRules(rules));
	}

	/**
	 * Remove the rules for the given targets.
	 * @param targets the targets
	 * @return the policy after the change
	 */
	public Mono<EgressPolicy> removeRules(Collection<String> targets) {
		Arguments.notEmpty(targets, "target");
		targets.forEach((target) -> Arguments.text(target, "Target"));
		return this.sandbox.egressClient().flatMap((egress) -> egress.removeRules(targets));
	}

}
