package io.opensandbox.spring.core;

import java.util.Collection;
import java.util.List;

import reactor.core.publisher.Mono;

import io.opensandbox.spring.model.CredentialVault;
import io.opensandbox.spring.model.EgressPolicy;
import io.opensandbox.spring.model.NetworkPolicy;

/**
 * The outbound network policy and credential vault of a sandbox, reactively. Only a
 * sandbox created with a network policy has one. {@link Egress} is the blocking twin,
 * with the same methods.
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

	/**
	 * Create the sandbox's credential vault; one that exists already is an
	 * {@link io.opensandbox.spring.error.OpenSandboxApiException.Conflict}.
	 * @param credentials the credentials, their values write-only
	 * @param bindings which requests get which credential
	 * @return the vault, without values
	 */
	Mono<CredentialVault> createVault(List<CredentialVault.Credential> credentials,
			List<CredentialVault.Binding> bindings);

	/**
	 * The credential vault; none is an
	 * {@link io.opensandbox.spring.error.OpenSandboxApiException.NotFound}.
	 * @return the vault, without values
	 */
	Mono<CredentialVault> vault();

	/**
	 * Change the credential vault at once; a vault that moved past the expected revision
	 * is an {@link io.opensandbox.spring.error.OpenSandboxApiException.Conflict}.
	 * @param changes the changes
	 * @return the vault after them
	 */
	Mono<CredentialVault> updateVault(CredentialVault.Changes changes);

	/**
	 * Delete the credential vault.
	 * @return completes when it is gone
	 */
	Mono<Void> deleteVault();

	/**
	 * The credentials of the vault, without their values.
	 * @return the credentials
	 */
	Mono<List<CredentialVault.CredentialInfo>> credentials();

	/**
	 * One credential of the vault, without its value.
	 * @param name its name
	 * @return the credential
	 */
	Mono<CredentialVault.CredentialInfo> credential(String name);

	/**
	 * The bindings of the vault.
	 * @return the bindings
	 */
	Mono<List<CredentialVault.BindingInfo>> bindings();

	/**
	 * One binding of the vault.
	 * @param name its name
	 * @return the binding
	 */
	Mono<CredentialVault.BindingInfo> binding(String name);

}
