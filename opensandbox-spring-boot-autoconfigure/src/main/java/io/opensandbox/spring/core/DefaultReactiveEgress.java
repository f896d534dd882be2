package io.opensandbox.spring.core;

import java.util.Collection;

import reactor.core.publisher.Mono;

import io.opensandbox.spring.model.EgressPolicy;
import io.opensandbox.spring.model.NetworkPolicy;

/**
 * The {@link ReactiveEgress} of a {@link DefaultReactiveSandbox}.
 *
 * @author OpenSandbox Spring Boot
 */
final class DefaultReactiveEgress implements ReactiveEgress {

	private final DefaultReactiveSandbox sandbox;

	DefaultReactiveEgress(DefaultReactiveSandbox sandbox) {
		this.sandbox = sandbox;
	}

	@Override
	public Mono<EgressPolicy> policy() {
		return this.sandbox.egressClient().flatMap((egress) -> egress.policy());
	}

	@Override
	public Mono<EgressPolicy> patchRules(Collection<NetworkPolicy.Rule> rules) {
		Arguments.notEmpty(rules, "rule");
		return this.sandbox.egressClient().flatMap((egress) -> egress.patchRules(rules));
	}

	@Override
	public Mono<EgressPolicy> removeRules(Collection<String> targets) {
		Arguments.notEmpty(targets, "target");
		targets.forEach((target) -> Arguments.text(target, "Target"));
		return this.sandbox.egressClient().flatMap((egress) -> egress.removeRules(targets));
	}

}
