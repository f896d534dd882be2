package io.opensandbox.spring.model;

import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * Outbound network policy of a sandbox, enforced by the egress sidecar.
 *
 * @param defaultAction what happens to traffic no rule matches; the sidecar denies it
 * when this is {@code null}
 * @param egress the rules, evaluated in order
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record NetworkPolicy(Rule.@Nullable Action defaultAction, List<Rule> egress) {

	public NetworkPolicy {
		egress = List.copyOf(egress);
	}

	/**
	 * A policy that denies everything but the given rules allow.
	 * @param rules the rules
	 * @return the policy
	 */
	public static NetworkPolicy denyByDefault(Rule... rules) {
		return new NetworkPolicy(Rule.Action.DENY, List.of(rules));
	}

	/**
	 * A policy that allows everything but the given rules deny.
	 * @param rules the rules
	 * @return the policy
	 */
	public static NetworkPolicy allowByDefault(Rule... rules) {
		return new NetworkPolicy(Rule.Action.ALLOW, List.of(rules));
	}

	/**
	 * One egress rule: allow or deny outbound traffic to a domain.
	 *
	 * @param action what to do with matching traffic
	 * @param target a domain or wildcard domain, for example {@code *.example.com}
	 * @since 0.1.0
	 */
	public record Rule(Action action, String target) {

		public Rule {
			Assert.notNull(action, "'action' must not be null");
			Assert.hasText(target, "'target' must not be empty");
		}

		/**
		 * A rule that allows traffic to the target.
		 * @param target the domain
		 * @return the rule
		 */
		public static Rule allow(String target) {
			return new Rule(Action.ALLOW, target);
		}

		/**
		 * A rule that denies traffic to the target.
		 * @param target the domain
		 * @return the rule
		 */
		public static Rule deny(String target) {
			return new Rule(Action.DENY, target);
		}

		/**
		 * What a rule does with matching traffic.
		 */
		public enum Action {

			/** Let the traffic through. */
			ALLOW,

			/** Block the traffic. */
			DENY;

			/**
			 * The name used on the wire.
			 * @return {@code allow} or {@code deny}
			 */
			public String wireValue() {
				return name().toLowerCase(Locale.ROOT);
			}

			/**
			 * Parse a wire value.
			 * @param value {@code allow} or {@code deny}, in any case
			 * @return the action
			 */
			public static Action fromWireValue(String value) {
				return valueOf(value.toUpperCase(Locale.ROOT));
			}

		}

	}

}
