package io.opensandbox.spring.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import org.springframework.util.Assert;

/**
 * Where the lifecycle server is: its root (for {@code /health} and the server proxy) and
 * its API base, the root plus {@code /v1}. Built from a domain the way the official SDKs
 * read it: a scheme in the domain overrides the protocol, a path prefix is kept, trailing
 * slashes and an existing {@code /v1} are tolerated, and {@code /v1} is appended once.
 *
 * @param root the server root, without a trailing slash, for example
 * {@code https://sandbox.example.com/prefix}
 * @param apiBase the API base, {@code root + "/v1"}
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record ServerAddress(URI root, URI apiBase) {

	private static final String API_VERSION = "/v1";

	/**
	 * Resolve a domain.
	 * @param domain the domain, for example {@code localhost:8080},
	 * {@code https://host/prefix} or {@code host/v1/}
	 * @param protocol {@code http} or {@code https}, used when the domain has no scheme
	 * @return the address
	 * @throws IllegalArgumentException if the domain or protocol is invalid; the message
	 * says why
	 */
	public static ServerAddress of(String domain, String protocol) {
		Assert.isTrue(domain != null && !domain.isBlank(), "Domain must not be empty");
		String scheme = checkProtocol(protocol, "Protocol");
		String shown = withoutUserInfo(domain);
		String rest = domain.strip();
		int separator = rest.indexOf("://");
		if (separator >= 0) {
			scheme = checkProtocol(rest.substring(0, separator), "Scheme of domain '" + shown + "'");
			rest = rest.substring(separator + 3);
		}
		rest = stripTrailingSlashes(rest);
		if (rest.toLowerCase(Locale.ROOT).endsWith(API_VERSION)) {
			rest = stripTrailingSlashes(rest.substring(0, rest.length() - API_VERSION.length()));
		}
		URI root = parse(shown, scheme + "://" + rest);
		return new ServerAddress(root, URI.create(root + API_VERSION));
	}

	/**
	 * The domain as it may appear in a message: user info (which may hold a password) is
	 * masked.
	 * @param domain the domain as configured
	 * @return the domain, safe to show
	 */
	public static String withoutUserInfo(String domain) {
		int separator = domain.indexOf("://");
		int start = (separator >= 0) ? separator + 3 : 0;
		int end = start;
		while (end < domain.length() && "/?#".indexOf(domain.charAt(end)) < 0) {
			end++;
		}
		int at = domain.lastIndexOf('@', end - 1);
		return (at >= start) ? domain.substring(0, start) + "******" + domain.substring(at) : domain;
	}

	private static String checkProtocol(String protocol, String what) {
		String normalized = (protocol != null) ? protocol.strip().toLowerCase(Locale.ROOT) : "";
		Assert.isTrue(normalized.equals("http") || normalized.equals("https"),
				() -> what + " must be 'http' or 'https', not '" + protocol + "'");
		return normalized;
	}

	private static String stripTrailingSlashes(String value) {
		String result = value;
		while (result.endsWith("/")) {
			result = result.substring(0, result.length() - 1);
		}
		return result;
	}

	private static URI parse(String domain, String candidate) {
		URI uri;
		try {
			uri = new URI(candidate);
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException(
					"Domain '" + domain + "' is not a 'host[:port][/prefix]' address: " + ex.getReason());
		}
		Assert.isTrue(uri.getHost() != null,
				() -> "Domain '" + domain + "' is not a 'host[:port][/prefix]' address: no valid host name");
		Assert.isTrue(uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null,
				() -> "Domain '" + domain + "' must not contain user info, a query or a fragment");
		Assert.isTrue(uri.getPort() == -1 || (uri.getPort() >= 1 && uri.getPort() <= 65535),
				() -> "Port of domain '" + domain + "' must be between 1 and 65535, not " + uri.getPort());
		return uri;
	}

	/**
	 * The URL of the server's health check, which lives at the root, not under
	 * {@code /v1}.
	 * @return the health URL
	 */
	public URI healthUri() {
		return URI.create(this.root + "/health");
	}

}
