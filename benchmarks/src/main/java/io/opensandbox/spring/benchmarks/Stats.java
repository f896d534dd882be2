package io.opensandbox.spring.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Median and spread of a few measurements.
 *
 * @author OpenSandbox Spring Boot
 */
final class Stats {

	private final List<Double> values;

	Stats(List<Double> values) {
		this.values = new ArrayList<>(values);
		Collections.sort(this.values);
	}

	double median() {
		int n = this.values.size();
		return (n % 2 == 1) ? this.values.get(n / 2) : (this.values.get(n / 2 - 1) + this.values.get(n / 2)) / 2;
	}

	double min() {
		return this.values.get(0);
	}

	double max() {
		return this.values.get(this.values.size() - 1);
	}

	double percentile(double p) {
		int index = (int) Math.ceil(p / 100.0 * this.values.size()) - 1;
		return this.values.get(Math.max(0, Math.min(this.values.size() - 1, index)));
	}

	int size() {
		return this.values.size();
	}

	static String format(double value) {
		return (Math.abs(value) >= 100) ? String.format(Locale.ROOT, "%,.0f", value)
				: String.format(Locale.ROOT, "%.1f", value);
	}

}
