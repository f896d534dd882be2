package io.opensandbox.spring.ai;

import java.time.Duration;
import java.util.Locale;

/**
 * Text of tool results, made for a model to read: labelled sections, and output cut to a
 * budget keeping its head and its tail (where errors and final results are), with a
 * marker saying how much was left out.
 *
 * @author OpenSandbox Spring Boot
 */
final class ToolOutput {

	private final StringBuilder text = new StringBuilder();

	/**
	 * Add a one-line field.
	 * @param name the label
	 * @param value the value
	 * @return this
	 */
	ToolOutput field(String name, Object value) {
		this.text.append(name).append(": ").append(value).append('\n');
		return this;
	}

	/**
	 * Add a block of text under a label, cut to a budget; nothing for an empty block.
	 * @param name the label
	 * @param value the text
	 * @param budget the most characters kept
	 * @return this
	 */
	ToolOutput block(String name, String value, int budget) {
		return block(name, value, budget, 0);
	}

	/**
	 * Add a block of text under a label, cut to a budget, noting output that was left out
	 * before it arrived here.
	 * @param name the label
	 * @param value the text
	 * @param budget the most characters kept
	 * @param omittedEarlier characters already left out upstream
	 * @return this
	 */
	ToolOutput block(String name, String value, int budget, long omittedEarlier) {
		if (value.isEmpty() && omittedEarlier == 0) {
			return this;
		}
		this.text.append(name).append(":\n").append(cut(value, budget));
		if (omittedEarlier > 0) {
			this.text.append("\n[").append(count(omittedEarlier)).append(" more characters were not collected]");
		}
		this.text.append('\n');
		return this;
	}

	/**
	 * Add a line as it is.
	 * @param line the line
	 * @return this
	 */
	ToolOutput line(String line) {
		this.text.append(line).append('\n');
		return this;
	}

	@Override
	public String toString() {
		int end = this.text.length();
		while (end > 0 && this.text.charAt(end - 1) == '\n') {
			end--;
		}
		return this.text.substring(0, end);
	}

	/**
	 * Cut text to a budget: three fifths from the head, the rest from the tail, with a
	 * marker between them saying how many characters were left out. Never splits a
	 * surrogate pair.
	 * @param value the text
	 * @param budget the most characters kept, at least 2
	 * @return the text, cut if it was longer than the budget
	 */
	static String cut(String value, int budget) {
		if (value.length() <= budget) {
			return value;
		}
		int head = budget * 3 / 5;
		int tail = budget - head;
		if (head > 0 && Character.isHighSurrogate(value.charAt(head - 1))) {
			head--;
		}
		int tailStart = value.length() - tail;
		if (tailStart < value.length() && Character.isLowSurrogate(value.charAt(tailStart))) {
			tailStart++;
		}
		long omitted = (long) tailStart - head;
		return value.substring(0, head) + "\n[... " + count(omitted) + " characters left out ...]\n"
				+ value.substring(tailStart);
	}

	static String count(long count) {
		return String.format(Locale.ROOT, "%,d", count);
	}

	static String seconds(Duration duration) {
		return String.format(Locale.ROOT, "%.2f s", duration.toNanos() / 1e9);
	}

	static String size(long bytes) {
		if (bytes < 1024) {
			return bytes + " bytes";
		}
		if (bytes < 1024 * 1024) {
			return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
		}
		return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
	}

}
