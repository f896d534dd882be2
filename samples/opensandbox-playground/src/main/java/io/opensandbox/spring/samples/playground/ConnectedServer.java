package io.opensandbox.spring.samples.playground;

import org.springframework.stereotype.Component;

import io.opensandbox.spring.autoconfigure.OpenSandboxConnectionDetails;

/**
 * Which OpenSandbox server the application talks to, for the page's header. The starter
 * reads the server's address only from the {@link OpenSandboxConnectionDetails} bean:
 * from the {@code opensandbox.*} properties normally, from the embedded server when the
 * test support module supplies that bean ({@code TestOpenSandboxPlaygroundApplication}).
 *
 * @author OpenSandbox Spring Boot
 */
@Component
public class ConnectedServer {

	private static final String TEST_SUPPORT_PACKAGE = "io.opensandbox.spring.test.";

	private final OpenSandboxConnectionDetails connectionDetails;

	public ConnectedServer(OpenSandboxConnectionDetails connectionDetails) {
		this.connectionDetails = connectionDetails;
	}

	/**
	 * Describe the server.
	 * @return the description
	 */
	public Description describe() {
		boolean embedded = this.connectionDetails.getClass().getName().startsWith(TEST_SUPPORT_PACKAGE);
		String domain = this.connectionDetails.getDomain();
		String protocol = this.connectionDetails.getProtocol();
		if (embedded) {
			return new Description("embedded", domain, protocol,
					"Embedded OpenSandbox server (test support): commands run on this machine, isolated per sandbox");
		}
		return new Description("remote", domain, protocol, "OpenSandbox server configured by opensandbox.domain");
	}

	/**
	 * The server the application is connected to.
	 *
	 * @param kind {@code embedded} or {@code remote}
	 * @param domain the lifecycle server's domain
	 * @param protocol the protocol used to reach it
	 * @param description a sentence for people
	 */
	public record Description(String kind, String domain, String protocol, String description) {

	}

}
