package io.opensandbox.spring.client;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.util.Assert;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.DefaultUriBuilderFactory;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.model.ResultPage;
import io.opensandbox.spring.model.SandboxEndpoint;
import io.opensandbox.spring.model.SandboxInfo;
import io.opensandbox.spring.model.SandboxSpec;
import io.opensandbox.spring.model.SnapshotInfo;
import io.opensandbox.spring.observation.OpenSandboxObservations;

/**
 * Reactive client for every operation of the OpenSandbox lifecycle API
 * ({@code /v1/sandboxes}, {@code /v1/snapshots}, {@code /health}). Thread-safe. Arguments
 * are checked before anything is sent; failures are signalled as
 * {@link io.opensandbox.spring.error.OpenSandboxException}s. The API key goes on requests
 * to the lifecycle server only.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public final class LifecycleClient {

	/** Header carrying the API key. */
	public static final String API_KEY_HEADER = "OPEN-SANDBOX-API-KEY";

	/** Largest page size the server accepts. */
	public static final int MAX_PAGE_SIZE = 200;

	/** Metadata key prefix reserved by the server. */
	public static final String RESERVED_METADATA_PREFIX = "opensandbox.io/";

	private static final String POOL_REF_EXTENSION = "poolRef";

	/** The request attribute in which the WebClient keeps a request's URI template. */
	private static final String URI_TEMPLATE_ATTRIBUTE = WebClient.class.getName() + ".uriTemplate";

	private final WebClient webClient;

	private final ServerAddress address;

	private final String apiBase;

	private final OpenSandboxObservations observations;

	/**
	 * Create a client on top of a {@link WebClient.Builder}. The builder is cloned, never
	 * changed; its connector, filters and observation settings are kept.
	 * @param builder the builder to start from
	 * @param address where the server is
	 * @param apiKey the API key, or {@code null} for a server without authentication
	 * @param headers extra headers for every request
	 */
	public LifecycleClient(WebClient.Builder builder, ServerAddress address, @Nullable String apiKey,
			Map<String, String> headers) {
		this(builder, address, apiKey, headers, OpenSandboxObservations.NOOP);
	}

	/**
	 * Create a client that records an {@code opensandbox.sandbox.operation} observation
	 * for every call.
	 * @param builder the builder to start from
	 * @param address where the server is
	 * @param apiKey the API key, or {@code null} for a server without authentication
	 * @param headers extra headers for every request
	 * @param observations where observations go
	 */
	public LifecycleClient(WebClient.Builder builder, ServerAddress address, @Nullable String apiKey,
			Map<String, String> headers, OpenSandboxObservations observations) {
		Assert.notNull(builder, "'builder' must not be null");
		Assert.notNull(observations, "'observations' must not be null");
		this.observations = observations;
		Assert.notNull(address, "'address' must not be null");
		this.address = address;
		this.apiBase = address.apiBase().toString();
		boolean withKey = apiKey != null && !apiKey.isEmpty();
		WebClient.Builder lifecycle = builder.clone()
			.uriBuilderFactory(new DefaultUriBuilderFactory(address.apiBase().toString()))
			.defaultHeaders((defaults) -> {
				defaults.set(HttpHeaders.USER_AGENT, userAgent());
				headers.forEach(defaults::set);
				if (withKey) {
					defaults.set(API_KEY_HEADER, apiKey);
				}
			})
			.codecs(WireJson::configure);
		if (withKey) {
			lifecycle.filter(apiKeyFilter(address.root()));
		}
		this.webClient = lifecycle.build();
	}

	/*
	 * Takes the API key off any request that a filter sent elsewhere than the lifecycle
	 * server's origin, so that it can never reach another host through this client. The
	 * filter is the last one, so it sees the URL that is really requested.
	 */
	private static ExchangeFilterFunction apiKeyFilter(URI root) {
		return (request, next) -> {
			if (sameOrigin(request.url(), root)) {
				return next.exchange(request);
			}
			return next.exchange(ClientRequest.from(request).headers((h) -> h.remove(API_KEY_HEADER)).build());
		};
	}

	private static boolean sameOrigin(URI url, URI root) {
		return url.getScheme().equalsIgnoreCase(root.getScheme()) && url.getHost().equalsIgnoreCase(root.getHost())
				&& port(url) == port(root);
	}

	private static int port(URI uri) {
		if (uri.getPort() != -1) {
			return uri.getPort();
		}
		return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
	}

	/**
	 * Where this client sends its requests.
	 * @return the server address
	 */
	public ServerAddress getAddress() {
		return this.address;
	}

	/**
	 * List one page of sandboxes.
	 * @param filter which sandboxes to list
	 * @param page the page number, from 1
	 * @param pageSize the page size, 1 to 200
	 * @return the page
	 */
	public Mono<ResultPage<SandboxInfo>> list(SandboxInfo.Filter filter, int page, int pageSize) {
		checkPaging(page, pageSize);
		Map<String, Object> variables = new LinkedHashMap<>();
		List<String> query = new ArrayList<>();
		int index = 0;
		for (SandboxInfo.State state : filter.states()) {
			String name = "state" + index++;
			query.add("state={" + name + "}");
			variables.put(name, state.value());
		}
		if (!filter.metadata().isEmpty()) {
			query.add("metadata={metadata}");
			variables.put("metadata", metadataFilter(filter.metadata()));
		}
		query.add("page={page}");
		query.add("pageSize={pageSize}");
		variables.put("page", page);
		variables.put("pageSize", pageSize);
		String template = "/sandboxes?" + String.join("&", query);
		return this.observations.operation("list", null,
				call(HttpMethod.GET, template, this.webClient.get().uri(template, variables).retrieve(),
						LifecycleWire.SandboxListJson.class)
					.map(LifecycleWire.SandboxListJson::toPage));
	}

	/**
	 * Encode a metadata filter the way the official SDKs do: {@code k1=v1&k2=v2} in one
	 * query parameter (encoded as a whole when the request is built). Keys and values are
	 * form-encoded first, which leaves valid metadata unchanged and keeps a stray
	 * {@code &}, {@code =} or {@code %} from changing the filter.
	 * @param metadata the entries to match
	 * @return the parameter value
	 */
	static String metadataFilter(Map<String, String> metadata) {
		return metadata.entrySet()
			.stream()
			.map((entry) -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
			.collect(Collectors.joining("&"));
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("%2F", "/");
	}

	/**
	 * Create a sandbox. The server answers at once with the sandbox in {@code Pending}
	 * state; it becomes {@code Running} later.
	 * @param spec what to create; needs an image or a snapshot, resource limits, an entry
	 * process for images, and a timeout or an explicit no-expiry
	 * @return the new sandbox as the server reports it
	 */
	public Mono<SandboxInfo> create(SandboxSpec spec) {
		checkCreatable(spec);
		return this.observations.operation("create", null,
				call(HttpMethod.POST, "/sandboxes",
						this.webClient.post()
							.uri("/sandboxes")
							.contentType(MediaType.APPLICATION_JSON)
							.bodyValue(LifecycleWire.createRequest(spec))
							.retrieve(),
						LifecycleWire.SandboxJson.class)
					.map(LifecycleWire.SandboxJson::toInfo));
	}

	private static void checkCreatable(SandboxSpec spec) {
		Assert.notNull(spec, "'spec' must not be null");
		boolean pool = spec.extensions().containsKey(POOL_REF_EXTENSION);
		Assert.isTrue(pool || spec.image() != null || spec.snapshotId() != null,
				"A sandbox needs an image or a snapshot id");
		Assert.isTrue(!pool || spec.snapshotId() == null, "A pool sandbox cannot be restored from a snapshot");
		Assert.isTrue(pool || spec.image() == null || !spec.entrypoint().isEmpty(),
				"A sandbox created from an image needs an entrypoint, for example [tail, -f, /dev/null]");
		Assert.isTrue(pool || !spec.resourceLimits().isEmpty(),
				"A sandbox needs resource limits, for example cpu=1 and memory=2Gi");
		Assert.isTrue(spec.timeout() != null || spec.noExpiry(),
				"A sandbox needs a timeout, or noExpiry() to live until it is killed explicitly");
		checkMetadataKeys(spec.metadata());
	}

	private static void checkMetadataKeys(Map<String, ?> metadata) {
		metadata.keySet()
			.forEach((key) -> Assert.isTrue(!key.startsWith(RESERVED_METADATA_PREFIX),
					() -> "Metadata key '" + key + "' uses the reserved prefix '" + RESERVED_METADATA_PREFIX + "'"));
	}

	/**
	 * Get a sandbox.
	 * @param sandboxId the sandbox id
	 * @return the sandbox
	 */
	public Mono<SandboxInfo> get(String sandboxId) {
		String id = Identifiers.require(sandboxId, "Sandbox id");
		return this.observations.operation("get", id,
				call(HttpMethod.GET, "/sandboxes/{sandboxId}",
						at(this.webClient.get(), "/sandboxes/{sandboxId}", id).retrieve(),
						LifecycleWire.SandboxJson.class)
					.map(LifecycleWire.SandboxJson::toInfo));
	}

	/**
	 * Get a sandbox in one attempt, without the retry filter: for a caller that asks
	 * again on its own schedule.
	 * @param sandboxId the sandbox id
	 * @return the sandbox
	 */
	public Mono<SandboxInfo> poll(String sandboxId) {
		String id = Identifiers.require(sandboxId, "Sandbox id");
		return this.observations.operation("get", id,
				call(HttpMethod.GET, "/sandboxes/{sandboxId}",
						at(this.webClient.get(), "/sandboxes/{sandboxId}", id)
							.attribute(RetryFilter.SINGLE_ATTEMPT, true)
							.retrieve(),
						LifecycleWire.SandboxJson.class)
					.map(LifecycleWire.SandboxJson::toInfo));
	}

	/**
	 * Delete (kill) a sandbox. A sandbox that does not exist is an
	 * {@link io.opensandbox.spring.error.OpenSandboxApiException.NotFound}.
	 * @param sandboxId the sandbox id
	 * @return completes when the server accepted the deletion
	 */
	public Mono<Void> delete(String sandboxId) {
		String id = Identifiers.require(sandboxId, "Sandbox id");
		return this.observations.operation("kill", id, call(HttpMethod.DELETE, "/sandboxes/{sandboxId}",
				at(this.webClient.delete(), "/sandboxes/{sandboxId}", id).retrieve(), Void.class));
	}

	/**
	 * Ask the server to pause a sandbox; it passes through {@code Pausing} to
	 * {@code Paused}.
	 * @param sandboxId the sandbox id
	 * @return completes when the server accepted the request
	 */
	public Mono<Void> pause(String sandboxId) {
		return this.observations.operation("pause", sandboxId,
				postWithoutBody("/sandboxes/{sandboxId}/pause", Identifiers.require(sandboxId, "Sandbox id")));
	}

	/**
	 * Ask the server to resume a paused sandbox; it passes through {@code Resuming} to
	 * {@code Running}.
	 * @param sandboxId the sandbox id
	 * @return completes when the server accepted the request
	 */
	public Mono<Void> resume(String sandboxId) {
		return this.observations.operation("resume", sandboxId,
				postWithoutBody("/sandboxes/{sandboxId}/resume", Identifiers.require(sandboxId, "Sandbox id")));
	}

	private Mono<Void> postWithoutBody(String template, String id) {
		// Pausing or resuming twice has the effect of doing it once
		return call(HttpMethod.POST, template,
				at(this.webClient.post(), template, id).attribute(RetryFilter.IDEMPOTENT, true).retrieve(), Void.class);
	}

	/**
	 * Set a new absolute expiry, which must be later than the current one.
	 * @param sandboxId the sandbox id
	 * @param expiresAt the new expiry
	 * @return the expiry the server set
	 */
	public Mono<Instant> renewExpiration(String sandboxId, Instant expiresAt) {
		String id = Identifiers.require(sandboxId, "Sandbox id");
		Assert.notNull(expiresAt, "'expiresAt' must not be null");
		return this.observations.operation("renew", id,
				call(HttpMethod.POST, "/sandboxes/{sandboxId}/renew-expiration",
						at(this.webClient.post(), "/sandboxes/{sandboxId}/renew-expiration", id)
							// Setting the same absolute expiry twice is setting it once
							.attribute(RetryFilter.IDEMPOTENT, true)
							.contentType(MediaType.APPLICATION_JSON)
							.bodyValue(Map.of("expiresAt", expiresAt.toString()))
							.retrieve(),
						LifecycleWire.ExpirationJson.class)
					.map(LifecycleWire.ExpirationJson::toInstant));
	}

	/**
	 * Change a sandbox's metadata with JSON merge-patch semantics: a value adds or
	 * replaces a key, {@code null} deletes it, absent keys stay.
	 * @param sandboxId the sandbox id
	 * @param patch the changes
	 * @return the sandbox with its new metadata
	 */
	public Mono<SandboxInfo> patchMetadata(String sandboxId, Map<String, ? extends @Nullable String> patch) {
		String id = Identifiers.require(sandboxId, "Sandbox id");
		Assert.notNull(patch, "'patch' must not be null");
		checkMetadataKeys(patch);
		Map<String, @Nullable String> body = new LinkedHashMap<>(patch);
		return this.observations.operation("patch-metadata", id,
				call(HttpMethod.PATCH, "/sandboxes/{sandboxId}/metadata",
						at(this.webClient.patch(), "/sandboxes/{sandboxId}/metadata", id)
							.contentType(MediaType.APPLICATION_JSON)
							.bodyValue(body)
							.retrieve(),
						LifecycleWire.SandboxJson.class)
					.map(LifecycleWire.SandboxJson::toInfo));
	}

	/**
	 * Get diagnostic text about a sandbox ({@code GET
	 * /sandboxes/{id}/diagnostics/{kind}?scope=}). A server without the diagnostics API
	 * answers 501, an {@link io.opensandbox.spring.error.OpenSandboxApiException}.
	 * @param sandboxId the sandbox id
	 * @param kind {@code logs} or {@code events}
	 * @param scope the scope, for example {@code container}, {@code lifecycle} or
	 * {@code all}
	 * @return the diagnostics
	 */
	public Mono<SandboxInfo.Diagnostics> diagnostics(String sandboxId, String kind, String scope) {
		String id = Identifiers.require(sandboxId, "Sandbox id");
		Assert.isTrue("logs".equals(kind) || "events".equals(kind),
				() -> "Kind must be 'logs' or 'events', not '" + kind + "'");
		Assert.hasText(scope, "Scope must not be empty");
		String template = "/sandboxes/{sandboxId}/diagnostics/" + kind + "?scope={scope}";
		return this.observations.operation("diagnostics", id,
				call(HttpMethod.GET, template, this.webClient.get().uri(template, id, scope).retrieve(),
						LifecycleWire.DiagnosticsJson.class)
					.map(LifecycleWire.DiagnosticsJson::toDiagnostics));
	}

	/**
	 * Get the endpoint for a port inside a sandbox.
	 * @param sandboxId the sandbox id
	 * @param port the port inside the sandbox, 1 to 65535
	 * @param useServerProxy whether to route through the lifecycle server's proxy
	 * @param expires when a signed route should expire, or {@code null} for an unsigned
	 * route; cannot be combined with the server proxy
	 * @return the endpoint
	 */
	public Mono<SandboxEndpoint> endpoint(String sandboxId, int port, boolean useServerProxy,
			@Nullable Instant expires) {
		String id = Identifiers.require(sandboxId, "Sandbox id");
		Assert.isTrue(port >= 1 && port <= 65535, () -> "Port must be between 1 and 65535, not " + port);
		Assert.isTrue(!useServerProxy || expires == null, "A signed endpoint cannot use the server proxy");
		Map<String, Object> variables = new LinkedHashMap<>();
		variables.put("sandboxId", id);
		variables.put("port", port);
		String template = "/sandboxes/{sandboxId}/endpoints/{port}";
		if (useServerProxy) {
			template += "?use_server_proxy=true";
		}
		else if (expires != null) {
			template += "?expires={expires}";
			variables.put("expires", Math.max(0, expires.getEpochSecond()));
		}
		return this.observations.operation("endpoint", id,
				call(HttpMethod.GET, template, this.webClient.get().uri(template, variables).retrieve(),
						LifecycleWire.EndpointJson.class)
					.map(LifecycleWire.EndpointJson::toEndpoint));
	}

	/**
	 * Take a snapshot of a running sandbox. The snapshot starts in {@code Creating}.
	 * @param sandboxId the sandbox id
	 * @param name an optional name for the snapshot
	 * @return the new snapshot
	 */
	public Mono<SnapshotInfo> createSnapshot(String sandboxId, @Nullable String name) {
		String id = Identifiers.require(sandboxId, "Sandbox id");
		Assert.isTrue(name == null || !name.isBlank(), "Snapshot name must not be blank");
		Map<String, Object> body = (name != null) ? Map.of("name", name) : Map.of();
		return this.observations.operation("create-snapshot", id,
				call(HttpMethod.POST, "/sandboxes/{sandboxId}/snapshots",
						at(this.webClient.post(), "/sandboxes/{sandboxId}/snapshots", id)
							.contentType(MediaType.APPLICATION_JSON)
							.bodyValue(body)
							.retrieve(),
						LifecycleWire.SnapshotJson.class)
					.map(LifecycleWire.SnapshotJson::toInfo));
	}

	/**
	 * Get a snapshot.
	 * @param snapshotId the snapshot id
	 * @return the snapshot
	 */
	public Mono<SnapshotInfo> getSnapshot(String snapshotId) {
		String id = Identifiers.require(snapshotId, "Snapshot id");
		return this.observations.operation("get-snapshot", null,
				call(HttpMethod.GET, "/snapshots/{snapshotId}",
						at(this.webClient.get(), "/snapshots/{snapshotId}", id).retrieve(),
						LifecycleWire.SnapshotJson.class)
					.map(LifecycleWire.SnapshotJson::toInfo));
	}

	/**
	 * List one page of snapshots.
	 * @param filter which snapshots to list
	 * @param page the page number, from 1
	 * @param pageSize the page size, 1 to 200
	 * @return the page
	 */
	public Mono<ResultPage<SnapshotInfo>> listSnapshots(SnapshotInfo.Filter filter, int page, int pageSize) {
		checkPaging(page, pageSize);
		Map<String, Object> variables = new LinkedHashMap<>();
		List<String> query = new ArrayList<>();
		if (filter.sandboxId() != null) {
			query.add("sandboxId={sandboxId}");
			variables.put("sandboxId", filter.sandboxId());
		}
		int index = 0;
		for (SnapshotInfo.State state : filter.states()) {
			String name = "state" + index++;
			query.add("state={" + name + "}");
			variables.put(name, state.value());
		}
		query.add("page={page}");
		query.add("pageSize={pageSize}");
		variables.put("page", page);
		variables.put("pageSize", pageSize);
		String template = "/snapshots?" + String.join("&", query);
		return this.observations.operation("list-snapshots", null,
				call(HttpMethod.GET, template, this.webClient.get().uri(template, variables).retrieve(),
						LifecycleWire.SnapshotListJson.class)
					.map(LifecycleWire.SnapshotListJson::toPage));
	}

	/**
	 * Delete a snapshot.
	 * @param snapshotId the snapshot id
	 * @return completes when the server accepted the deletion
	 */
	public Mono<Void> deleteSnapshot(String snapshotId) {
		String id = Identifiers.require(snapshotId, "Snapshot id");
		return this.observations.operation("delete-snapshot", null, call(HttpMethod.DELETE, "/snapshots/{snapshotId}",
				at(this.webClient.delete(), "/snapshots/{snapshotId}", id).retrieve(), Void.class));
	}

	/**
	 * Ask the server whether it is healthy ({@code GET /health} at the server root; no
	 * authentication).
	 * @return the status the server reports, for example {@code healthy}
	 */
	public Mono<String> health() {
		return this.observations.operation("health", null,
				call(HttpMethod.GET + " " + this.address.healthUri(),
						this.webClient.get().uri(this.address.healthUri()).retrieve(), LifecycleWire.HealthJson.class)
					.map((health) -> LifecycleWire.require(health.status(), "status")));
	}

	/*
	 * A request for a path with one id in it, expanded here rather than by the
	 * WebClient's URI templates, which parse the template on every call (on loopback, a
	 * tenth of a whole GET). The id is encoded strictly, as the templates encode values,
	 * and the template is passed on as the WebClient would, for the HTTP client
	 * observation.
	 */
	private <S extends WebClient.RequestHeadersSpec<S>> S at(WebClient.UriSpec<S> spec, String template, String id) {
		return spec.uri(uri(template, id)).attribute(URI_TEMPLATE_ATTRIBUTE, this.apiBase + template);
	}

	private URI uri(String template, String id) {
		int start = template.indexOf('{');
		int end = template.indexOf('}', start);
		return URI.create(this.apiBase + template.substring(0, start) + UriUtils.encode(id, StandardCharsets.UTF_8)
				+ template.substring(end + 1));
	}

	private static void checkPaging(int page, int pageSize) {
		Assert.isTrue(page >= 1, () -> "Page must be at least 1, not " + page);
		Assert.isTrue(pageSize >= 1 && pageSize <= MAX_PAGE_SIZE,
				() -> "Page size must be between 1 and " + MAX_PAGE_SIZE + ", not " + pageSize);
	}

	private <T> Mono<T> call(HttpMethod method, String template, WebClient.ResponseSpec response, Class<T> type) {
		return call(method + " " + this.address.apiBase() + template, response, type);
	}

	private <T> Mono<T> call(String request, WebClient.ResponseSpec response, Class<T> type) {
		return ErrorTranslator.body(response, type, request);
	}

	static String userAgent() {
		String version = LifecycleClient.class.getPackage().getImplementationVersion();
		return "opensandbox-spring-boot/" + ((version != null) ? version : "dev");
	}

}
