package io.opensandbox.spring.core;

import java.util.Collection;
import java.util.List;

import io.opensandbox.spring.model.CredentialVault;
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

	/**
	 * Create the sandbox's credential vault; one that exists already is an
	 * {@link io.opensandbox.spring.error.OpenSandboxApiException.Conflict}.
	 * @param credentials the credentials, their values write-only
	 * @param bindings which requests get which credential
	 * @return the vault, without values
	 */
	CredentialVault createVault(List<CredentialVault.Credential> credentials, List<CredentialVault.Binding> bindings);

	/**
	 * The credential vault; none is an
	 * {@link io.opensandbox.spring.error.OpenSandboxApiException.NotFound}.
	 * @return the vault, without values
	 */
	CredentialVault vault();

	/**
	 * Change the credential vault at once; a vault that moved past the expected revision
	 * is an {@link io.opensandbox.spring.error.OpenSandboxApiException.Conflict}.
	 * @param changes the changes
	 * @return the vault after them
	 */
	CredentialVault updateVault(CredentialVault.Changes changes);

	/**
	 * Delete the credential vault.
	 */
	void deleteVault();

	/**
	 * The credentials of the vault, without their values.
	 * @return the credentials
	 */
	List<CredentialVault.CredentialInfo> credentials();

	/**
	 * One credential of the vault, without its value.
	 * @param name its name
	 * @return the credential
	 */
	CredentialVault.CredentialInfo credential(String name);

	/**
	 * The bindings of the vault.
	 * @return the bindings
	 */
	List<CredentialVault.BindingInfo> bindings();

	/**
	 * One binding of the vault.
	 * @param name its name
	 * @return the binding
	 */
	CredentialVault.BindingInfo binding(String name);

}
