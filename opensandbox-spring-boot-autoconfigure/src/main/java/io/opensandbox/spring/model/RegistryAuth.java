package io.opensandbox.spring.model;

import org.springframework.util.Assert;

/**
 * Credentials for pulling a sandbox image from a private registry. The password never
 * appears in {@link #toString()}.
 *
 * @param username the registry user name
 * @param password the registry password or token
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record RegistryAuth(String username, String password) {

	public RegistryAuth {
		Assert.hasText(username, "'username' must not be empty");
		Assert.hasText(password, "'password' must not be empty");
	}

	@Override
	public String toString() {
		return "RegistryAuth[username=" + this.username + ", password=******]";
	}

}
