package io.opensandbox.spring.test.server.isolation;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;

/**
 * What a sandbox may use, from the create request's {@code resourceLimits}
 * ({@code cpu: "500m"}, {@code memory: "512Mi"}) in Kubernetes quantity notation.
 *
 * @param memoryBytes most memory its processes may use together, or -1 for no limit
 * @param cpuMillis most CPU time per second, in thousandths of a core, or -1 for no limit
 * @param processes most processes (and threads) at once
 * @param diskBytes most bytes the sandbox's own files may take together
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record ResourceLimits(long memoryBytes, long cpuMillis, int processes, long diskBytes) {

	/**
	 * The process limit of a sandbox whose request says nothing about it.
	 */
	public static final int DEFAULT_PROCESSES = 1024;

	/**
	 * The disk space of a sandbox whose request says nothing about it (4 GiB).
	 */
	public static final long DEFAULT_DISK_BYTES = 4L * 1024 * 1024 * 1024;

	/**
	 * No memory or CPU limit, the default process and disk limits.
	 */
	public static final ResourceLimits NONE = new ResourceLimits(-1, -1, DEFAULT_PROCESSES, DEFAULT_DISK_BYTES);

	/**
	 * Reads a create request's {@code resourceLimits}: {@code cpu}, {@code memory} and
	 * {@code ephemeral-storage} (or {@code disk}); other keys ({@code gpu}, ...) are
	 * accepted and ignored.
	 * @param limits the limits as strings
	 * @return the limits
	 * @throws IllegalArgumentException naming the key whose value is no quantity
	 */
	public static ResourceLimits parse(Map<String, String> limits) {
		String memory = limits.get("memory");
		String cpu = limits.get("cpu");
		String disk = limits.containsKey("ephemeral-storage") ? limits.get("ephemeral-storage") : limits.get("disk");
		String diskKey = limits.containsKey("ephemeral-storage") ? "ephemeral-storage" : "disk";
		return new ResourceLimits((memory != null) ? bytes("memory", memory) : -1,
				(cpu != null) ? millicores("cpu", cpu) : -1, DEFAULT_PROCESSES,
				(disk != null) ? bytes(diskKey, disk) : DEFAULT_DISK_BYTES);
	}

	static long bytes(String key, String value) {
		BigDecimal quantity = quantity(key, value,
				Map.of("", 1L, "k", 1000L, "K", 1000L, "M", 1000_000L, "G", 1000_000_000L, "T", 1000_000_000_000L, "Ki",
						1024L, "Mi", 1024L * 1024, "Gi", 1024L * 1024 * 1024, "Ti", 1024L * 1024 * 1024 * 1024));
		if (quantity.signum() <= 0 || quantity.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
			throw new IllegalArgumentException(
					key + " must be a positive quantity such as 512Mi, but was '" + value + "'");
		}
		return quantity.longValue();
	}

	static long millicores(String key, String value) {
		BigDecimal quantity = quantity(key, value, Map.of("", 1000L, "m", 1L));
		if (quantity.signum() <= 0 || quantity.compareTo(BigDecimal.valueOf(1_000_000_000L)) > 0) {
			throw new IllegalArgumentException(
					key + " must be a positive quantity such as 500m or 2, but was '" + value + "'");
		}
		return Math.max(1, quantity.longValue());
	}

	private static BigDecimal quantity(String key, String value, Map<String, Long> suffixes) {
		String text = value.trim();
		int end = text.length();
		while (end > 0 && Character.isLetter(text.charAt(end - 1))) {
			end--;
		}
		Long factor = suffixes.get(text.substring(end));
		try {
			if (factor == null || end == 0) {
				throw new NumberFormatException();
			}
			return new BigDecimal(text.substring(0, end).toLowerCase(Locale.ROOT)).multiply(BigDecimal.valueOf(factor));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(key + " must be a quantity such as "
					+ ("cpu".equals(key) ? "500m or 2" : "512Mi or 1Gi") + ", but was '" + value + "'");
		}
	}

}
