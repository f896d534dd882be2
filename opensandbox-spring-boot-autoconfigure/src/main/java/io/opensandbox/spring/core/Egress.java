package io.opensandbox.spring.core;

import java.util.Collection;

import io.opensandbox.spring.model.EgressPolicy;
import io.opensandbox.spring.model.NetworkRule;

/**
 * The outbound network policy of a sandbox created with a network policy.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class Egress {

	private final ReactiveEgress reactive;

	Egress(ReactiveEgress reactive) {
		this.reactive = reactive;
	}

	/**
	 * The policy in force.
	 * @return the policy
	 */
	public EgressPolicy policy() {
		return Blocking.get(this.reactive.policy());
	}

	/**
	 * Add or replace rules (by target, ignoring case); the default action is kept.
	 * @param rules the rules
	 * @return the policy after the change
	 */
	public EgressPolicy patchRules(Collection<NetworkRule> rules) {
		return Blocking.get(this.reactive.patchRules(rules));
	}

	/**
	 * Remove the rules for the given targets.
	 * @param targets the targets
	 * @return the policy after the change
	 */
	public EgressPolicy removeRules(Collection<String> targets) {
		return Blocking.get(this.reactive.removeRules(targets));
	}

}
