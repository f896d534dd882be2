package io.opensandbox.spring.model;

import org.springframework.util.Assert;

/**
 * Operating system and CPU architecture a sandbox must run on.
 *
 * @param os the operating system, {@code linux} or {@code windows}
 * @param arch the CPU architecture, {@code amd64} or {@code arm64}
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record Platform(String os, String arch) {

	public Platform {
		Assert.hasText(os, "'os' must not be empty");
		Assert.hasText(arch, "'arch' must not be empty");
	}

	/**
	 * Linux on the given architecture.
	 * @param arch the CPU architecture
	 * @return the platform
	 */
	public static Platform linux(String arch) {
		return new Platform("linux", arch);
	}

}
