package io.opensandbox.spring.core;

import java.util.Collection;
import java.util.List;

import io.opensandbox.spring.model.CredentialVault;
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
	public CredentialVault createVault(List<CredentialVault.Credential> credentials,
			List<CredentialVault.Binding> bindings) {
		return Blocking.get(this.reactive.createVault(credentials, bindings));
	}

	@Override
	public CredentialVault vault() {
		return Blocking.get(this.reactive.vault());
	}

	@Override
	public CredentialVault updateVault(CredentialVault.Changes changes) {
		return Blocking.get(this.reactive.updateVault(changes));
	}

	@Override
	public void deleteVault() {
		Blocking.run(this.reactive.deleteVault());
	}

	@Override
	public List<CredentialVault.CredentialInfo> credentials() {
		return Blocking.get(this.reactive.credentials());
	}

	@Override
	public CredentialVault.CredentialInfo credential(String name) {
		return Blocking.get(this.reactive.credential(name));
	}

	@Override
	public List<CredentialVault.BindingInfo> bindings() {
		return Blocking.get(this.reactive.bindings());
	}

	@Override
	public CredentialVault.BindingInfo binding(String name) {
		return Blocking.get(this.reactive.binding(name));
	}

	@Override
	public ReactiveEgress reactive() {
		return this.reactive;
	}

}
