package io.opensandbox.spring.client;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.error.OpenSandboxProtocolException;
import io.opensandbox.spring.model.NetworkPolicy;
import io.opensandbox.spring.model.ResultPage;
import io.opensandbox.spring.model.SandboxEndpoint;
import io.opensandbox.spring.model.SandboxInfo;
import io.opensandbox.spring.model.SandboxSpec;
import io.opensandbox.spring.model.SnapshotInfo;

/**
 * The lifecycle server's JSON shapes and their mapping to and from the model. Responses
 * are read leniently (unknown fields and states are kept or ignored, optional fields may
 * be missing); a response without a field the model cannot do without is a protocol
 * error.
 *
 * @author OpenSandbox Spring Boot
 */
final class LifecycleWire {

	private LifecycleWire() {
	}

	static Map<String, Object> createRequest(SandboxSpec spec) {
		Map<String, Object> body = new LinkedHashMap<>();
		if (spec.image() != null) {
			Map<String, Object> image = new LinkedHashMap<>();
			image.put("uri", spec.image());
			if (spec.imageAuth() != null) {
				image.put("auth",
						Map.of("username", spec.imageAuth().username(), "password", spec.imageAuth().password()));
			}
			body.put("image", image);
		}
		putIfPresent(body, "snapshotId", spec.snapshotId());
		if (!spec.entrypoint().isEmpty()) {
			body.put("entrypoint", spec.entrypoint());
		}
		// An absent timeout means "never expires" to the server, so it is only ever left
		// out on purpose.
		body.put("timeout", (spec.timeout() != null) ? spec.timeout().toSeconds() : null);
		putIfNotEmpty(body, "resourceLimits", spec.resourceLimits());
		putIfNotEmpty(body, "env", spec.env());
		putIfNotEmpty(body, "metadata", spec.metadata());
		if (spec.networkPolicy() != null) {
			body.put("networkPolicy", networkPolicy(spec.networkPolicy()));
		}
		if (!spec.volumes().isEmpty()) {
			body.put("volumes", spec.volumes().stream().map(LifecycleWire::volume).toList());
		}
		putIfNotEmpty(body, "extensions", spec.extensions());
		if (spec.platform() != null) {
			body.put("platform", Map.of("os", spec.platform().os(), "arch", spec.platform().arch()));
		}
		putIfPresent(body, "secureAccess", spec.secureAccess());
		if (spec.credentialProxy() != null) {
			body.put("credentialProxy", Map.of("enabled", spec.credentialProxy()));
		}
		return body;
	}

	static Map<String, Object> networkPolicy(NetworkPolicy policy) {
		Map<String, Object> body = new LinkedHashMap<>();
		if (policy.defaultAction() != null) {
			body.put("defaultAction", policy.defaultAction().wireValue());
		}
		body.put("egress", policy.egress().stream().map(LifecycleWire::rule).toList());
		return body;
	}

	static Map<String, Object> rule(NetworkPolicy.Rule rule) {
		return Map.of("action", rule.action().wireValue(), "target", rule.target());
	}

