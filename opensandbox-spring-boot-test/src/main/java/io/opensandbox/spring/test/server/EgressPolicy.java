package io.opensandbox.spring.test.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A sandbox's egress policy with the sidecar's semantics: actions are lower-cased and
 * targets trimmed; a patch puts its rules first (the first of duplicate targets wins) and
 * keeps the existing rules for other targets (compared ignoring case); deletes remove by
 * target; the default action stays. It is enforced only as far as the embedded server
 * honestly can: a sandbox created with a deny-all policy (default deny, no allow rule)
 * gets a network namespace with loopback only, which {@code enforcementMode} reports as
 * {@code netns}; everything else is stored and served but not enforced ({@code none}).
 *
 * @author OpenSandbox Spring Boot
 */
final class EgressPolicy {

	/** The sidecar's default rule cap; more answers 413. */
	static final int MAX_RULES = 4096;

	private String defaultAction;

	private final List<Map<String, Object>> rules = new ArrayList<>();

	private final boolean networkIsolated;

	private EgressPolicy(String defaultAction, List<Map<String, Object>> rules) {
		this.defaultAction = defaultAction;
		this.rules.addAll(rules);
		this.networkIsolated = "deny".equals(defaultAction)
				&& rules.stream().noneMatch((rule) -> "allow".equals(rule.get("action")));
	}

	/**
	 * The policy of a create request's {@code networkPolicy}.
	 * @param json the network policy object
	 * @return the policy
	 */
	static EgressPolicy of(Map<?, ?> json) {
		Object given = json.get("defaultAction");
		String defaultAction = action(given);
		if (given != null && !(given instanceof String)
				|| !"allow".equals(defaultAction) && !"deny".equals(defaultAction)) {
			throw ApiException.validation("enum", Exchange.location("body", "networkPolicy", "defaultAction"),
					"Input should be 'allow' or 'deny'", given, Map.of("expected", "'allow' or 'deny'"));
		}
		Object egress = json.get("egress");
		List<Map<String, Object>> rules = (egress instanceof List<?> list) ? rules(list, "invalid policy: ")
				: List.of();
		return new EgressPolicy(defaultAction, dedupe(rules));
	}

	boolean networkIsolated() {
		return this.networkIsolated;
	}

	synchronized Map<String, Object> patch(List<?> incoming) {
		List<Map<String, Object>> merged = new ArrayList<>(dedupe(rules(incoming, "invalid merged policy: ")));
		for (Map<String, Object> existing : this.rules) {
			if (merged.stream().noneMatch((rule) -> sameTarget(rule, existing))) {
				merged.add(existing);
			}
		}
		checkCap(merged.size());
		this.rules.clear();
		this.rules.addAll(merged);
		return status(null, false);
	}

	synchronized Map<String, Object> delete(List<?> targets) {
		int before = this.rules.size();
		for (Object target : targets) {
			if (!(target instanceof String text)) {
				throw new ApiException(400, "", "invalid delete targets: targets must be strings");
			}
			this.rules.removeIf((rule) -> String.valueOf(rule.get("target")).equalsIgnoreCase(text.trim()));
		}
		return status((this.rules.size() == before) ? "no matching targets found" : null, false);
	}

	synchronized Map<String, Object> replace(Map<?, ?> json) {
		String action = action(json.get("defaultAction"));
		Object egress = json.get("egress");
		List<Map<String, Object>> replacement = (egress instanceof List<?> list)
				? dedupe(rules(list, "invalid policy: ")) : List.of();
		checkCap(replacement.size());
		this.defaultAction = action;
		this.rules.clear();
		this.rules.addAll(replacement);
		return status(null, false);
	}

	synchronized Map<String, Object> reset() {
		this.defaultAction = "deny";
		this.rules.clear();
		return status("policy reset to default deny-all", false);
	}

	/**
	 * The sidecar's status answer, with the policy for {@code GET /policy}.
	 * @param reason the reason, or {@code null}
	 * @param withPolicy whether to include the policy
	 * @return the JSON object
	 */
	synchronized Map<String, Object> status(@Nullable String reason, boolean withPolicy) {
		String mode = this.rules.isEmpty() ? ("deny".equals(this.defaultAction) ? "deny_all" : "allow_all")
				: "enforcing";
		Map<String, Object> json = Json.object("status", "ok", "mode", mode, "enforcementMode",
				this.networkIsolated ? "netns" : "none", "reason", reason);
		if (withPolicy) {
			Map<String, Object> policy = new LinkedHashMap<>();
			policy.put("egress", new ArrayList<>(this.rules));
			policy.put("defaultAction", this.defaultAction);
			json.put("policy", policy);
		}
		return json;
	}

	private static void checkCap(int count) {
		if (count > MAX_RULES) {
			throw new ApiException(413, "", "egress rule total count " + count + " exceeds limit " + MAX_RULES);
		}
	}

	private static String action(@Nullable Object value) {
		String action = (value != null) ? value.toString().trim().toLowerCase(Locale.ROOT) : "";
		return action.isEmpty() ? "deny" : action;
	}

	private static List<Map<String, Object>> rules(List<?> list, String errorPrefix) {
		List<Map<String, Object>> rules = new ArrayList<>();
		for (Object item : list) {
			if (!(item instanceof Map<?, ?> rule)) {
				throw new ApiException(400, "", errorPrefix + "each rule must be an object");
			}
			String action = action(rule.get("action"));
			if (!action.equals("allow") && !action.equals("deny")) {
				throw new ApiException(400, "", errorPrefix + "unsupported action \"" + action + "\"");
			}
			Object target = rule.get("target");
			String trimmed = (target != null) ? target.toString().trim() : "";
			if (trimmed.isEmpty()) {
				throw new ApiException(400, "", errorPrefix + "egress target cannot be empty");
			}
			rules.add(Json.object("action", action, "target", trimmed));
		}
		return rules;
	}

	private static List<Map<String, Object>> dedupe(List<Map<String, Object>> rules) {
		List<Map<String, Object>> result = new ArrayList<>();
		for (Map<String, Object> rule : rules) {
			if (result.stream().noneMatch((kept) -> sameTarget(kept, rule))) {
				result.add(rule);
			}
		}
		return result;
	}

	private static boolean sameTarget(Map<String, Object> a, Map<String, Object> b) {
		return String.valueOf(a.get("target")).equalsIgnoreCase(String.valueOf(b.get("target")));
	}

}
