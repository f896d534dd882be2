package io.opensandbox.spring.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of the results: a row of {@code latest.md} and an entry of
 * {@code latest.json}, where {@code values} holds the raw numbers behind the text.
 *
 * @param scenario the scenario id, as selected with {@code -Dbenchmarks.scenarios}
 * @param name what was measured, and for whom
 * @param target the target, or {@code reference} / {@code comparison}
 * @param result the result (median of rounds)
 * @param spread the spread and how it was measured
 * @param met {@code yes}, {@code no} or {@code n/a}
 * @param values the numbers behind the text, by name
 * @author OpenSandbox Spring Boot
 */
record Row(String scenario, String name, String target, String result, String spread, String met,
		Map<String, Object> values) {

	Row(String scenario, String name, String target, String result, String spread, String met) {
		this(scenario, name, target, result, spread, met, new LinkedHashMap<>());
	}

	static String met(boolean met) {
		return met ? "yes" : "no";
	}

	Row with(String key, Object value) {
		this.values.put(key, value);
		return this;
	}

	Row with(String prefix, Stats stats) {
		this.values.put(prefix + "Median", stats.median());
		this.values.put(prefix + "Min", stats.min());
		this.values.put(prefix + "Max", stats.max());
		this.values.put(prefix + "Rounds", stats.size());
		return this;
	}

	String markdown() {
		return "| " + cell(this.name) + " | " + cell(this.target) + " | " + cell(this.result) + " | "
				+ cell(this.spread) + " | " + cell(this.met) + " |";
	}

	private static String cell(String text) {
		return text.replace("|", "/").replace("\n", " ");
	}

}