	private static Map<String, Object> volume(SandboxSpec.Volume volume) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("name", volume.name());
		if (volume.host() != null) {
			body.put("host", Map.of("path", volume.host().path()));
		}
		if (volume.pvc() != null) {
			SandboxSpec.Volume.Pvc pvc = volume.pvc();
			Map<String, Object> backend = new LinkedHashMap<>();
			backend.put("claimName", pvc.claimName());
			putIfPresent(backend, "createIfNotExists", pvc.createIfNotExists());
			putIfPresent(backend, "deleteOnSandboxTermination", pvc.deleteOnSandboxTermination());
			putIfPresent(backend, "storageClass", pvc.storageClass());
			putIfPresent(backend, "storage", pvc.storage());
			if (!pvc.accessModes().isEmpty()) {
				backend.put("accessModes", pvc.accessModes());
			}
			body.put("pvc", backend);
		}
		if (volume.ossfs() != null) {
			SandboxSpec.Volume.Ossfs ossfs = volume.ossfs();
			Map<String, Object> backend = new LinkedHashMap<>();
			backend.put("bucket", ossfs.bucket());
			backend.put("endpoint", ossfs.endpoint());
			putIfPresent(backend, "version", ossfs.version());
			if (!ossfs.options().isEmpty()) {
				backend.put("options", ossfs.options());
			}
			backend.put("accessKeyId", ossfs.accessKeyId());
			backend.put("accessKeySecret", ossfs.accessKeySecret());
			body.put("ossfs", backend);
		}
		body.put("mountPath", volume.mountPath());
		if (volume.readOnly()) {
			body.put("readOnly", true);
		}
		putIfPresent(body, "subPath", volume.subPath());
		return body;
	}

	private static void putIfPresent(Map<String, Object> body, String key, @Nullable Object value) {
		if (value != null) {
			body.put(key, value);
		}
	}

	private static void putIfNotEmpty(Map<String, Object> body, String key, Map<String, String> value) {
		if (!value.isEmpty()) {
			body.put(key, value);
		}
	}

	static <T> T require(@Nullable T value, String field) {
		if (value == null) {
			throw new OpenSandboxProtocolException("Response lacks the required field '" + field + "'", null);
		}
		return value;
	}

	private static Map<String, String> withoutNulls(@Nullable Map<String, String> map) {
		if (map == null) {
			return Map.of();
		}
		Map<String, String> result = new LinkedHashMap<>();
		map.forEach((key, value) -> {
			if (key != null && value != null) {
				result.put(key, value);
			}
		});
		return result;
	}

	private static <J, T> ResultPage<T> page(@Nullable List<J> items, @Nullable PaginationJson pagination,
			Function<J, T> mapper) {
		PaginationJson paging = require(pagination, "pagination");
		List<T> mapped = new ArrayList<>();
		if (items != null) {
			items.forEach((item) -> mapped.add(mapper.apply(item)));
		}
		return new ResultPage<>(mapped, paging.page(), paging.pageSize(), paging.totalItems(), paging.totalPages(),
				paging.hasNextPage());
	}

	record SandboxJson(@Nullable String id, @Nullable ImageJson image, @Nullable String snapshotId,
			@Nullable PlatformJson platform, @Nullable StatusJson status, @Nullable Map<String, String> metadata,
			@Nullable List<String> entrypoint, @Nullable String expiresAt, @Nullable String createdAt) {

		SandboxInfo toInfo() {
			StatusJson status = require(this.status, "status");
			return new SandboxInfo(require(this.id, "id"),
					new SandboxInfo.Status(SandboxInfo.State.of(require(status.state(), "status.state")),
							status.reason(), status.message(),
							Timestamps.parse(status.lastTransitionAt(), "status.lastTransitionAt")),
					(this.image != null) ? this.image.uri() : null, this.snapshotId,
					(this.entrypoint != null) ? this.entrypoint : List.of(), withoutNulls(this.metadata),
					(this.platform != null && this.platform.os() != null && this.platform.arch() != null)
							? new SandboxSpec.Platform(this.platform.os(), this.platform.arch()) : null,
					Timestamps.parse(this.expiresAt, "expiresAt"), Timestamps.parse(this.createdAt, "createdAt"));
		}

	}

	record ImageJson(@Nullable String uri) {
	}

	record PlatformJson(@Nullable String os, @Nullable String arch) {
	}

	record StatusJson(@Nullable String state, @Nullable String reason, @Nullable String message,
			@Nullable String lastTransitionAt) {
	}

	record PaginationJson(int page, int pageSize, long totalItems, int totalPages, boolean hasNextPage) {
	}

	record SandboxListJson(@Nullable List<SandboxJson> items, @Nullable PaginationJson pagination) {

		ResultPage<SandboxInfo> toPage() {
			return page(this.items, this.pagination, SandboxJson::toInfo);
		}

	}

	record SnapshotJson(@Nullable String id, @Nullable String sandboxId, @Nullable String name,
			@Nullable StatusJson status, @Nullable String createdAt) {

		SnapshotInfo toInfo() {
			StatusJson status = require(this.status, "status");
			return new SnapshotInfo(require(this.id, "id"), require(this.sandboxId, "sandboxId"), this.name,
					new SnapshotInfo.Status(SnapshotInfo.State.of(require(status.state(), "status.state")),
							status.reason(), status.message(),
							Timestamps.parse(status.lastTransitionAt(), "status.lastTransitionAt")),
					Timestamps.parse(this.createdAt, "createdAt"));
		}

	}

	record SnapshotListJson(@Nullable List<SnapshotJson> items, @Nullable PaginationJson pagination) {

		ResultPage<SnapshotInfo> toPage() {
			return page(this.items, this.pagination, SnapshotJson::toInfo);
		}

	}

	record EndpointJson(@Nullable String endpoint, @Nullable Map<String, String> headers) {

		SandboxEndpoint toEndpoint() {
			return new SandboxEndpoint(require(this.endpoint, "endpoint"), withoutNulls(this.headers));
		}

	}

	record DiagnosticsJson(@Nullable String sandboxId, @Nullable String kind, @Nullable String scope,
			@Nullable String delivery, @Nullable String contentType, @Nullable String content,
			@Nullable String contentUrl, @Nullable Long contentLength, @Nullable String expiresAt,
			@Nullable Boolean truncated, @Nullable List<String> warnings) {

		SandboxInfo.Diagnostics toDiagnostics() {
			boolean inline = "inline".equals(this.delivery);
			if (inline ? this.content == null : this.contentUrl == null) {
				throw new OpenSandboxProtocolException("Diagnostics delivered '" + this.delivery + "' without "
						+ (inline ? "content" : "a content URL"), null);
			}
			return new SandboxInfo.Diagnostics(require(this.sandboxId, "sandboxId"), require(this.kind, "kind"),
					require(this.scope, "scope"),
					(this.contentType != null) ? this.contentType : "text/plain; charset=utf-8",
					inline ? this.content : null, inline ? null : this.contentUrl, this.contentLength,
					Timestamps.parse(this.expiresAt, "expiresAt"), Boolean.TRUE.equals(this.truncated),
					(this.warnings != null) ? this.warnings.stream().filter(java.util.Objects::nonNull).toList()
							: List.of());
		}

	}

	record ExpirationJson(@Nullable String expiresAt) {

		Instant toInstant() {
			return require(Timestamps.parse(this.expiresAt, "expiresAt"), "expiresAt");
		}

	}

	record HealthJson(@Nullable String status) {
	}

}
