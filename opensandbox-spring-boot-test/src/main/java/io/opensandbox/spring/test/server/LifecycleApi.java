package io.opensandbox.spring.test.server;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.test.server.isolation.ResourceLimits;

/**
 * The lifecycle API ({@code /v1/...} and the same routes without {@code /v1}) with the
 * real server's status codes, error codes and FastAPI-style 422 validation bodies.
 *
 * @author OpenSandbox Spring Boot
 */
final class LifecycleApi {

	static final String API_KEY_HEADER = "OPEN-SANDBOX-API-KEY";

	static final String SECURE_ACCESS_HEADER = "OpenSandbox-Secure-Access";

	static final String EGRESS_AUTH_HEADER = "OPENSANDBOX-EGRESS-AUTH";

	private static final String NOT_FOUND = "DOCKER::SANDBOX_NOT_FOUND";

	private static final String INVALID_PARAMETER = "SANDBOX::INVALID_PARAMETER";

	private final SandboxServer server;

	private final Routes routes = new Routes();

	LifecycleApi(SandboxServer server) {
		this.server = server;
		this.routes.add("POST", "/sandboxes", this::create)
			.add("GET", "/sandboxes", this::list)
			.add("GET", "/sandboxes/{id}", this::get)
			.add("DELETE", "/sandboxes/{id}", this::delete)
			.add("POST", "/sandboxes/{id}/pause", this::pause)
			.add("POST", "/sandboxes/{id}/resume", this::resume)
			.add("POST", "/sandboxes/{id}/renew-expiration", this::renew)
			.add("PATCH", "/sandboxes/{id}/metadata", this::patchMetadata)
			.add("GET", "/sandboxes/{id}/endpoints/{port}", this::endpoint)
			.add("GET", "/sandboxes/{id}/diagnostics/logs", (exchange) -> diagnostics(exchange, "logs"))
			.add("GET", "/sandboxes/{id}/diagnostics/events", (exchange) -> diagnostics(exchange, "events"))
			.add("POST", "/sandboxes/{id}/snapshots", this::snapshotsUnsupported)
			.add("GET", "/sandboxes/{id}/snapshots", this::snapshotsUnsupported)
			.add("GET", "/snapshots", this::snapshotsUnsupported)
			.add("GET", "/snapshots/{id}", this::snapshotsUnsupported)
			.add("DELETE", "/snapshots/{id}", this::snapshotsUnsupported);
	}

	Publisher<Void> handle(Exchange exchange) {
		String path = exchange.path();
		if (path.equals("/health") && exchange.method().equals("GET")) {
			return exchange.json(200, Map.of("status", "healthy"));
		}
		Exchange routed = path.startsWith("/v1/") ? exchange.forPath(path.substring(3)) : exchange;
		String apiKey = this.server.settings().apiKey();
		if (apiKey != null) {
			String given = exchange.header(API_KEY_HEADER);
			if (given == null || given.isEmpty()) {
				return exchange.json(401, Json.object("code", "MISSING_API_KEY", "message",
						"Authentication credentials are missing. Provide API key via " + API_KEY_HEADER + " header."));
			}
			if (!java.security.MessageDigest.isEqual(given.getBytes(), apiKey.getBytes())) {
				return exchange.json(401, Json.object("code", "INVALID_API_KEY", "message",
						"Authentication credentials are invalid. Check your API key and try again."));
			}
		}
		Publisher<Void> answer = this.routes.dispatch(routed);
		if (answer == null) {
			return exchange.json(404, Map.of("detail", "Not Found"));
		}
		return Mono.from(answer)
			.onErrorResume(ApiException.class, (ex) -> exchange.json(ex.status(), ex.body()))
			.onErrorResume(Json.BadRequestException.class,
					(ex) -> exchange.json(422,
							Map.of("detail",
									List.of(Json.object("type", "json_invalid", "loc", List.of("body"), "msg",
											String.valueOf(ex.getMessage()))))))
			.onErrorResume(ExecdApi::unexpected, (ex) -> exchange.json(500,
					Json.object("code", "INTERNAL_ERROR", "message", String.valueOf(ex.getMessage()))));
	}

	private Mono<Void> create(Exchange exchange) {
		return exchange.body().map(Json::readObject).flatMap((body) -> {
			ServerSandbox sandbox = newSandbox(body);
			this.server.registry().put(sandbox.id(), sandbox);
			scheduleExpiry(sandbox);
			this.server.provision(sandbox);
			Duration delay = this.server.settings().creationDelay();
			Mono<Void> answer = Mono.defer(() -> exchange.json(202, sandbox.toJson(true)));
			return delay.isZero() ? answer : Mono.delay(delay).then(answer);
		});
	}

