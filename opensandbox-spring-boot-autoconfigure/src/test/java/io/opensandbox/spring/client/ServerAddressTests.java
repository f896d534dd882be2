package io.opensandbox.spring.client;

import java.net.URI;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ServerAddress}.
 *
 * @author OpenSandbox Spring Boot
 */
class ServerAddressTests {

	@Test
	void hostAndPortUseTheProtocolAndGetApiVersionAppended() {
		ServerAddress address = ServerAddress.of("localhost:8080", "http");
		assertThat(address.root()).isEqualTo(URI.create("http://localhost:8080"));
		assertThat(address.apiBase()).isEqualTo(URI.create("http://localhost:8080/v1"));
	}

	@Test
	void protocolIsNormalized() {
		ServerAddress address = ServerAddress.of("sandbox.example.com", " HTTPS ");
		assertThat(address.apiBase()).isEqualTo(URI.create("https://sandbox.example.com/v1"));
	}

	@Test
	void schemeInTheDomainOverridesTheProtocol() {
		assertThat(ServerAddress.of("https://sandbox.example.com", "http").apiBase())
			.isEqualTo(URI.create("https://sandbox.example.com/v1"));
		assertThat(ServerAddress.of("HTTP://sandbox.example.com:9000", "https").apiBase())
			.isEqualTo(URI.create("http://sandbox.example.com:9000/v1"));
	}

	@Test
	void pathPrefixIsKept() {
		ServerAddress address = ServerAddress.of("gateway.example.com/team/opensandbox", "https");
		assertThat(address.root()).isEqualTo(URI.create("https://gateway.example.com/team/opensandbox"));
		assertThat(address.apiBase()).isEqualTo(URI.create("https://gateway.example.com/team/opensandbox/v1"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "localhost:8080/", "localhost:8080///", "localhost:8080/v1", "localhost:8080/v1/",
			"localhost:8080/V1//", "  localhost:8080/v1  ", "http://localhost:8080/v1/" })
	void trailingSlashesAndAnExistingApiVersionAreTolerated(String domain) {
		ServerAddress address = ServerAddress.of(domain, "http");
		assertThat(address.root()).isEqualTo(URI.create("http://localhost:8080"));
		assertThat(address.apiBase()).isEqualTo(URI.create("http://localhost:8080/v1"));
	}

	@Test
	void existingApiVersionAfterAPrefixIsTolerated() {
		ServerAddress address = ServerAddress.of("https://gateway.example.com/prefix/v1/", "http");
		assertThat(address.root()).isEqualTo(URI.create("https://gateway.example.com/prefix"));
		assertThat(address.apiBase()).isEqualTo(URI.create("https://gateway.example.com/prefix/v1"));
	}

	@Test
	void pathSegmentEndingLikeTheApiVersionIsKept() {
		ServerAddress address = ServerAddress.of("gateway.example.com/apiv1", "http");
		assertThat(address.root()).isEqualTo(URI.create("http://gateway.example.com/apiv1"));
		assertThat(address.apiBase()).isEqualTo(URI.create("http://gateway.example.com/apiv1/v1"));
	}

	@Test
	void healthUriIsAtTheRootWithoutApiVersion() {
		assertThat(ServerAddress.of("localhost:8080/v1", "http").healthUri())
			.isEqualTo(URI.create("http://localhost:8080/health"));
		assertThat(ServerAddress.of("https://gateway.example.com/prefix", "http").healthUri())
			.isEqualTo(URI.create("https://gateway.example.com/prefix/health"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "   " })
	void emptyDomainIsRejected(String domain) {
		assertThatIllegalArgumentException().isThrownBy(() -> ServerAddress.of(domain, "http"))
			.withMessage("Domain must not be empty");
	}

	@Test
	void nullDomainIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> ServerAddress.of(null, "http"))
			.withMessage("Domain must not be empty");
	}

	@Test
	void invalidProtocolIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> ServerAddress.of("localhost:8080", "ftp"))
			.withMessage("Protocol must be 'http' or 'https', not 'ftp'");
	}

	@Test
	void nullProtocolIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> ServerAddress.of("localhost:8080", null))
			.withMessageContaining("Protocol must be 'http' or 'https'");
	}

	@Test
	void invalidSchemeInTheDomainIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> ServerAddress.of("ws://localhost:8080", "http"))
			.withMessage("Scheme of domain 'ws://localhost:8080' must be 'http' or 'https', not 'ws'");
	}

	@ParameterizedTest
	@ValueSource(strings = { "0", "70000", "65536" })
	void portOutOfRangeIsRejected(String port) {
		assertThatIllegalArgumentException().isThrownBy(() -> ServerAddress.of("localhost:" + port, "http"))
			.withMessage("Port of domain 'localhost:" + port + "' must be between 1 and 65535, not " + port);
	}

	@Test
	void largestPortIsAccepted() {
		assertThat(ServerAddress.of("localhost:65535", "http").root()).isEqualTo(URI.create("http://localhost:65535"));
	}

	@Test
	void queryInTheDomainIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> ServerAddress.of("localhost:8080?debug=true", "http"))
			.withMessageContaining("'localhost:8080?debug=true'")
			.withMessageContaining("query");
	}

	@Test
	void fragmentInTheDomainIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> ServerAddress.of("localhost:8080#top", "http"))
			.withMessageContaining("fragment");
	}

	@Test
	void userInfoInTheDomainIsRejectedWithoutShowingIt() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ServerAddress.of("https://admin:s3cr3t@gateway.example.com/a@b", "http"))
			.withMessageContaining("user info")
			.withMessageContaining("https://******@gateway.example.com/a@b")
			.withMessageNotContaining("s3cr3t")
			.withMessageNotContaining("admin");
	}

	@Test
	void userInfoIsNotShownWhenAnotherPartOfTheDomainIsInvalid() {
		assertThatIllegalArgumentException().isThrownBy(() -> ServerAddress.of("ftp://admin:s3cr3t@host", "http"))
			.withMessage("Scheme of domain 'ftp://******@host' must be 'http' or 'https', not 'ftp'");
		assertThatIllegalArgumentException().isThrownBy(() -> ServerAddress.of("admin:s3cr3t@host:0", "http"))
			.withMessageNotContaining("s3cr3t");
	}

	@ParameterizedTest
	@ValueSource(strings = { "http://", "localhost:abc", ":8080" })
	void domainWithoutAValidHostIsRejected(String domain) {
		assertThatIllegalArgumentException().isThrownBy(() -> ServerAddress.of(domain, "http"))
			.withMessageContaining("'" + domain + "' is not a 'host[:port][/prefix]' address");
	}

	@Test
	void domainThatIsNotAUriIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> ServerAddress.of("local host:8080", "http"))
			.withMessageContaining("Domain 'local host:8080' is not a 'host[:port][/prefix]' address");
	}

}
