package io.opensandbox.spring.model;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Outbound network policy of a sandbox, enforced by the egress sidecar.
 *
 * @param defaultAction what happens to traffic no rule matches; the sidecar denies it
 * when this is {@code null}
 * @param egress the rules, evaluated in order
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record NetworkPolicy(NetworkRule.@Nullable Action defaultAction, List<NetworkRule> egress) {

	public NetworkPolicy {
		egress = List.copyOf(egress);
	}

	/**
	 * A policy that denies everything but the given rules allow.
	 * @param rules the rules
	 * @return the policy
	 */
	public static NetworkPolicy denyByDefault(NetworkRule... rules) {
		return new NetworkPolicy(NetworkRule.Action.DENY, List.of(rules));
	}

	/**
	 * A policy that allows everything but the given rules deny.
	 * @param rules the rules
	 * @return the policy
	 */
	public static NetworkPolicy allowByDefault(NetworkRule... rules) {
		return new NetworkPolicy(NetworkRule.Action.ALLOW, List.of(rules));
	}

}
