package io.opensandbox.spring.model;

import java.util.Locale;

import org.springframework.util.Assert;

/**
 * One egress rule: allow or deny outbound traffic to a domain.
 *
 * @param action what to do with matching traffic
 * @param target a domain or wildcard domain, for example {@code *.example.com}
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record NetworkRule(Action action, String target) {

	public NetworkRule {
		Assert.notNull(action, "'action' must not be null");
		Assert.hasText(target, "'target' must not be empty");
	}

	/**
	 * A rule that allows traffic to the target.
	 * @param target the domain
	 * @return the rule
	 */
	public static NetworkRule allow(String target) {
		return new NetworkRule(Action.ALLOW, target);
	}

	/**
	 * A rule that denies traffic to the target.
	 * @param target the domain
	 * @return the rule
	 */
	public static NetworkRule deny(String target) {
		return new NetworkRule(Action.DENY, target);
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
