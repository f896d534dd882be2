package io.opensandbox.spring.test.server.isolation;

/**
 * Resource use of a sandbox's processes, read from {@code /proc}.
 *
 * @param cpuCount the number of CPUs available
 * @param cpuUsedPercent CPU used by the sandbox's processes since the previous reading,
 * in percent of one CPU
 * @param memoryTotalMiB total memory of the host in MiB
 * @param memoryUsedMiB resident memory of the sandbox's processes in MiB
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record ProcessMetrics(int cpuCount, double cpuUsedPercent, double memoryTotalMiB, double memoryUsedMiB) {

}