	@SuppressWarnings("unchecked")
	private ServerSandbox newSandbox(Map<String, Object> body) {
		Object limits = body.get("resourceLimits");
		if (limits != null && !(limits instanceof Map<?, ?>)) {
			throw ApiException.validation("dict_type", Exchange.location("body", "resourceLimits"),
					"Input should be a valid dictionary", limits);
		}
		Object timeout = body.get("timeout");
		Instant now = Instant.now();
		Instant expiresAt = null;
		if (timeout != null) {
			if (!(timeout instanceof Number number) || number.doubleValue() != Math.floor(number.doubleValue())) {
				throw ApiException.validation("int_type", Exchange.location("body", "timeout"),
						"Input should be a valid integer", timeout);
			}
			if (number.longValue() < 60) {
				throw ApiException.validation("greater_than_equal", Exchange.location("body", "timeout"),
						"Input should be greater than or equal to 60", timeout, Map.of("ge", 60));
			}
			if (number.doubleValue() > MAX_TIMEOUT_SECONDS) {
				throw new ApiException(400, INVALID_PARAMETER, "Sandbox timeout must not exceed " + MAX_TIMEOUT_SECONDS
						+ " seconds (the server's maximum sandbox timeout).");
			}
			expiresAt = now.plusSeconds(number.longValue());
		}
		String image = null;
		if (body.get("image") instanceof Map<?, ?> imageSpec) {
			if (!(imageSpec.get("uri") instanceof String uri) || uri.isBlank()) {
				throw ApiException.validation("missing", Exchange.location("body", "image", "uri"), "Field required",
						imageSpec);
			}
			image = uri;
		}
		else if (body.get("image") != null) {
			throw ApiException.validation("model_type", Exchange.location("body", "image"),
					"Input should be a valid dictionary or instance of ImageSpec", body.get("image"));
		}
		List<String> entrypoint = stringList(body.get("entrypoint"), "entrypoint");
		Map<String, String> metadata = stringMap(body.get("metadata"), "metadata");
		Map<String, String> env = stringMap(body.get("env"), "env");
		Object snapshotId = body.get("snapshotId");
		if ((image == null) == (snapshotId == null)) {
			throw ApiException.valueError("Exactly one of image or snapshotId must be provided.", body);
		}
		if (image != null && entrypoint.isEmpty()) {
			throw ApiException.valueError("Entrypoint is required when image is provided.", body);
		}
		if (limits == null) {
			throw ApiException.valueError("resourceLimits is required when poolRef is not provided.", body);
		}
		if (snapshotId != null) {
			throw new ApiException(400, INVALID_PARAMETER,
					"Creating a sandbox from a snapshot is not supported by the embedded OpenSandbox server.");
		}
		for (String key : metadata.keySet()) {
			rejectReserved(key);
		}
		checkMetadata(metadata);
		checkEnvironment(env, "env");
		EgressPolicy egress = null;
		if (body.get("networkPolicy") instanceof Map<?, ?> policy) {
			egress = EgressPolicy.of(policy);
		}
		Map<String, Object> platform = (body.get("platform") instanceof Map<?, ?> given)
				? new LinkedHashMap<>((Map<String, Object>) given) : null;
		boolean secureAccess = Boolean.TRUE.equals(body.get("secureAccess"));
		ResourceLimits resources;
		try {
			resources = ResourceLimits.parse(stringMap(limits, "resourceLimits"));
		}
		catch (IllegalArgumentException ex) {
			throw ApiException.validation("value_error", Exchange.location("body", "resourceLimits"),
					"Value error, " + ex.getMessage(), limits);
		}
		return new ServerSandbox(UUID.randomUUID().toString(), image, entrypoint, env, metadata, platform, egress,
				secureAccess, now, expiresAt, resources);
	}

	/**
	 * Most metadata entries, and longest key and value, of one sandbox: metadata is held
	 * in memory and returned by every list.
	 */
	static final int MAX_METADATA_ENTRIES = 64;

	static final int MAX_METADATA_KEY = 253;

	static final int MAX_METADATA_VALUE = 4096;

	/**
	 * The longest sandbox timeout accepted (30 days).
	 */
	static final long MAX_TIMEOUT_SECONDS = 30L * 24 * 3600;

