package io.opensandbox.spring.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * What a new sandbox should be: its image or snapshot, entry process, expiry, resources,
 * environment, metadata, network policy and volumes. Immutable; build one with
 * {@link #builder()}. Fields left unset take the defaults of whoever creates the sandbox.
 * Environment values may be secrets, so {@link #toString()} shows only their names.
 *
 * @param image the container image, for example {@code python:3.12}
 * @param imageAuth credentials for a private registry
 * @param snapshotId the snapshot to restore from, instead of an image
 * @param entrypoint the entry process
 * @param timeout how long the sandbox lives before the server kills it (at least 60 s)
 * @param noExpiry whether the sandbox never expires and must be killed explicitly
 * @param resourceLimits resource limits such as {@code cpu} and {@code memory}
 * @param env environment variables of the sandbox
 * @param metadata metadata for finding and filtering the sandbox
 * @param networkPolicy the outbound network policy
 * @param volumes storage mounts
 * @param extensions provider-specific parameters, passed through as they are
 * @param platform the platform constraint
 * @param secureAccess whether endpoint access requires server-issued credentials
 * @param credentialProxy whether the egress sidecar runs the credential vault proxy
 * (transparent TLS interception for credential injection); needs a network policy
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record SandboxSpec(@Nullable String image, @Nullable RegistryAuth imageAuth, @Nullable String snapshotId,
		List<String> entrypoint, @Nullable Duration timeout, boolean noExpiry, Map<String, String> resourceLimits,
		Map<String, String> env, Map<String, String> metadata, @Nullable NetworkPolicy networkPolicy,
		List<Volume> volumes, Map<String, String> extensions, @Nullable Platform platform,
		@Nullable Boolean secureAccess, @Nullable Boolean credentialProxy) {

	/** The shortest timeout the server accepts. */
	public static final Duration MINIMUM_TIMEOUT = Duration.ofSeconds(60);

	public SandboxSpec {
		Assert.isTrue(image == null || !image.isBlank(), "Sandbox image must not be blank");
		Assert.isTrue(snapshotId == null || !snapshotId.isBlank(), "Sandbox snapshot id must not be blank");
		Assert.isTrue(image == null || snapshotId == null,
				"A sandbox starts from an image or from a snapshot, not both (image '" + image + "', snapshot '"
						+ snapshotId + "')");
		Assert.isTrue(imageAuth == null || image != null, "Registry credentials need an image");
		Assert.isTrue(timeout == null || timeout.compareTo(MINIMUM_TIMEOUT) >= 0,
				() -> "Sandbox timeout must be at least 60 seconds, not " + timeout);
		Assert.isTrue(timeout == null || !noExpiry, "A sandbox cannot have both a timeout and no expiry");
		Assert.isTrue(entrypoint.stream().noneMatch((part) -> part == null), "Entrypoint must not contain null");
		Assert.isTrue(!Boolean.TRUE.equals(credentialProxy) || networkPolicy != null,
				"The credential proxy needs a network policy");
		entrypoint = List.copyOf(entrypoint);
		resourceLimits = copy(resourceLimits);
		env = copy(env);
		metadata = copy(metadata);
		volumes = List.copyOf(volumes);
		extensions = copy(extensions);
	}

	private static Map<String, String> copy(Map<String, String> map) {
		map.forEach((key, value) -> Assert.isTrue(key != null && value != null,
				() -> "Map entries must not be null (" + key + "=" + value + ")"));
		return Collections.unmodifiableMap(new LinkedHashMap<>(map));
	}

	/**
	 * Start a new, empty specification.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * A specification with the given image and nothing else.
	 * @param image the image
	 * @return the specification
	 */
	public static SandboxSpec ofImage(String image) {
		return builder().image(image).build();
	}

	/**
	 * Start a builder holding this specification.
	 * @return the builder
	 */
	public Builder toBuilder() {
		return new Builder(this);
	}

	/**
	 * Return a copy in which every field this specification leaves unset is taken from
	 * the given defaults; maps are merged with this specification's entries winning.
	 * @param defaults the defaults
	 * @return the merged specification
	 */
	public SandboxSpec withDefaults(SandboxSpec defaults) {
		Builder merged = new Builder(this);
		if (this.image == null && this.snapshotId == null) {
			merged.image = defaults.image;
			merged.imageAuth = defaults.imageAuth;
			merged.snapshotId = defaults.snapshotId;
		}
		// A snapshot restores its own entry process unless one is given explicitly
		if (this.entrypoint.isEmpty() && merged.snapshotId == null) {
			merged.entrypoint.addAll(defaults.entrypoint);
		}
		if (this.timeout == null && !this.noExpiry) {
			merged.timeout = defaults.timeout;
			merged.noExpiry = defaults.noExpiry;
		}
		merged.resourceLimits = underlay(defaults.resourceLimits, this.resourceLimits);
		merged.env = underlay(defaults.env, this.env);
		merged.metadata = underlay(defaults.metadata, this.metadata);
		merged.extensions = underlay(defaults.extensions, this.extensions);
		if (this.networkPolicy == null) {
			merged.networkPolicy = defaults.networkPolicy;
		}
		if (this.volumes.isEmpty()) {
			merged.volumes.addAll(defaults.volumes);
		}
		if (this.platform == null) {
			merged.platform = defaults.platform;
		}
		if (this.secureAccess == null) {
			merged.secureAccess = defaults.secureAccess;
		}
		if (this.credentialProxy == null) {
			merged.credentialProxy = defaults.credentialProxy;
		}
		return merged.build();
	}

	private static Map<String, String> underlay(Map<String, String> defaults, Map<String, String> values) {
		Map<String, String> merged = new LinkedHashMap<>(defaults);
		merged.putAll(values);
		return merged;
	}

	@Override
	public String toString() {
		return "SandboxSpec[image=" + this.image + ", snapshotId=" + this.snapshotId + ", entrypoint=" + this.entrypoint
				+ ", timeout=" + this.timeout + ", noExpiry=" + this.noExpiry + ", resourceLimits="
				+ this.resourceLimits + ", env=" + this.env.keySet() + ", metadata=" + this.metadata
				+ ", networkPolicy=" + this.networkPolicy + ", volumes=" + this.volumes + ", extensions="
				+ this.extensions.keySet() + ", platform=" + this.platform + ", secureAccess=" + this.secureAccess
				+ ", credentialProxy=" + this.credentialProxy + "]";
	}

	/**
	 * Mutable builder for {@link SandboxSpec}. Not thread-safe.
	 */
	public static final class Builder {

		private @Nullable String image;

		private @Nullable RegistryAuth imageAuth;

		private @Nullable String snapshotId;

		private final List<String> entrypoint = new ArrayList<>();

		private @Nullable Duration timeout;

		private boolean noExpiry;

		private Map<String, String> resourceLimits = new LinkedHashMap<>();

		private Map<String, String> env = new LinkedHashMap<>();

		private Map<String, String> metadata = new LinkedHashMap<>();

		private @Nullable NetworkPolicy networkPolicy;

		private final List<Volume> volumes = new ArrayList<>();

		private Map<String, String> extensions = new LinkedHashMap<>();

		private @Nullable Platform platform;

		private @Nullable Boolean secureAccess;

		private @Nullable Boolean credentialProxy;

		private Builder() {
		}

		private Builder(SandboxSpec spec) {
			this.image = spec.image;
			this.imageAuth = spec.imageAuth;
			this.snapshotId = spec.snapshotId;
			this.entrypoint.addAll(spec.entrypoint);
			this.timeout = spec.timeout;
			this.noExpiry = spec.noExpiry;
			this.resourceLimits.putAll(spec.resourceLimits);
			this.env.putAll(spec.env);
			this.metadata.putAll(spec.metadata);
			this.networkPolicy = spec.networkPolicy;
			this.volumes.addAll(spec.volumes);
			this.extensions.putAll(spec.extensions);
			this.platform = spec.platform;
			this.secureAccess = spec.secureAccess;
			this.credentialProxy = spec.credentialProxy;
		}

		/**
		 * Start from a container image; clears any snapshot.
		 * @param image the image, for example {@code python:3.12}
		 * @return this builder
		 */
		public Builder image(String image) {
			this.image = image;
			this.snapshotId = null;
			return this;
		}

		/**
		 * Start from a container image in a private registry; clears any snapshot.
		 * @param image the image
		 * @param auth the registry credentials
		 * @return this builder
		 */
		public Builder image(String image, RegistryAuth auth) {
			image(image);
			this.imageAuth = auth;
			return this;
		}

		/**
		 * Restore from a snapshot; clears any image.
		 * @param snapshotId the snapshot id
		 * @return this builder
		 */
		public Builder snapshot(String snapshotId) {
			this.snapshotId = snapshotId;
			this.image = null;
			this.imageAuth = null;
			return this;
		}

		/**
		 * Set the entry process, replacing any set before.
		 * @param entrypoint the executable and its arguments
		 * @return this builder
		 */
		public Builder entrypoint(String... entrypoint) {
			return entrypoint(List.of(entrypoint));
		}

		/**
		 * Set the entry process, replacing any set before.
		 * @param entrypoint the executable and its arguments
		 * @return this builder
		 */
		public Builder entrypoint(List<String> entrypoint) {
			this.entrypoint.clear();
			this.entrypoint.addAll(entrypoint);
			return this;
		}

		/**
		 * Let the server kill the sandbox after the given time (at least 60 s).
		 * @param timeout the time to live
		 * @return this builder
		 */
		public Builder timeout(Duration timeout) {
			this.timeout = timeout;
			this.noExpiry = false;
			return this;
		}

		/**
		 * Let the sandbox live until it is killed explicitly. A sandbox without expiry
		 * outlives a crashed client, so use this deliberately.
		 * @return this builder
		 */
		public Builder noExpiry() {
			this.timeout = null;
			this.noExpiry = true;
			return this;
		}

		/**
		 * Set one resource limit.
		 * @param name the resource, for example {@code cpu} or {@code memory}
		 * @param value the limit, for example {@code 500m} or {@code 512Mi}
		 * @return this builder
		 */
		public Builder resource(String name, String value) {
			this.resourceLimits.put(name, value);
			return this;
		}

		/**
		 * Set resource limits, replacing any set before.
		 * @param resourceLimits the limits
		 * @return this builder
		 */
		public Builder resourceLimits(Map<String, String> resourceLimits) {
			this.resourceLimits = new LinkedHashMap<>(resourceLimits);
			return this;
		}

		/**
		 * Set one environment variable.
		 * @param name the variable name
		 * @param value the value
		 * @return this builder
		 */
		public Builder env(String name, String value) {
			this.env.put(name, value);
			return this;
		}

		/**
		 * Set environment variables, replacing any set before.
		 * @param env the variables
		 * @return this builder
		 */
		public Builder env(Map<String, String> env) {
			this.env = new LinkedHashMap<>(env);
			return this;
		}

		/**
		 * Set one metadata entry.
		 * @param key the key (keys starting with {@code opensandbox.io/} are reserved)
		 * @param value the value
		 * @return this builder
		 */
		public Builder metadata(String key, String value) {
			this.metadata.put(key, value);
			return this;
		}

		/**
		 * Set metadata, replacing any set before.
		 * @param metadata the entries
		 * @return this builder
		 */
		public Builder metadata(Map<String, String> metadata) {
			this.metadata = new LinkedHashMap<>(metadata);
			return this;
		}

		/**
		 * Set the outbound network policy.
		 * @param networkPolicy the policy
		 * @return this builder
		 */
		public Builder networkPolicy(NetworkPolicy networkPolicy) {
			this.networkPolicy = networkPolicy;
			return this;
		}

		/**
		 * Add a storage mount.
		 * @param volume the volume
		 * @return this builder
		 */
		public Builder volume(Volume volume) {
			this.volumes.add(volume);
			return this;
		}

		/**
		 * Set one provider-specific parameter.
		 * @param key the key, for example {@code access.renew.extend.seconds}
		 * @param value the value
		 * @return this builder
		 */
		public Builder extension(String key, String value) {
			this.extensions.put(key, value);
			return this;
		}

		/**
		 * Require a platform.
		 * @param platform the platform
		 * @return this builder
		 */
		public Builder platform(Platform platform) {
			this.platform = platform;
			return this;
		}

		/**
		 * Require server-issued credentials to reach the sandbox's endpoints.
		 * @param secureAccess whether to require them
		 * @return this builder
		 */
		public Builder secureAccess(boolean secureAccess) {
			this.secureAccess = secureAccess;
			return this;
		}

		/**
		 * Start the egress sidecar with the credential vault proxy, which intercepts TLS
		 * to inject credentials. Needs a network policy.
		 * @param credentialProxy whether to enable it
		 * @return this builder
		 */
		public Builder credentialProxy(boolean credentialProxy) {
			this.credentialProxy = credentialProxy;
			return this;
		}

		/**
		 * Apply a customizer to this builder.
		 * @param customizer the customizer
		 * @return this builder
		 */
		public Builder apply(Consumer<Builder> customizer) {
			customizer.accept(this);
			return this;
		}

		/**
		 * Build the specification.
		 * @return the specification
		 * @throws IllegalArgumentException if the values are inconsistent
		 */
		public SandboxSpec build() {
			return new SandboxSpec(this.image, this.imageAuth, this.snapshotId, this.entrypoint, this.timeout,
					this.noExpiry, this.resourceLimits, this.env, this.metadata, this.networkPolicy, this.volumes,
					this.extensions, this.platform, this.secureAccess, this.credentialProxy);
		}

	}

	/**
	 * Operating system and CPU architecture a sandbox must run on.
	 *
	 * @param os the operating system, {@code linux} or {@code windows}
	 * @param arch the CPU architecture, {@code amd64} or {@code arm64}
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

	/**
	 * Credentials for pulling a sandbox image from a private registry. The password never
	 * appears in {@link #toString()}.
	 *
	 * @param username the registry user name
	 * @param password the registry password or token
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

	/**
	 * A storage mount of a sandbox: a name, a mount path and exactly one backend.
	 *
	 * @param name the volume name, a DNS label
	 * @param mountPath the absolute path inside the sandbox
	 * @param readOnly whether the mount is read-only
	 * @param subPath an optional relative sub-directory of the backend to mount
	 * @param host a host directory backend
	 * @param pvc a platform-managed named volume backend
	 * @param ossfs an Alibaba Cloud OSS backend
	 * @since 0.1.0
	 */
	public record Volume(String name, String mountPath, boolean readOnly, @Nullable String subPath, @Nullable Host host,
			@Nullable Pvc pvc, @Nullable Ossfs ossfs) {

		private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");

		public Volume {
			Assert.isTrue(name != null && name.length() <= 63 && DNS_LABEL.matcher(name).matches(),
					() -> "Volume name '" + name
							+ "' must be a DNS label (lowercase letters, digits and '-', at most 63)");
			Assert.isTrue(mountPath != null && mountPath.startsWith("/"),
					() -> "Volume mount path '" + mountPath + "' must be absolute");
			Assert.isTrue(subPath == null || (!subPath.startsWith("/") && !List.of(subPath.split("/")).contains("..")),
					() -> "Volume sub path '" + subPath + "' must be relative and must not contain '..'");
			int backends = ((host != null) ? 1 : 0) + ((pvc != null) ? 1 : 0) + ((ossfs != null) ? 1 : 0);
			Assert.isTrue(backends == 1,
					() -> "Volume '" + name + "' must have exactly one backend (host, pvc or ossfs), not " + backends);
		}

		/**
		 * A read-write mount of a host directory.
		 * @param name the volume name
		 * @param hostPath the absolute host path
		 * @param mountPath the path inside the sandbox
		 * @return the volume
		 */
		public static Volume host(String name, String hostPath, String mountPath) {
			return new Volume(name, mountPath, false, null, new Host(hostPath), null, null);
		}

		/**
		 * A read-write mount of a platform-managed named volume, created if missing.
		 * @param name the volume name
		 * @param claimName the name of the volume on the platform
		 * @param mountPath the path inside the sandbox
		 * @return the volume
		 */
		public static Volume pvc(String name, String claimName, String mountPath) {
			return new Volume(name, mountPath, false, null, null, new Pvc(claimName, null, null, null, null, List.of()),
					null);
		}

		/**
		 * Return a read-only copy of this volume.
		 * @return the read-only volume
		 */
		public Volume asReadOnly() {
			return new Volume(this.name, this.mountPath, true, this.subPath, this.host, this.pvc, this.ossfs);
		}

		/**
		 * Return a copy of this volume mounting the given sub-directory of the backend.
		 * @param subPath the relative sub-directory
		 * @return the volume
		 */
		public Volume withSubPath(String subPath) {
			return new Volume(this.name, this.mountPath, this.readOnly, subPath, this.host, this.pvc, this.ossfs);
		}

		/**
		 * Host directory backend.
		 *
		 * @param path the absolute host path, under a prefix the server allows
		 */
		public record Host(String path) {

			public Host {
				Assert.isTrue(path != null && (path.startsWith("/") || path.matches("^[A-Za-z]:[\\\\/].*")),
						() -> "Host volume path '" + path + "' must be absolute");
			}

		}

		/**
		 * SandboxSpec.Platform-managed named volume backend (a Kubernetes PVC or a Docker
		 * named volume).
		 *
		 * @param claimName the volume name on the platform
		 * @param createIfNotExists whether to create the volume when missing (server
		 * default: true)
		 * @param deleteOnSandboxTermination whether to remove an auto-created volume with
		 * the sandbox (server default: false)
		 * @param storageClass the storage class for auto-created volumes
		 * @param storage the capacity for auto-created volumes, for example {@code 1Gi}
		 * @param accessModes the access modes for auto-created volumes
		 */
		public record Pvc(String claimName, @Nullable Boolean createIfNotExists,
				@Nullable Boolean deleteOnSandboxTermination, @Nullable String storageClass, @Nullable String storage,
				List<String> accessModes) {

			public Pvc {
				Assert.isTrue(claimName != null && DNS_LABEL.matcher(claimName).matches(),
						() -> "PVC claim name '" + claimName + "' must be a DNS label");
				accessModes = List.copyOf(accessModes);
			}

		}

		/**
		 * Alibaba Cloud OSS backend. The access key secret never appears in
		 * {@link #toString()}.
		 *
		 * @param bucket the bucket name
		 * @param endpoint the OSS endpoint
		 * @param version the ossfs major version, {@code 1.0} or {@code 2.0}
		 * @param options extra mount options
		 * @param accessKeyId the access key id
		 * @param accessKeySecret the access key secret
		 */
		public record Ossfs(String bucket, String endpoint, @Nullable String version, List<String> options,
				String accessKeyId, String accessKeySecret) {

			public Ossfs {
				Assert.hasText(bucket, "'bucket' must not be empty");
				Assert.hasText(endpoint, "'endpoint' must not be empty");
				Assert.hasText(accessKeyId, "'accessKeyId' must not be empty");
				Assert.hasText(accessKeySecret, "'accessKeySecret' must not be empty");
				options = List.copyOf(options);
			}

			@Override
			public String toString() {
				return "Ossfs[bucket=" + this.bucket + ", endpoint=" + this.endpoint + ", version=" + this.version
						+ ", options=" + this.options + ", accessKeyId=" + this.accessKeyId
						+ ", accessKeySecret=******]";
			}

		}

	}

}
