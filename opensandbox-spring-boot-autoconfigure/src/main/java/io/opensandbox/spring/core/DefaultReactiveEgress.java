package io.opensandbox.spring.core;

import java.util.Collection;
import java.util.List;

import reactor.core.publisher.Mono;

import io.opensandbox.spring.model.CredentialVault;
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

	@Override
	public Mono<CredentialVault> createVault(List<CredentialVault.Credential> credentials,
			List<CredentialVault.Binding> bindings) {
		Arguments.notNull(credentials, "Credentials");
		Arguments.notNull(bindings, "Bindings");
		return this.sandbox.egressClient().flatMap((egress) -> egress.createVault(credentials, bindings));
	}

	@Override
	public Mono<CredentialVault> vault() {
		return this.sandbox.egressClient().flatMap((egress) -> egress.vault());
	}

	@Override
	public Mono<CredentialVault> updateVault(CredentialVault.Changes changes) {
		Arguments.notNull(changes, "Changes");
		return this.sandbox.egressClient().flatMap((egress) -> egress.updateVault(changes));
	}

	@Override
	public Mono<Void> deleteVault() {
		return this.sandbox.egressClient().flatMap((egress) -> egress.deleteVault());
	}

	@Override
	public Mono<List<CredentialVault.CredentialInfo>> credentials() {
		return this.sandbox.egressClient().flatMap((egress) -> egress.credentials());
	}

	@Override
	public Mono<CredentialVault.CredentialInfo> credential(String name) {
		Arguments.text(name, "Name");
		return this.sandbox.egressClient().flatMap((egress) -> egress.credential(name));
	}

	@Override
	public Mono<List<CredentialVault.BindingInfo>> bindings() {
		return this.sandbox.egressClient().flatMap((egress) -> egress.bindings());
	}

	@Override
	public Mono<CredentialVault.BindingInfo> binding(String name) {
		Arguments.text(name, "Name");
		return this.sandbox.egressClient().flatMap((egress) -> egress.binding(name));
	}

}
