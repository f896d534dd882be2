package io.opensandbox.spring.core;

import java.util.Collection;

import reactor.core.publisher.Mono;

import io.opensandbox.spring.model.EgressPolicy;
import io.opensandbox.spring.model.NetworkPolicy;

/**
 * The outbound network policy of a sandbox, reactively. Only a sandbox created with a
 * network policy has one. {@link Egress} is the blocking twin, with the same methods.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public interface ReactiveEgress {

	/**
	 * The policy in force.
	 * @return the policy
	 */
	Mono<EgressPolicy> policy();

	/**
	 * Add or replace rules (by target, ignoring case); the default action is kept.
	 * @param rules the rules
	 * @return the policy after the change
	 */
	Mono<EgressPolicy> patchRules(Collection<NetworkPolicy.Rule> rules);

	/**
	 * Remove the rules for the given targets.
	 * @param targets the targets
	 * @return the policy after the change
	 */
	Mono<EgressPolicy> removeRules(Collection<String> targets);

}
