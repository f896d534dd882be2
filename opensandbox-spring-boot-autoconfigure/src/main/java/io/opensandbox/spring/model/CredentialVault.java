package io.opensandbox.spring.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * The credential vault of a sandbox's egress sidecar, as the sidecar shows it: secrets go
 * in ({@link Credential}) but never come back out, so the state holds names, revisions
 * and where each binding injects which credential. The sidecar adds a binding's
 * credential to the outbound requests the binding matches, so code in the sandbox can
 * call an API without ever seeing its key.
 *
 * @param revision the vault's revision, raised by every change
 * @param credentials the credentials, without their values
 * @param bindings the bindings
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record CredentialVault(long revision, List<CredentialInfo> credentials, List<BindingInfo> bindings) {

	private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+\\-.^_`|~]+");

	public CredentialVault {
		credentials = List.copyOf(credentials);
		bindings = List.copyOf(bindings);
	}

	/**
	 * A secret to put in the vault. Its value is write-only: {@link #toString()} masks
	 * it, and the sidecar never returns it.
	 *
	 * @param name the credential's name, by which bindings refer to it
	 * @param value the secret
	 */
	public record Credential(String name, String value) {

		public Credential {
			Assert.hasText(name, "Credential name must not be empty");
			Assert.hasLength(value, "Credential value must not be empty");
		}

		@Override
		public String toString() {
			return "Credential[name=" + this.name + ", value=******]";
		}

	}

	/**
	 * Where to inject which credential: outbound requests that match get the credential
	 * added as the auth says.
	 *
	 * @param name the binding's name
	 * @param match the requests it applies to
	 * @param auth how the credential is added
	 */
	public record Binding(String name, Match match, Auth auth) {

		public Binding {
			Assert.hasText(name, "Binding name must not be empty");
			Assert.notNull(match, "'match' must not be null");
			Assert.notNull(auth, "'auth' must not be null");
		}

	}

	/**
	 * The outbound requests a binding applies to. Empty lists take the sidecar's
	 * defaults: {@code https}, port 443, the usual methods, every path.
	 *
	 * @param hosts the hosts, at least one
	 * @param schemes {@code https} and/or {@code http}
	 * @param ports the ports
	 * @param methods the HTTP methods
	 * @param paths the path patterns, for example {@code /v1/*}
	 */
	public record Match(List<String> hosts, List<String> schemes, List<Integer> ports, List<String> methods,
			List<String> paths) {

		public Match {
			Assert.notEmpty(hosts, "A match needs at least one host");
			hosts.forEach((host) -> Assert.hasText(host, "Hosts must not be empty"));
			hosts = List.copyOf(hosts);
			schemes = List.copyOf(schemes);
			schemes.forEach((scheme) -> Assert.isTrue("https".equals(scheme) || "http".equals(scheme),
					() -> "Scheme must be 'https' or 'http', not '" + scheme + "'"));
			ports = List.copyOf(ports);
			ports.forEach((port) -> Assert.isTrue(port >= 1 && port <= 65535,
					() -> "Port must be between 1 and 65535, not " + port));
			methods = List.copyOf(methods);
			paths = List.copyOf(paths);
		}

		/**
		 * Requests to these hosts, with the sidecar's defaults for the rest.
		 * @param hosts the hosts
		 * @return the match
		 */
		public static Match of(String... hosts) {
			return new Match(Arrays.asList(hosts), List.of(), List.of(), List.of(), List.of());
		}

		/**
		 * This match for other schemes.
		 * @param schemes {@code https} and/or {@code http}
		 * @return a new match
		 */
		public Match withSchemes(String... schemes) {
			return new Match(this.hosts, Arrays.asList(schemes), this.ports, this.methods, this.paths);
		}

		/**
		 * This match for other ports.
		 * @param ports the ports
		 * @return a new match
		 */
		public Match withPorts(Integer... ports) {
			return new Match(this.hosts, this.schemes, Arrays.asList(ports), this.methods, this.paths);
		}

		/**
		 * This match for other methods.
		 * @param methods the HTTP methods
		 * @return a new match
		 */
		public Match withMethods(String... methods) {
			return new Match(this.hosts, this.schemes, this.ports, Arrays.asList(methods), this.paths);
		}

		/**
		 * This match for other paths.
		 * @param paths the path patterns
		 * @return a new match
		 */
		public Match withPaths(String... paths) {
			return new Match(this.hosts, this.schemes, this.ports, this.methods, Arrays.asList(paths));
		}

	}

	/**
	 * How a binding adds its credential to a request. Credentials are named, never given
	 * here.
	 *
	 * @param type {@code bearer}, {@code basic}, {@code apiKey} or {@code customHeaders}
	 * @param headers header name to credential name; for {@code bearer} and {@code basic}
	 * the {@code Authorization} header
	 */
	public record Auth(String type, Map<String, String> headers) {

		private static final List<String> TYPES = List.of("bearer", "basic", "apiKey", "customHeaders");

		public Auth {
			Assert.isTrue(TYPES.contains(type), () -> "Auth type must be one of " + TYPES + ", not '" + type + "'");
			Assert.notEmpty(headers, "An auth needs a credential");
			Assert.isTrue(type.equals("customHeaders") || headers.size() == 1,
					() -> "A " + type + " auth uses exactly one credential");
			Assert.isTrue(!(type.equals("bearer") || type.equals("basic")) || headers.containsKey("Authorization"),
					() -> "A " + type + " auth uses the Authorization header");
			headers.forEach((header, credential) -> {
				Assert.isTrue(header != null && HEADER_NAME.matcher(header).matches(),
						() -> "Header name must be a token, not '" + header + "'");
				Assert.hasText(credential, "Credential names must not be empty");
			});
			headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
		}

		/**
		 * {@code Authorization: Bearer <credential>}.
		 * @param credential the credential's name
		 * @return the auth
		 */
		public static Auth bearer(String credential) {
			return new Auth("bearer", Map.of("Authorization", credential));
		}

		/**
		 * {@code Authorization: Basic <credential>}, the credential holding
		 * {@code base64(user:password)}.
		 * @param credential the credential's name
		 * @return the auth
		 */
		public static Auth basic(String credential) {
			return new Auth("basic", Map.of("Authorization", credential));
		}

		/**
		 * The credential in a header of its own, for example {@code X-Api-Key}.
		 * @param header the header name
		 * @param credential the credential's name
		 * @return the auth
		 */
		public static Auth apiKey(String header, String credential) {
			return new Auth("apiKey", Map.of(header, credential));
		}

		/**
		 * Several headers, each with a credential.
		 * @param headers header name to credential name, in order
		 * @return the auth
		 */
		public static Auth customHeaders(Map<String, String> headers) {
			return new Auth("customHeaders", headers);
		}

		/**
		 * The names of the credentials this auth uses.
		 * @return the credential names
		 */
		public List<String> credentials() {
			return new ArrayList<>(this.headers.values());
		}

	}

	/**
	 * A credential as the vault shows it: no value.
	 *
	 * @param name the name
	 * @param sourceType where the value came from, for example {@code inline}
	 * @param revision the vault revision that last changed it
	 */
	public record CredentialInfo(String name, String sourceType, long revision) {

	}

	/**
	 * A binding as the vault shows it.
	 *
	 * @param name the name
	 * @param revision the vault revision that last changed it
	 * @param match the requests it applies to, if the sidecar said
	 * @param authType how it adds its credential, if the sidecar said
	 * @param authName the header an {@code apiKey} auth uses, if any
	 */
	public record BindingInfo(String name, long revision, @Nullable Match match, @Nullable String authType,
			@Nullable String authName) {

	}

	/**
	 * Changes to apply to the vault at once: credentials and bindings to add, replace and
	 * delete, optionally only if the vault is still at an expected revision. Immutable.
	 *
	 * @param expectedRevision the revision the vault must be at, or {@code null} for any
	 * @param addCredentials credentials to add
	 * @param replaceCredentials credentials to replace, by name
	 * @param deleteCredentials names of credentials to delete
	 * @param addBindings bindings to add
	 * @param replaceBindings bindings to replace, by name
	 * @param deleteBindings names of bindings to delete
	 */
	public record Changes(@Nullable Long expectedRevision, List<Credential> addCredentials,
			List<Credential> replaceCredentials, List<String> deleteCredentials, List<Binding> addBindings,
			List<Binding> replaceBindings, List<String> deleteBindings) {

		public Changes {
			addCredentials = List.copyOf(addCredentials);
			replaceCredentials = List.copyOf(replaceCredentials);
			deleteCredentials = List.copyOf(deleteCredentials);
			addBindings = List.copyOf(addBindings);
			replaceBindings = List.copyOf(replaceBindings);
			deleteBindings = List.copyOf(deleteBindings);
			Assert.isTrue(
					!(addCredentials.isEmpty() && replaceCredentials.isEmpty() && deleteCredentials.isEmpty()
							&& addBindings.isEmpty() && replaceBindings.isEmpty() && deleteBindings.isEmpty()),
					"Changes must change something");
		}

		/**
		 * No changes yet, at any revision.
		 * @return the builder
		 */
		public static Builder builder() {
			return new Builder();
		}

		/**
		 * Builds {@link Changes}.
		 */
		public static final class Builder {

			private @Nullable Long expectedRevision;

			private final List<Credential> addCredentials = new ArrayList<>();

			private final List<Credential> replaceCredentials = new ArrayList<>();

			private final List<String> deleteCredentials = new ArrayList<>();

			private final List<Binding> addBindings = new ArrayList<>();

			private final List<Binding> replaceBindings = new ArrayList<>();

			private final List<String> deleteBindings = new ArrayList<>();

			private Builder() {
			}

			/**
			 * Apply only if the vault is still at this revision.
			 * @param revision the revision
			 * @return this builder
			 */
			public Builder expectedRevision(long revision) {
				this.expectedRevision = revision;
				return this;
			}

			/**
			 * Add a credential.
			 * @param credential the credential
			 * @return this builder
			 */
			public Builder addCredential(Credential credential) {
				this.addCredentials.add(credential);
				return this;
			}

			/**
			 * Replace a credential with the same name.
			 * @param credential the credential
			 * @return this builder
			 */
			public Builder replaceCredential(Credential credential) {
				this.replaceCredentials.add(credential);
				return this;
			}

			/**
			 * Delete a credential.
			 * @param name its name
			 * @return this builder
			 */
			public Builder deleteCredential(String name) {
				this.deleteCredentials.add(name);
				return this;
			}

			/**
			 * Add a binding.
			 * @param binding the binding
			 * @return this builder
			 */
			public Builder addBinding(Binding binding) {
				this.addBindings.add(binding);
				return this;
			}

			/**
			 * Replace a binding with the same name.
			 * @param binding the binding
			 * @return this builder
			 */
			public Builder replaceBinding(Binding binding) {
				this.replaceBindings.add(binding);
				return this;
			}

			/**
			 * Delete a binding.
			 * @param name its name
			 * @return this builder
			 */
			public Builder deleteBinding(String name) {
				this.deleteBindings.add(name);
				return this;
			}

			/**
			 * Build the changes.
			 * @return the changes
			 */
			public Changes build() {
				return new Changes(this.expectedRevision, this.addCredentials, this.replaceCredentials,
						this.deleteCredentials, this.addBindings, this.replaceBindings, this.deleteBindings);
			}

		}

	}

}