	static void checkMetadata(Map<String, String> metadata) {
		if (metadata.size() > MAX_METADATA_ENTRIES) {
			throw ApiException.validation("too_long", Exchange.location("body", "metadata"),
					"Metadata should have at most " + MAX_METADATA_ENTRIES + " entries", null,
					Map.of("max_length", MAX_METADATA_ENTRIES));
		}
		metadata.forEach((key, value) -> {
			if (key.isEmpty() || key.length() > MAX_METADATA_KEY) {
				throw ApiException.validation("string_too_long", Exchange.location("body", "metadata", key),
						"Metadata keys should have 1 to " + MAX_METADATA_KEY + " characters", key,
						Map.of("max_length", MAX_METADATA_KEY));
			}
			if (value.length() > MAX_METADATA_VALUE) {
				throw ApiException.validation("string_too_long", Exchange.location("body", "metadata", key),
						"String should have at most " + MAX_METADATA_VALUE + " characters", null,
						Map.of("max_length", MAX_METADATA_VALUE));
			}
		});
	}

	/*
	 * Environment variables a process can be given: names without {@code =} or NUL,
	 * values without NUL.
	 */
	static void checkEnvironment(Map<String, String> env, String field) {
		env.forEach((name, value) -> {
			if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
				throw ApiException.validation("value_error", Exchange.location("body", field, name),
						"Value error, environment variable names must be non-empty without '=' or NUL, and values"
								+ " without NUL",
						name);
			}
		});
	}

	private static void rejectReserved(String key) {
		if (key.startsWith("opensandbox.io/")) {
			throw new ApiException(400, "INVALID_METADATA_LABEL",
					"Metadata key '" + key + "' is reserved (opensandbox.io/ prefix).");
		}
	}

	private void scheduleExpiry(ServerSandbox sandbox) {
		sandbox.expiry(this.server.expiries().start(sandbox::expiresAt, () -> {
			if (this.server.registry().get(sandbox.id()) == sandbox) {
				this.server.remove(sandbox);
			}
		}));
	}

	private Mono<Void> list(Exchange exchange) {
		int page = intQuery(exchange, "page", 1, 1, Integer.MAX_VALUE);
		int pageSize = intQuery(exchange, "pageSize", 20, 1, 200);
		List<String> states = exchange.queries("state");
		Map<String, String> wanted = new LinkedHashMap<>();
		String metadata = exchange.query("metadata");
		if (metadata != null && !metadata.isBlank()) {
			for (String pair : metadata.split("&")) {
				int equals = pair.indexOf('=');
				if (equals <= 0) {
					throw new ApiException(400, INVALID_PARAMETER,
							"Invalid metadata filter '" + pair + "': expected key=value pairs joined by '&'.");
				}
				wanted.put(pair.substring(0, equals), pair.substring(equals + 1));
			}
		}
		List<ServerSandbox> matching = new ArrayList<>();
		for (ServerSandbox sandbox : this.server.registry().values()) {
			if (!states.isEmpty() && states.stream().noneMatch((state) -> state.equalsIgnoreCase(sandbox.state()))) {
				continue;
			}
			Map<String, String> actual = sandbox.metadata();
			if (wanted.entrySet().stream().allMatch((entry) -> entry.getValue().equals(actual.get(entry.getKey())))) {
				matching.add(sandbox);
			}
		}
		matching.sort(Comparator.comparing(ServerSandbox::createdAt).reversed());
		int total = matching.size();
		int totalPages = (total + pageSize - 1) / pageSize;
		int from = (int) Math.min((long) (page - 1) * pageSize, total);
		List<Map<String, Object>> items = matching.subList(from, Math.min(from + pageSize, total))
			.stream()
			.map((sandbox) -> sandbox.toJson(false))
			.toList();
		Map<String, Object> pagination = Json.object("page", page, "pageSize", pageSize, "totalItems", total,
				"totalPages", totalPages, "hasNextPage", page < totalPages);
		return exchange.json(200, Json.object("items", items, "pagination", pagination));
	}

	private Mono<Void> get(Exchange exchange) {
		return exchange.json(200, sandbox(exchange).toJson(false));
	}

	private Mono<Void> delete(Exchange exchange) {
		ServerSandbox sandbox = sandbox(exchange);
		return Mono.fromRunnable(() -> this.server.remove(sandbox))
			.subscribeOn(this.server.blocking())
			.then(exchange.empty(204));
	}

	private Mono<Void> pause(Exchange exchange) {
		ServerSandbox sandbox = sandbox(exchange);
		if (!sandbox.transitionFrom("Running", "Pausing", "sandbox_pausing")) {
			throw new ApiException(409, "DOCKER::SANDBOX_NOT_RUNNING", "Sandbox is not in a running state.");
		}
		return Mono.fromRunnable(() -> {
			this.server.files(sandbox).pause();
			sandbox.transitionFrom("Pausing", "Paused", "sandbox_paused");
		}).subscribeOn(this.server.blocking()).then(exchange.empty(202));
	}

	private Mono<Void> resume(Exchange exchange) {
		ServerSandbox sandbox = sandbox(exchange);
		if (!sandbox.transitionFrom("Paused", "Resuming", "sandbox_resuming")) {
			throw new ApiException(409, "DOCKER::SANDBOX_NOT_PAUSED", "Sandbox is not in a paused state.");
		}
		return Mono.fromRunnable(() -> {
			this.server.files(sandbox).resume();
			sandbox.transitionFrom("Resuming", "Running", "sandbox_running");
		}).subscribeOn(this.server.blocking()).then(exchange.empty(202));
	}

	private Mono<Void> renew(Exchange exchange) {
		ServerSandbox sandbox = sandbox(exchange);
		return exchange.body().map(Json::readObject).flatMap((body) -> {
			if (!(body.get("expiresAt") instanceof String text)) {
				throw ApiException.validation("missing", Exchange.location("body", "expiresAt"), "Field required",
						body);
			}
			Instant requested = Timestamps.parse(text);
			if (requested == null) {
				throw ApiException.validation("datetime_from_date_parsing", Exchange.location("body", "expiresAt"),
						"Input should be a valid datetime", text);
			}
			if (!requested.isAfter(Instant.now())) {
				throw new ApiException(400, "DOCKER::INVALID_EXPIRATION", "New expiration time must be in the future.");
			}
			if (sandbox.expiresAt() == null) {
				throw new ApiException(409, "DOCKER::INVALID_EXPIRATION",
						"Sandbox " + sandbox.id() + " does not have automatic expiration enabled.");
			}
			sandbox.expiresAt(requested);
			scheduleExpiry(sandbox);
			return exchange.json(200, Map.of("expiresAt", Timestamps.format(requested)));
		});
	}

	private Mono<Void> patchMetadata(Exchange exchange) {
		ServerSandbox sandbox = sandbox(exchange);
		return exchange.body().map(Json::readObject).flatMap((patch) -> {
			for (Map.Entry<String, Object> entry : patch.entrySet()) {
				rejectReserved(entry.getKey());
				if (entry.getValue() != null && !(entry.getValue() instanceof String)) {
					throw ApiException.validation("string_type", Exchange.location("body", entry.getKey()),
							"Input should be a valid string", entry.getValue());
				}
			}
			sandbox.patchMetadata(patch);
			return exchange.json(200, sandbox.toJson(false));
		});
	}

	private Mono<Void> endpoint(Exchange exchange) {
		ServerSandbox sandbox = sandbox(exchange);
		String portText = exchange.variable("port");
		int port;
		try {
			port = Integer.parseInt(portText);
		}
		catch (NumberFormatException ex) {
			throw ApiException.validation("int_parsing", Exchange.location("path", "port"),
					"Input should be a valid integer, unable to parse string as an integer", portText);
		}
		if (port < 1 || port > 65535) {
			throw new ApiException(400, "DOCKER::INVALID_PORT", "Port must be between 1 and 65535.");
		}
		String host = "127.0.0.1:" + this.server.port();
		boolean proxied = "true".equalsIgnoreCase(exchange.query("use_server_proxy"));
		String expires = exchange.query("expires");
		String endpoint = proxied ? host + "/sandboxes/" + sandbox.id() + "/proxy/" + port
				: host + "/" + sandbox.id() + "/" + port;
		if (expires != null) {
			if (proxied) {
				throw new ApiException(400, "SANDBOX::INVALID_PARAMETER",
						"expires cannot be combined with use_server_proxy=true");
			}
			endpoint = host + this.server.signedRoutes().path(sandbox.id(), port, expiry(expires));
		}
		Map<String, String> headers = new LinkedHashMap<>();
		if (sandbox.secureAccess()) {
			headers.put(SECURE_ACCESS_HEADER, sandbox.accessToken());
		}
		if (port == SandboxServer.EGRESS_PORT && sandbox.egress() != null) {
			headers.put(EGRESS_AUTH_HEADER, sandbox.egressToken());
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("endpoint", endpoint);
		if (!headers.isEmpty()) {
			body.put("headers", headers);
		}
		return exchange.json(200, body);
	}

	/*
	 * A diagnostics descriptor with its text inline: the lifecycle events (scope
	 * lifecycle), the entry process's last output (scope container, logs only), or both
	 * (scope all).
	 */
	private Mono<Void> diagnostics(Exchange exchange, String kind) {
		ServerSandbox sandbox = sandbox(exchange);
		String scope = exchange.query("scope");
		if (scope == null || scope.isEmpty()) {
			throw new ApiException(400, "SANDBOX::INVALID_PARAMETER", "the scope query parameter is required");
		}
		boolean lifecycle = scope.equals("lifecycle") || scope.equals("all");
		boolean container = kind.equals("logs") && (scope.equals("container") || scope.equals("all"));
		if (!lifecycle && !container) {
			throw new ApiException(400, "SANDBOX::INVALID_PARAMETER",
					"unsupported diagnostic scope '" + scope + "' for " + kind + ": this server supports "
							+ (kind.equals("logs") ? "container, lifecycle and all" : "lifecycle and all"));
		}
		StringBuilder content = new StringBuilder();
		boolean truncated = false;
		if (lifecycle) {
			content.append(sandbox.events());
		}
		if (container) {
			Map.Entry<String, Boolean> log = sandbox.log();
			content.append(log.getKey());
			truncated = log.getValue();
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("sandboxId", sandbox.id());
		body.put("kind", kind);
		body.put("scope", scope);
		body.put("delivery", "inline");
		body.put("contentType", "text/plain; charset=utf-8");
		body.put("content", content.toString());
		body.put("truncated", truncated);
		return exchange.json(200, body);
	}

	/*
	 * A signed route's expiry: whole epoch seconds, as a decimal of at most 20 digits
	 * without leading zeros, in the future.
	 */
	private static long expiry(String value) {
		if (!value.matches("0|[1-9][0-9]{0,19}")) {
			throw new ApiException(400, "SANDBOX::INVALID_PARAMETER",
					"expires must be epoch seconds (digits without leading zeros), not '" + value + "'");
		}
		java.math.BigInteger seconds = new java.math.BigInteger(value);
		long now = System.currentTimeMillis() / 1000;
		if (seconds.compareTo(java.math.BigInteger.valueOf(now)) <= 0) {
			throw new ApiException(400, "SANDBOX::INVALID_PARAMETER", "expires must be in the future");
		}
		if (seconds.bitLength() > 62) {
			throw new ApiException(400, "SANDBOX::INVALID_PARAMETER", "expires is too far in the future");
		}
		return seconds.longValue();
	}

	private Mono<Void> snapshotsUnsupported(Exchange exchange) {
		return exchange.json(501, Json.object("code", "SANDBOX::NOT_IMPLEMENTED", "message",
				"Snapshots are not supported by the embedded OpenSandbox server."));
	}

	private ServerSandbox sandbox(Exchange exchange) {
		String id = exchange.variable("id");
		ServerSandbox sandbox = this.server.registry().get(id);
		if (sandbox == null) {
			throw new ApiException(404, NOT_FOUND, "Sandbox " + id + " not found.");
		}
		return sandbox;
	}

	private static int intQuery(Exchange exchange, String name, int defaultValue, int min, int max) {
		String text = exchange.query(name);
		if (text == null) {
			return defaultValue;
		}
		int value;
		try {
			value = Integer.parseInt(text);
		}
		catch (NumberFormatException ex) {
			throw ApiException.validation("int_parsing", Exchange.location("query", name),
					"Input should be a valid integer, unable to parse string as an integer", text);
		}
		if (value < min) {
			throw ApiException.validation("greater_than_equal", Exchange.location("query", name),
					"Input should be greater than or equal to " + min, text, Map.of("ge", min));
		}
		if (value > max) {
			throw ApiException.validation("less_than_equal", Exchange.location("query", name),
					"Input should be less than or equal to " + max, text, Map.of("le", max));
		}
		return value;
	}

	private static List<String> stringList(@Nullable Object value, String field) {
		if (value == null) {
			return List.of();
		}
		if (!(value instanceof List<?> list) || list.stream().anyMatch((item) -> !(item instanceof String))) {
			throw ApiException.validation("list_type", Exchange.location("body", field),
					"Input should be a valid list of strings", value);
		}
		return list.stream().map(String.class::cast).toList();
	}

	private static Map<String, String> stringMap(@Nullable Object value, String field) {
		if (value == null) {
			return Map.of();
		}
		if (!(value instanceof Map<?, ?> map)) {
			throw ApiException.validation("dict_type", Exchange.location("body", field),
					"Input should be a valid dictionary", value);
		}
		Map<String, String> result = new LinkedHashMap<>();
		map.forEach((key, item) -> {
			if (!(item instanceof String text)) {
				throw ApiException.validation("string_type", Exchange.location("body", field, key),
						"Input should be a valid string", item);
			}
			result.put(key.toString(), text);
		});
		return result;
	}

}
