package io.opensandbox.spring.model;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Resource usage inside a sandbox at one moment.
 *
 * @param cpuCount the number of CPU cores
 * @param cpuUsedPercent CPU usage in percent
 * @param memoryTotalMib total memory in MiB
 * @param memoryUsedMib used memory in MiB
 * @param timestamp when the metrics were taken
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record SandboxMetrics(double cpuCount, double cpuUsedPercent, double memoryTotalMib, double memoryUsedMib,
		@Nullable Instant timestamp) {

}
