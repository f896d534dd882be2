package io.opensandbox.spring.core;

import java.util.Collection;

import io.opensandbox.spring.model.EgressPolicy;
import io.opensandbox.spring.model.NetworkPolicy;

/**
 * The outbound network policy of a sandbox; calls block the calling thread. The methods
 * are those of {@link ReactiveEgress}.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public interface Egress {

	/**
	 * The policy in force.
	 * @return the policy
	 */
	EgressPolicy policy();

	/**
	 * Add or replace rules (by target, ignoring case); the default action is kept.
	 * @param rules the rules
	 * @return the policy after the change
	 */
	EgressPolicy patchRules(Collection<NetworkPolicy.Rule> rules);

	/**
	 * Remove the rules for the given targets.
	 * @param targets the targets
	 * @return the policy after the change
	 */
	EgressPolicy removeRules(Collection<String> targets);

	/**
	 * The reactive twin.
	 * @return the reactive egress policy
	 */
	ReactiveEgress reactive();

}
