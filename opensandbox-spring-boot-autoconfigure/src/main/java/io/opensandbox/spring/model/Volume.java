package io.opensandbox.spring.model;

import java.util.List;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

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
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record Volume(String name, String mountPath, boolean readOnly, @Nullable String subPath, @Nullable Host host,
		@Nullable Pvc pvc, @Nullable Ossfs ossfs) {

	private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");

	public Volume {
		Assert.isTrue(name != null && name.length() <= 63 && DNS_LABEL.matcher(name).matches(),
				() -> "Volume name '" + name + "' must be a DNS label (lowercase letters, digits and '-', at most 63)");
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
	 * Platform-managed named volume backend (a Kubernetes PVC or a Docker named volume).
	 *
	 * @param claimName the volume name on the platform
	 * @param createIfNotExists whether to create the volume when missing (server default:
	 * true)
	 * @param deleteOnSandboxTermination whether to remove an auto-created volume with the
	 * sandbox (server default: false)
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
					+ ", options=" + this.options + ", accessKeyId=" + this.accessKeyId + ", accessKeySecret=******]";
		}

	}

}
