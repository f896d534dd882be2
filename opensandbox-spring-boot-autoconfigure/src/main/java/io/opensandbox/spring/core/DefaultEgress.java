package io.opensandbox.spring.core;

import java.util.Collection;

import io.opensandbox.spring.model.EgressPolicy;
import io.opensandbox.spring.model.NetworkPolicy;

/**
 * {@link Egress} that blocks on a {@link ReactiveEgress}.
 *
 * @author OpenSandbox Spring Boot
 */
final class DefaultEgress implements Egress {

	private final ReactiveEgress reactive;

	DefaultEgress(ReactiveEgress reactive) {
		this.reactive = reactive;
	}

	@Override
	public EgressPolicy policy() {
		return Blocking.get(this.reactive.policy());
	}

	@Override
	public EgressPolicy patchRules(Collection<NetworkPolicy.Rule> rules) {
		return Blocking.get(this.reactive.patchRules(rules));
	}

	@Override
	public EgressPolicy removeRules(Collection<String> targets) {
		return Blocking.get(this.reactive.removeRules(targets));
	}

	@Override
	public ReactiveEgress reactive() {
		return this.reactive;
	}

}
