package io.opensandbox.spring.client;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.JsonNode;

import io.opensandbox.spring.error.OpenSandboxProtocolException;
import io.opensandbox.spring.model.NetworkPolicy;
import io.opensandbox.spring.model.ResultPage;
import io.opensandbox.spring.model.SandboxEndpoint;
import io.opensandbox.spring.model.SandboxInfo;
import io.opensandbox.spring.model.SandboxSpec;
import io.opensandbox.spring.model.SnapshotInfo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.havingExactly;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.noContent;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link LifecycleClient}.
 *
 * @author OpenSandbox Spring Boot
 */
class LifecycleClientTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String ID = "8a6b4d1e-3c2f-4e5a-9b7c-1d2e3f4a5b6c";

	private static final String SANDBOX_JSON = """
			{
			  "id": "8a6b4d1e-3c2f-4e5a-9b7c-1d2e3f4a5b6c",
			  "image": {"uri": "python:3.12", "auth": null},
			  "platform": {"os": "linux", "arch": "amd64"},
			  "status": {
			    "state": "Hibernating",
			    "reason": "cold_storage",
			    "message": "Moved to cold storage",
			    "lastTransitionAt": "2025-01-01T08:00:05+08:00",
			    "progress": 42
			  },
			  "metadata": {"project": "apollo"},
			  "entrypoint": ["tail", "-f", "/dev/null"],
			  "expiresAt": "2025-01-01T01:00:00.123456Z",
			  "createdAt": "2025-01-01T00:00:00Z",
			  "updatedAt": "2025-01-01T00:00:05Z",
			  "futureField": {"nested": [1, 2, 3]}
			}
			""";

	private static final SandboxInfo SANDBOX = new SandboxInfo(ID,
			new SandboxInfo.Status(SandboxInfo.State.of("Hibernating"), "cold_storage", "Moved to cold storage",
					Instant.parse("2025-01-01T00:00:05Z")),
			"python:3.12", null, List.of("tail", "-f", "/dev/null"), Map.of("project", "apollo"),
			new SandboxSpec.Platform("linux", "amd64"), Instant.parse("2025-01-01T01:00:00.123456Z"),
			Instant.parse("2025-01-01T00:00:00Z"));

	private static final String CREATED_JSON = """
			{
			  "id": "8a6b4d1e-3c2f-4e5a-9b7c-1d2e3f4a5b6c",
			  "status": {
			    "state": "Pending",
			    "reason": "provisioning",
			    "message": "Sandbox is being provisioned",
			    "lastTransitionAt": "2025-01-01T00:00:00Z"
			  },
			  "metadata": {"project": "apollo"},
			  "expiresAt": "2025-01-01T00:10:00Z",
			  "createdAt": "2025-01-01T00:00:00Z",
			  "entrypoint": ["tail", "-f", "/dev/null"],
			  "unexpected": "tolerated"
			}
			""";

	private static final String SNAPSHOT_JSON = """
			{
			  "id": "snap-1",
			  "sandboxId": "8a6b4d1e-3c2f-4e5a-9b7c-1d2e3f4a5b6c",
			  "name": "checkpoint",
			  "status": {
			    "state": "Creating",
			    "reason": "snapshot_accepted",
			    "message": "Capture in progress",
			    "lastTransitionAt": "2025-01-01T00:00:01Z"
			  },
			  "createdAt": "2025-01-01T00:00:00Z",
			  "sizeBytes": 1024
			}
			""";

	private static final SnapshotInfo SNAPSHOT = new SnapshotInfo(
			"snap-1", ID, "checkpoint", new SnapshotInfo.Status(SnapshotInfo.State.CREATING, "snapshot_accepted",
					"Capture in progress", Instant.parse("2025-01-01T00:00:01Z")),
			Instant.parse("2025-01-01T00:00:00Z"));

	private WireMockServer server;

	private LifecycleClient client;

	@BeforeEach
	void startServer() {
		this.server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
		this.server.start();
		this.client = new LifecycleClient(WebClient.builder(), address(""), "test-key", Map.of("X-Custom", "v"));
	}

	@AfterEach
	void stopServer() {
		this.server.stop();
	}

	@Test
	void listSendsRepeatedStatesAndOneMetadataParameter() {
		this.server.stubFor(get(urlPathEqualTo("/v1/sandboxes")).willReturn(okJson("""
				{
				  "items": [%s],
				  "pagination": {"page": 2, "pageSize": 50, "totalItems": 51, "totalPages": 2, "hasNextPage": false,
				    "cursor": "ignored"},
				  "extra": true
				}
				""".formatted(SANDBOX_JSON))));
		SandboxInfo.Filter filter = SandboxInfo.Filter.all()
			.withStates(SandboxInfo.State.RUNNING, SandboxInfo.State.PAUSED)
			.withMetadata("k1", "v1")
			.withMetadata("k2", "v2");
		ResultPage<SandboxInfo> page = this.client.list(filter, 2, 50).block(TIMEOUT);
		verifyOnly(lifecycleRequest(RequestMethod.GET,
				"/v1/sandboxes?state=Running&state=Paused&metadata=k1%3Dv1%26k2%3Dv2&page=2&pageSize=50")
			.withQueryParam("state", havingExactly("Running", "Paused"))
			.withQueryParam("metadata", havingExactly("k1=v1&k2=v2"))
			.withQueryParam("page", equalTo("2"))
			.withQueryParam("pageSize", equalTo("50")));
		assertThat(onlyRequest().getUrl()).contains("metadata=k1%3Dv1%26k2%3Dv2");
		assertThat(page).isEqualTo(new ResultPage<>(List.of(SANDBOX), 2, 50, 51, 2, false));
	}

	@Test
	void listWithoutFilterSendsOnlyPaging() {
		this.server.stubFor(get(urlPathEqualTo("/v1/sandboxes")).willReturn(okJson("""
				{"items": [], "pagination": {"page": 1, "pageSize": 20, "totalItems": 0, "totalPages": 0,
				  "hasNextPage": false}}
				""")));
		ResultPage<SandboxInfo> page = this.client.list(SandboxInfo.Filter.all(), 1, 20).block(TIMEOUT);
		verifyOnly(lifecycleRequest(RequestMethod.GET, "/v1/sandboxes?page=1&pageSize=20"));
		assertThat(page).isEqualTo(new ResultPage<>(List.of(), 1, 20, 0, 0, false));
	}

	@Test
	void listWithoutPaginationIsAProtocolError() {
		this.server.stubFor(get(urlPathEqualTo("/v1/sandboxes")).willReturn(okJson("{\"items\": []}")));
		assertThatExceptionOfType(OpenSandboxProtocolException.class)
			.isThrownBy(() -> this.client.list(SandboxInfo.Filter.all(), 1, 20).block(TIMEOUT))
			.withMessageContaining("'pagination'");
	}

	@Test
	void createSendsEveryField() {
		this.server.stubFor(post(urlEqualTo("/v1/sandboxes")).willReturn(accepted(CREATED_JSON.replace("\"unexpected\"",
				"\"platform\": {\"os\": \"linux\", \"arch\": \"arm64\"}, \"unexpected\""))));
		SandboxSpec spec = SandboxSpec.builder()
			.image("registry.example.com/team/python:3.12", new SandboxSpec.RegistryAuth("robot", "hunter2"))
			.entrypoint("tail", "-f", "/dev/null")
			.timeout(Duration.ofMinutes(10))
			.resource("cpu", "500m")
			.resource("memory", "512Mi")
			.env("DEBUG", "true")
			.metadata("project", "apollo")
			.networkPolicy(NetworkPolicy.denyByDefault(NetworkPolicy.Rule.allow("pypi.org"),
					NetworkPolicy.Rule.deny("*.evil.example")))
			.volume(SandboxSpec.Volume.host("data", "/srv/data", "/data").asReadOnly())
			.volume(new SandboxSpec.Volume("cache", "/cache", false, "team-a", null,
					new SandboxSpec.Volume.Pvc("cache-claim", true, false, "fast", "1Gi", List.of("ReadWriteOnce")),
					null))
			.volume(new SandboxSpec.Volume("bucket", "/mnt/oss", false, "prefix", null, null,
					new SandboxSpec.Volume.Ossfs("my-bucket", "oss-cn-hangzhou.aliyuncs.com", "2.0",
							List.of("allow_other"), "AKID", "AKSECRET")))
			.extension("access.renew.extend.seconds", "600")
			.platform(SandboxSpec.Platform.linux("arm64"))
			.secureAccess(true)
			.credentialProxy(true)
			.build();
		SandboxInfo created = this.client.create(spec).block(TIMEOUT);
		verifyOnly(lifecycleRequest(RequestMethod.POST, "/v1/sandboxes")
			.withHeader("Content-Type", matching("application/json.*"))
			.withRequestBody(equalToJson("""
					{
					  "image": {
					    "uri": "registry.example.com/team/python:3.12",
					    "auth": {"username": "robot", "password": "hunter2"}
					  },
					  "entrypoint": ["tail", "-f", "/dev/null"],
					  "timeout": 600,
					  "resourceLimits": {"cpu": "500m", "memory": "512Mi"},
					  "env": {"DEBUG": "true"},
					  "metadata": {"project": "apollo"},
					  "networkPolicy": {
					    "defaultAction": "deny",
					    "egress": [
					      {"action": "allow", "target": "pypi.org"},
					      {"action": "deny", "target": "*.evil.example"}
					    ]
					  },
					  "volumes": [
					    {"name": "data", "host": {"path": "/srv/data"}, "mountPath": "/data", "readOnly": true},
					    {
					      "name": "cache",
					      "pvc": {
					        "claimName": "cache-claim",
					        "createIfNotExists": true,
					        "deleteOnSandboxTermination": false,
					        "storageClass": "fast",
					        "storage": "1Gi",
					        "accessModes": ["ReadWriteOnce"]
					      },
					      "mountPath": "/cache",
					      "subPath": "team-a"
					    },
					    {
					      "name": "bucket",
					      "ossfs": {
					        "bucket": "my-bucket",
					        "endpoint": "oss-cn-hangzhou.aliyuncs.com",
					        "version": "2.0",
					        "options": ["allow_other"],
					        "accessKeyId": "AKID",
					        "accessKeySecret": "AKSECRET"
					      },
					      "mountPath": "/mnt/oss",
					      "subPath": "prefix"
					    }
					  ],
					  "extensions": {"access.renew.extend.seconds": "600"},
					  "platform": {"os": "linux", "arch": "arm64"},
					  "secureAccess": true,
					  "credentialProxy": {"enabled": true}
					}
					""")));
		assertThat(created).isEqualTo(new SandboxInfo(ID,
				new SandboxInfo.Status(SandboxInfo.State.PENDING, "provisioning", "Sandbox is being provisioned",
						Instant.parse("2025-01-01T00:00:00Z")),
				null, null, List.of("tail", "-f", "/dev/null"), Map.of("project", "apollo"),
				new SandboxSpec.Platform("linux", "arm64"), Instant.parse("2025-01-01T00:10:00Z"),
				Instant.parse("2025-01-01T00:00:00Z")));
	}

	@Test
	void createFromSnapshotSendsSnapshotIdWithoutImage() {
		this.server.stubFor(post(urlEqualTo("/v1/sandboxes")).willReturn(accepted(CREATED_JSON)));
		SandboxSpec spec = SandboxSpec.builder()
			.snapshot("snap-1")
			.timeout(Duration.ofHours(1))
			.resource("cpu", "1")
			.resource("memory", "2Gi")
			.build();
		SandboxInfo created = this.client.create(spec).block(TIMEOUT);
		verifyOnly(lifecycleRequest(RequestMethod.POST, "/v1/sandboxes").withRequestBody(equalToJson("""
				{"snapshotId": "snap-1", "timeout": 3600, "resourceLimits": {"cpu": "1", "memory": "2Gi"}}
				""")));
		assertThat(created.id()).isEqualTo(ID);
		assertThat(created.state()).isEqualTo(SandboxInfo.State.PENDING);
	}

	@Test
	void createWithNoExpirySendsNullTimeout() {
		this.server.stubFor(post(urlEqualTo("/v1/sandboxes"))
			.willReturn(accepted(CREATED_JSON.replace("\"expiresAt\": \"2025-01-01T00:10:00Z\",", ""))));
		SandboxSpec spec = SandboxSpec.builder()
			.image("python:3.12")
			.entrypoint("python", "-m", "http.server")
			.noExpiry()
			.resource("cpu", "1")
			.build();
		SandboxInfo created = this.client.create(spec).block(TIMEOUT);
		verifyOnly(lifecycleRequest(RequestMethod.POST, "/v1/sandboxes").withRequestBody(equalToJson("""
				{
				  "image": {"uri": "python:3.12"},
				  "entrypoint": ["python", "-m", "http.server"],
				  "timeout": null,
				  "resourceLimits": {"cpu": "1"}
				}
				""")));
		JsonNode body = WireJson.MAPPER.readTree(onlyRequest().getBodyAsString());
		assertThat(body.has("timeout")).isTrue();
		assertThat(body.get("timeout").isNull()).isTrue();
		assertThat(created.expiresAt()).isNull();
	}

	@Test
	void createFromPoolNeedsNeitherImageNorResources() {
		this.server.stubFor(post(urlEqualTo("/v1/sandboxes")).willReturn(accepted(CREATED_JSON)));
		SandboxSpec spec = SandboxSpec.builder()
			.extension("poolRef", "warm-python")
			.timeout(Duration.ofMinutes(5))
			.build();
		this.client.create(spec).block(TIMEOUT);
		verifyOnly(lifecycleRequest(RequestMethod.POST, "/v1/sandboxes").withRequestBody(equalToJson("""
				{"timeout": 300, "extensions": {"poolRef": "warm-python"}}
				""")));
	}

	@Test
	void getMapsEveryFieldAndToleratesUnknownFieldsAndStates() {
		this.server.stubFor(get(urlEqualTo("/v1/sandboxes/" + ID)).willReturn(okJson(SANDBOX_JSON)));
		SandboxInfo info = this.client.get(ID).block(TIMEOUT);
		verifyOnly(lifecycleRequest(RequestMethod.GET, "/v1/sandboxes/" + ID));
		assertThat(info).isEqualTo(SANDBOX);
		assertThat(info.state().value()).isEqualTo("Hibernating");
		assertThat(info.status().lastTransitionAt()).isEqualTo(Instant.parse("2025-01-01T00:00:05Z"));
	}

	@Test
	void getMapsMissingOptionalFieldsToNullOrEmpty() {
		this.server.stubFor(get(urlEqualTo("/v1/sandboxes/" + ID))
			.willReturn(okJson("{\"id\": \"" + ID + "\", \"status\": {\"state\": \"Running\"}}")));
		SandboxInfo info = this.client.get(ID).block(TIMEOUT);
		assertThat(info)
			.isEqualTo(new SandboxInfo(ID, new SandboxInfo.Status(SandboxInfo.State.RUNNING, null, null, null), null,
					null, List.of(), Map.of(), null, null, null));
	}

	@Test
	void getDropsNullMetadataValuesAndIncompletePlatform() {
		this.server.stubFor(get(urlEqualTo("/v1/sandboxes/" + ID)).willReturn(okJson("""
				{"id": "%s", "status": {"state": "Running"}, "metadata": {"kept": "yes", "gone": null},
				 "platform": {"os": "linux"}, "snapshotId": "snap-1"}
				""".formatted(ID))));
		SandboxInfo info = this.client.get(ID).block(TIMEOUT);
		assertThat(info.metadata()).containsExactly(Map.entry("kept", "yes"));
		assertThat(info.platform()).isNull();
		assertThat(info.snapshotId()).isEqualTo("snap-1");
	}

	@Test
	void getReadsTimestampsWithoutOffsetAsUtc() {
		this.server.stubFor(get(urlEqualTo("/v1/sandboxes/" + ID)).willReturn(okJson("""
				{"id": "%s", "status": {"state": "Running"}, "createdAt": "2025-01-01T08:00:00.5"}
				""".formatted(ID))));
		SandboxInfo info = this.client.get(ID).block(TIMEOUT);
		assertThat(info.createdAt()).isEqualTo(Instant.parse("2025-01-01T08:00:00.5Z"));
	}

	@Test
	void getWithUnreadableTimestampIsAProtocolError() {
		this.server.stubFor(get(urlEqualTo("/v1/sandboxes/" + ID)).willReturn(okJson("""
				{"id": "%s", "status": {"state": "Running"}, "createdAt": "yesterday"}
				""".formatted(ID))));
		assertThatExceptionOfType(OpenSandboxProtocolException.class)
			.isThrownBy(() -> this.client.get(ID).block(TIMEOUT))
			.withMessageContaining("createdAt")
			.withMessageContaining("yesterday");
	}

	@Test
	void getWithoutIdOrStateIsAProtocolError() {
		this.server
			.stubFor(get(urlEqualTo("/v1/sandboxes/a")).willReturn(okJson("{\"status\": {\"state\": \"Running\"}}")));
		this.server.stubFor(get(urlEqualTo("/v1/sandboxes/b")).willReturn(okJson("{\"id\": \"b\", \"status\": {}}")));
		assertThatExceptionOfType(OpenSandboxProtocolException.class)
			.isThrownBy(() -> this.client.get("a").block(TIMEOUT))
			.withMessageContaining("'id'");
		assertThatExceptionOfType(OpenSandboxProtocolException.class)
			.isThrownBy(() -> this.client.get("b").block(TIMEOUT))
			.withMessageContaining("'status.state'");
	}

	@Test
	void deleteSendsDeleteAndCompletesOnNoContent() {
		this.server.stubFor(delete(urlEqualTo("/v1/sandboxes/" + ID)).willReturn(noContent()));
		this.client.delete(ID).block(TIMEOUT);
		verifyOnly(lifecycleRequest(RequestMethod.DELETE, "/v1/sandboxes/" + ID));
	}

	@Test
	void pauseSendsPostWithoutBodyAndCompletesOnAccepted() {
		this.server.stubFor(post(urlEqualTo("/v1/sandboxes/" + ID + "/pause")).willReturn(aResponse().withStatus(202)));
		this.client.pause(ID).block(TIMEOUT);
		verifyOnly(lifecycleRequest(RequestMethod.POST, "/v1/sandboxes/" + ID + "/pause"));
		assertThat(onlyRequest().getBody()).isEmpty();
	}

	@Test
	void resumeSendsPostWithoutBodyAndCompletesOnAccepted() {
		this.server
			.stubFor(post(urlEqualTo("/v1/sandboxes/" + ID + "/resume")).willReturn(aResponse().withStatus(202)));
		this.client.resume(ID).block(TIMEOUT);
		verifyOnly(lifecycleRequest(RequestMethod.POST, "/v1/sandboxes/" + ID + "/resume"));
		assertThat(onlyRequest().getBody()).isEmpty();
	}

	@Test
	void renewExpirationSendsAbsoluteUtcExpiryAndReadsTheNewOne() {
		this.server.stubFor(post(urlEqualTo("/v1/sandboxes/" + ID + "/renew-expiration"))
			.willReturn(okJson("{\"expiresAt\": \"2025-06-01T14:30:00.250+02:00\"}")));
		Instant expiresAt = this.client.renewExpiration(ID, Instant.parse("2025-06-01T12:30:00Z")).block(TIMEOUT);
		verifyOnly(lifecycleRequest(RequestMethod.POST, "/v1/sandboxes/" + ID + "/renew-expiration")
			.withHeader("Content-Type", matching("application/json.*"))
			.withRequestBody(equalToJson("{\"expiresAt\": \"2025-06-01T12:30:00Z\"}")));
		assertThat(expiresAt).isEqualTo(Instant.parse("2025-06-01T12:30:00.250Z"));
	}

	@Test
	void renewExpirationWithoutExpiryInResponseIsAProtocolError() {
		this.server.stubFor(post(urlEqualTo("/v1/sandboxes/" + ID + "/renew-expiration")).willReturn(okJson("{}")));
		assertThatExceptionOfType(OpenSandboxProtocolException.class)
			.isThrownBy(() -> this.client.renewExpiration(ID, Instant.parse("2025-06-01T12:30:00Z")).block(TIMEOUT))
			.withMessageContaining("expiresAt");
	}

	@Test
	void patchMetadataKeepsNullValuesAsJsonNull() {
		this.server.stubFor(patch(urlEqualTo("/v1/sandboxes/" + ID + "/metadata")).willReturn(okJson(SANDBOX_JSON)));
		Map<String, String> changes = new LinkedHashMap<>();
		changes.put("project", "apollo");
		changes.put("team", null);
		SandboxInfo info = this.client.patchMetadata(ID, changes).block(TIMEOUT);
		verifyOnly(lifecycleRequest(RequestMethod.PATCH, "/v1/sandboxes/" + ID + "/metadata")
			.withHeader("Content-Type", matching("application/json.*"))
			.withRequestBody(equalToJson("{\"project\": \"apollo\", \"team\": null}")));
		JsonNode body = WireJson.MAPPER.readTree(onlyRequest().getBodyAsString());
		assertThat(body.has("team")).isTrue();
		assertThat(body.get("team").isNull()).isTrue();
		assertThat(info).isEqualTo(SANDBOX);
	}

	@Test
	void diagnosticsAreReadInlineOrAsADownloadUrl() {
		this.server.stubFor(get(urlPathEqualTo("/v1/sandboxes/" + ID + "/diagnostics/events")).willReturn(okJson("""
				{"sandboxId": "%s", "kind": "events", "scope": "runtime", "delivery": "inline",
				 "contentType": "text/plain; charset=utf-8", "content": "a\\nb\\n", "truncated": false,
				 "warnings": ["events older than 1h expired"]}
				""".formatted(ID))));
		this.server.stubFor(get(urlPathEqualTo("/v1/sandboxes/" + ID + "/diagnostics/logs")).willReturn(okJson("""
				{"sandboxId": "%s", "kind": "logs", "scope": "container", "delivery": "url",
				 "contentType": "text/plain; charset=utf-8", "contentUrl": "https://files.example.com/l.txt",
				 "contentLength": 10485760, "expiresAt": "2026-04-14T10:30:00Z", "truncated": true}
				""".formatted(ID))));
		SandboxInfo.Diagnostics events = this.client.diagnostics(ID, "events", "runtime").block(TIMEOUT);
		assertThat(events.isInline()).isTrue();
		assertThat(events.content()).isEqualTo("a\nb\n");
		assertThat(events.warnings()).containsExactly("events older than 1h expired");
		verifyOnly(lifecycleRequest(RequestMethod.GET, "/v1/sandboxes/" + ID + "/diagnostics/events?scope=runtime")
			.withQueryParam("scope", equalTo("runtime")));
		SandboxInfo.Diagnostics logs = this.client.diagnostics(ID, "logs", "container").block(TIMEOUT);
		assertThat(logs.isInline()).isFalse();
		assertThat(logs.contentUrl()).isEqualTo("https://files.example.com/l.txt");
		assertThat(logs.contentLength()).isEqualTo(10485760L);
		assertThat(logs.expiresAt()).isEqualTo(Instant.parse("2026-04-14T10:30:00Z"));
		assertThat(logs.truncated()).isTrue();
	}

	@Test
	void diagnosticsWithoutTheirTextAreAProtocolErrorAndAServerWithoutThemAnApiError() {
		this.server.stubFor(get(urlPathEqualTo("/v1/sandboxes/" + ID + "/diagnostics/events")).willReturn(okJson("""
				{"sandboxId": "%s", "kind": "events", "scope": "all", "delivery": "inline",
				 "contentType": "text/plain", "truncated": false}
				""".formatted(ID))));
		assertThatExceptionOfType(OpenSandboxProtocolException.class)
			.isThrownBy(() -> this.client.diagnostics(ID, "events", "all").block(TIMEOUT))
			.withMessageContaining("without content");
		this.server.stubFor(
				get(urlPathEqualTo("/v1/sandboxes/" + ID + "/diagnostics/logs")).willReturn(aResponse().withStatus(501)
					.withHeader("Content-Type", "application/json")
					.withBody("{\"code\":\"NOT_IMPLEMENTED\",\"message\":\"no diagnostics\"}")));
		assertThatExceptionOfType(io.opensandbox.spring.error.OpenSandboxApiException.class)
			.isThrownBy(() -> this.client.diagnostics(ID, "logs", "all").block(TIMEOUT))
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(501));
		assertThatIllegalArgumentException().isThrownBy(() -> this.client.diagnostics(ID, "traces", "all"));
		assertThatIllegalArgumentException().isThrownBy(() -> this.client.diagnostics(ID, "logs", " "));
	}

	@Test
	void endpointWithoutOptionsSendsNoQuery() {
		this.server.stubFor(get(urlPathEqualTo("/v1/sandboxes/" + ID + "/endpoints/44772")).willReturn(okJson("""
				{"endpoint": "10.0.0.5:44772", "headers": {"X-EXECD-ACCESS-TOKEN": "tok"}, "extra": 1}
				""")));
		SandboxEndpoint endpoint = this.client.endpoint(ID, 44772, false, null).block(TIMEOUT);
		verifyOnly(lifecycleRequest(RequestMethod.GET, "/v1/sandboxes/" + ID + "/endpoints/44772"));
		assertThat(endpoint).isEqualTo(new SandboxEndpoint("10.0.0.5:44772", Map.of("X-EXECD-ACCESS-TOKEN", "tok")));
	}

	@Test
	void endpointThroughServerProxySendsUseServerProxy() {
		this.server.stubFor(get(urlPathEqualTo("/v1/sandboxes/" + ID + "/endpoints/8080")).willReturn(okJson("""
				{"endpoint": "127.0.0.1:8080/sandboxes/%s/proxy/8080"}
				""".formatted(ID))));
		SandboxEndpoint endpoint = this.client.endpoint(ID, 8080, true, null).block(TIMEOUT);
		verifyOnly(lifecycleRequest(RequestMethod.GET, "/v1/sandboxes/" + ID + "/endpoints/8080?use_server_proxy=true")
			.withQueryParam("use_server_proxy", equalTo("true")));
		assertThat(endpoint.endpoint()).isEqualTo("127.0.0.1:8080/sandboxes/" + ID + "/proxy/8080");
		assertThat(endpoint.headers()).isEmpty();
	}

	@Test
	void endpointWithExpirySendsEpochSeconds() {
		this.server.stubFor(get(urlPathEqualTo("/v1/sandboxes/" + ID + "/endpoints/65535")).willReturn(okJson("""
				{"endpoint": "%s-65535.sandbox.example.com", "headers": {"OpenSandbox-Ingress-To": "x"}}
				""".formatted(ID))));
		SandboxEndpoint endpoint = this.client.endpoint(ID, 65535, false, Instant.parse("2026-01-01T00:00:00.900Z"))
			.block(TIMEOUT);
		verifyOnly(lifecycleRequest(RequestMethod.GET, "/v1/sandboxes/" + ID + "/endpoints/65535?expires=1767225600")
			.withQueryParam("expires", equalTo("1767225600")));
		assertThat(endpoint.headers()).containsExactly(Map.entry("OpenSandbox-Ingress-To", "x"));
	}

	@Test
	void endpointWithoutAddressIsAProtocolError() {
		this.server.stubFor(get(urlPathEqualTo("/v1/sandboxes/" + ID + "/endpoints/80")).willReturn(okJson("{}")));
		assertThatExceptionOfType(OpenSandboxProtocolException.class)
			.isThrownBy(() -> this.client.endpoint(ID, 80, false, null).block(TIMEOUT))
			.withMessageContaining("'endpoint'");
	}

	@Test
	void createSnapshotSendsNameAndReadsSnapshot() {
		this.server.stubFor(post(urlEqualTo("/v1/sandboxes/" + ID + "/snapshots")).willReturn(accepted(SNAPSHOT_JSON)));
		SnapshotInfo snapshot = this.client.createSnapshot(ID, "checkpoint").block(TIMEOUT);
		verifyOnly(lifecycleRequest(RequestMethod.POST, "/v1/sandboxes/" + ID + "/snapshots")
			.withRequestBody(equalToJson("{\"name\": \"checkpoint\"}")));
		assertThat(snapshot).isEqualTo(SNAPSHOT);
	}

	@Test
	void createSnapshotWithoutNameSendsEmptyObject() {
		this.server.stubFor(post(urlEqualTo("/v1/sandboxes/" + ID + "/snapshots")).willReturn(accepted(SNAPSHOT_JSON)));
		this.client.createSnapshot(ID, null).block(TIMEOUT);
		verifyOnly(lifecycleRequest(RequestMethod.POST, "/v1/sandboxes/" + ID + "/snapshots")
			.withRequestBody(equalToJson("{}")));
	}

	@Test
	void getSnapshotReadsSnapshotWithUnknownState() {
		this.server.stubFor(get(urlEqualTo("/v1/snapshots/snap-1"))
			.willReturn(okJson(SNAPSHOT_JSON.replace("\"Creating\"", "\"Archiving\""))));
		SnapshotInfo snapshot = this.client.getSnapshot("snap-1").block(TIMEOUT);
		verifyOnly(lifecycleRequest(RequestMethod.GET, "/v1/snapshots/snap-1"));
		assertThat(snapshot.state()).isEqualTo(SnapshotInfo.State.of("Archiving"));
		assertThat(snapshot.state().value()).isEqualTo("Archiving");
		assertThat(snapshot.sandboxId()).isEqualTo(ID);
	}

	@Test
	void getSnapshotMapsMissingOptionalFieldsToNull() {
		this.server.stubFor(get(urlEqualTo("/v1/snapshots/snap-2")).willReturn(okJson("""
				{"id": "snap-2", "sandboxId": "%s", "status": {"state": "Ready"}}
				""".formatted(ID))));
		SnapshotInfo snapshot = this.client.getSnapshot("snap-2").block(TIMEOUT);
		assertThat(snapshot).isEqualTo(new SnapshotInfo("snap-2", ID, null,
				new SnapshotInfo.Status(SnapshotInfo.State.READY, null, null, null), null));
	}

	@Test
	void listSnapshotsSendsSandboxIdRepeatedStatesAndPaging() {
		this.server.stubFor(get(urlPathEqualTo("/v1/snapshots")).willReturn(okJson("""
				{"items": [%s], "pagination": {"page": 3, "pageSize": 10, "totalItems": 21, "totalPages": 3,
				  "hasNextPage": false}}
				""".formatted(SNAPSHOT_JSON))));
		SnapshotInfo.Filter filter = SnapshotInfo.Filter.all()
			.withSandboxId(ID)
			.withStates(SnapshotInfo.State.READY, SnapshotInfo.State.CREATING);
		ResultPage<SnapshotInfo> page = this.client.listSnapshots(filter, 3, 10).block(TIMEOUT);
		verifyOnly(lifecycleRequest(RequestMethod.GET,
				"/v1/snapshots?sandboxId=" + ID + "&state=Ready&state=Creating&page=3&pageSize=10")
			.withQueryParam("state", havingExactly("Ready", "Creating")));
		assertThat(page).isEqualTo(new ResultPage<>(List.of(SNAPSHOT), 3, 10, 21, 3, false));
	}

	@Test
	void deleteSnapshotSendsDeleteAndCompletesOnNoContent() {
		this.server.stubFor(delete(urlEqualTo("/v1/snapshots/snap-1")).willReturn(noContent()));
		this.client.deleteSnapshot("snap-1").block(TIMEOUT);
		verifyOnly(lifecycleRequest(RequestMethod.DELETE, "/v1/snapshots/snap-1"));
	}

	@Test
	void healthIsReadFromTheServerRootWithoutApiVersion() {
		this.server
			.stubFor(get(urlEqualTo("/health")).willReturn(okJson("{\"status\": \"healthy\", \"version\": \"x\"}")));
		String status = this.client.health().block(TIMEOUT);
		verifyOnly(getRequestedFor(urlEqualTo("/health")).withHeader("X-Custom", equalTo("v"))
			.withHeader("User-Agent", matching("opensandbox-spring-boot/.+")));
		assertThat(status).isEqualTo("healthy");
	}

	@Test
	void healthWithUnreadableBodyNamesTheHealthUrl() {
		this.server.stubFor(get(urlEqualTo("/health")).willReturn(okJson("{\"status\": ")));
		assertThatExceptionOfType(OpenSandboxProtocolException.class)
			.isThrownBy(() -> this.client.health().block(TIMEOUT))
			.withMessageStartingWith("GET http://127.0.0.1:" + this.server.port() + "/health: ");
	}

	@Test
	void apiKeyIsTakenOffARequestThatAFilterSendsToAnotherOrigin() {
		this.server.stubFor(get(urlEqualTo("/v1/sandboxes/" + ID)).willReturn(okJson(SANDBOX_JSON)));
		// localhost is another origin than 127.0.0.1, though the same server answers
		WebClient.Builder rerouting = WebClient.builder()
			.filter((request,
					next) -> next.exchange(ClientRequest.from(request)
						.url(URI.create(request.url().toString().replace("127.0.0.1", "localhost")))
						.build()));
		new LifecycleClient(rerouting, address(""), "test-key", Map.of("X-Custom", "v")).get(ID).block(TIMEOUT);
		verifyOnly(getRequestedFor(urlEqualTo("/v1/sandboxes/" + ID)).withoutHeader(LifecycleClient.API_KEY_HEADER)
			.withHeader("X-Custom", equalTo("v")));
		assertThat(onlyRequest().getHost()).isEqualTo("localhost");
	}

	@Test
	void idsAreEncodedStrictlyInThePath() {
		String id = "sbx:1@a+b=\u00e9";
		this.server.stubFor(get(urlEqualTo("/v1/sandboxes/sbx%3A1%40a%2Bb%3D%C3%A9")).willReturn(okJson(SANDBOX_JSON)));
		this.server.stubFor(delete(urlEqualTo("/v1/sandboxes/sbx%3A1%40a%2Bb%3D%C3%A9")).willReturn(noContent()));
		this.client.get(id).block(TIMEOUT);
		this.client.delete(id).block(TIMEOUT);
		assertThat(this.server.getAllServeEvents()).hasSize(2)
			.allSatisfy((event) -> assertThat(event.getRequest().getUrl())
				.isEqualTo("/v1/sandboxes/sbx%3A1%40a%2Bb%3D%C3%A9"));
	}

	@Test
	void apiKeyIsNotSentWhenTheClientHasNone() {
		this.server.stubFor(get(urlEqualTo("/v1/sandboxes/" + ID)).willReturn(okJson(SANDBOX_JSON)));
		LifecycleClient anonymous = new LifecycleClient(WebClient.builder(), address(""), null, Map.of());
		anonymous.get(ID).block(TIMEOUT);
		verifyOnly(getRequestedFor(urlEqualTo("/v1/sandboxes/" + ID)).withoutHeader(LifecycleClient.API_KEY_HEADER)
			.withHeader("User-Agent", matching("opensandbox-spring-boot/.+")));
	}

	@Test
	void apiKeyIsNotSentWhenTheClientHasAnEmptyOne() {
		this.server.stubFor(get(urlEqualTo("/v1/sandboxes/" + ID)).willReturn(okJson(SANDBOX_JSON)));
		LifecycleClient anonymous = new LifecycleClient(WebClient.builder(), address(""), "", Map.of());
		anonymous.get(ID).block(TIMEOUT);
		verifyOnly(getRequestedFor(urlEqualTo("/v1/sandboxes/" + ID)).withoutHeader(LifecycleClient.API_KEY_HEADER));
	}

	@Test
	void pathPrefixOfTheDomainIsKept() {
		this.server.stubFor(get(urlEqualTo("/prefix/v1/sandboxes/" + ID)).willReturn(okJson(SANDBOX_JSON)));
		this.server.stubFor(get(urlEqualTo("/prefix/health")).willReturn(okJson("{\"status\": \"healthy\"}")));
		LifecycleClient prefixed = new LifecycleClient(WebClient.builder(), address("/prefix"), "test-key",
				Map.of("X-Custom", "v"));
		assertThat(prefixed.get(ID).block(TIMEOUT)).isEqualTo(SANDBOX);
		assertThat(prefixed.health().block(TIMEOUT)).isEqualTo("healthy");
		this.server.verify(1, lifecycleRequest(RequestMethod.GET, "/prefix/v1/sandboxes/" + ID));
		this.server.verify(1, getRequestedFor(urlEqualTo("/prefix/health")));
		assertThat(this.server.getAllServeEvents()).hasSize(2);
	}

	@Test
	void builderPassedToTheClientIsNotChanged() {
		this.server.stubFor(any(anyUrl()).willReturn(okJson("{}")));
		WebClient.Builder builder = WebClient.builder();
		new LifecycleClient(builder, address(""), "test-key", Map.of("X-Custom", "v"));
		builder.build().get().uri(this.server.baseUrl() + "/other").retrieve().toBodilessEntity().block(TIMEOUT);
		verifyOnly(getRequestedFor(urlEqualTo("/other")).withoutHeader(LifecycleClient.API_KEY_HEADER)
			.withoutHeader("X-Custom"));
		assertThat(onlyRequest().getHeader("User-Agent")).doesNotStartWith("opensandbox-spring-boot/");
	}

	@Test
	void getAddressReturnsTheAddress() {
		assertThat(this.client.getAddress()).isEqualTo(address(""));
	}

	@Test
	void createRejectsBlankImageBeforeSending() {
		assertRejectedBeforeSending(() -> this.client.create(creatable().image(" ").build()),
				"image must not be blank");
	}

	@Test
	void createRejectsImageWithSnapshotBeforeSending() {
		assertRejectedBeforeSending(() -> this.client.create(new SandboxSpec("python:3.12", null, "snap-1",
				List.of("tail", "-f", "/dev/null"), Duration.ofMinutes(5), false, Map.of("cpu", "1"), Map.of(),
				Map.of(), null, List.of(), Map.of(), null, null, null)), "not both");
	}

	@Test
	void createRejectsVolumeWithTwoBackendsBeforeSending() {
		assertRejectedBeforeSending(() -> this.client
			.create(creatable()
				.volume(new SandboxSpec.Volume("data", "/data", false, null, new SandboxSpec.Volume.Host("/srv/data"),
						new SandboxSpec.Volume.Pvc("claim", null, null, null, null, List.of()), null))
				.build()), "exactly one backend");
	}

	@Test
	void createRejectsTimeoutBelowSixtySecondsBeforeSending() {
		assertRejectedBeforeSending(() -> this.client.create(creatable().timeout(Duration.ofSeconds(59)).build()),
				"at least 60 seconds");
	}

	@Test
	void createRejectsMissingResourceLimitsBeforeSending() {
		assertRejectedBeforeSending(() -> this.client.create(creatable().resourceLimits(Map.of()).build()),
				"resource limits");
	}

	@Test
	void createRejectsMissingTimeoutAndNoExpiryBeforeSending() {
		assertRejectedBeforeSending(() -> this.client.create(SandboxSpec.builder()
			.image("python:3.12")
			.entrypoint("sleep", "infinity")
			.resource("cpu", "1")
			.build()), "noExpiry()");
	}

	@Test
	void createRejectsImageWithoutEntrypointBeforeSending() {
		assertRejectedBeforeSending(() -> this.client.create(creatable().entrypoint(List.of()).build()),
				"needs an entrypoint");
	}

	@Test
	void createRejectsSpecWithoutImageOrSnapshotBeforeSending() {
		assertRejectedBeforeSending(() -> this.client.create(SandboxSpec.builder()
			.entrypoint("sleep", "infinity")
			.resource("cpu", "1")
			.timeout(Duration.ofMinutes(5))
			.build()), "image or a snapshot id");
	}

	@Test
	void createRejectsPoolWithSnapshotBeforeSending() {
		assertRejectedBeforeSending(() -> this.client.create(SandboxSpec.builder()
			.snapshot("snap-1")
			.extension("poolRef", "warm")
			.timeout(Duration.ofMinutes(5))
			.build()), "pool");
	}

	@Test
	void createRejectsReservedMetadataPrefixBeforeSending() {
		assertRejectedBeforeSending(
				() -> this.client.create(creatable().metadata("opensandbox.io/owner", "me").build()),
				"opensandbox.io/");
	}

	@Test
	void patchMetadataRejectsReservedMetadataPrefixBeforeSending() {
		assertRejectedBeforeSending(() -> this.client.patchMetadata(ID, Map.of("opensandbox.io/owner", "me")),
				"reserved prefix");
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, -1, 65536 })
	void endpointRejectsPortOutOfRangeBeforeSending(int port) {
		assertRejectedBeforeSending(() -> this.client.endpoint(ID, port, false, null), "between 1 and 65535");
	}

	@Test
	void endpointRejectsServerProxyWithExpiryBeforeSending() {
		assertRejectedBeforeSending(() -> this.client.endpoint(ID, 8080, true, Instant.now()), "server proxy");
	}

	@Test
	void listRejectsPageZeroBeforeSending() {
		assertRejectedBeforeSending(() -> this.client.list(SandboxInfo.Filter.all(), 0, 20), "at least 1");
		assertRejectedBeforeSending(() -> this.client.listSnapshots(SnapshotInfo.Filter.all(), 0, 20), "at least 1");
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 201 })
	void listRejectsPageSizeOutOfRangeBeforeSending(int pageSize) {
		assertRejectedBeforeSending(() -> this.client.list(SandboxInfo.Filter.all(), 1, pageSize), "between 1 and 200");
		assertRejectedBeforeSending(() -> this.client.listSnapshots(SnapshotInfo.Filter.all(), 1, pageSize),
				"between 1 and 200");
	}

	@Test
	void listAcceptsTheLargestPageSize() {
		this.server.stubFor(get(urlPathEqualTo("/v1/sandboxes")).willReturn(okJson("""
				{"items": [], "pagination": {"page": 1, "pageSize": 200, "totalItems": 0, "totalPages": 0,
				  "hasNextPage": false}}
				""")));
		this.client.list(SandboxInfo.Filter.all(), 1, 200).block(TIMEOUT);
		verifyOnly(lifecycleRequest(RequestMethod.GET, "/v1/sandboxes?page=1&pageSize=200"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "../x", "a/b?c", "", "  ", ".", "..", "a#b", "a%2Fb", "a\\b", "a b", "a\tb" })
	void idsThatCouldChangeTheRouteAreRejectedBeforeSending(String id) {
		assertRejectedBeforeSending(() -> this.client.get(id), "id");
		assertRejectedBeforeSending(() -> this.client.delete(id), "id");
		assertRejectedBeforeSending(() -> this.client.pause(id), "id");
		assertRejectedBeforeSending(() -> this.client.resume(id), "id");
		assertRejectedBeforeSending(() -> this.client.renewExpiration(id, Instant.now()), "id");
		assertRejectedBeforeSending(() -> this.client.patchMetadata(id, Map.of("k", "v")), "id");
		assertRejectedBeforeSending(() -> this.client.endpoint(id, 8080, false, null), "id");
		assertRejectedBeforeSending(() -> this.client.createSnapshot(id, null), "id");
		assertRejectedBeforeSending(() -> this.client.getSnapshot(id), "id");
		assertRejectedBeforeSending(() -> this.client.deleteSnapshot(id), "id");
	}

	@Test
	void createSnapshotRejectsBlankNameBeforeSending() {
		assertRejectedBeforeSending(() -> this.client.createSnapshot(ID, " "), "name must not be blank");
	}

	private SandboxSpec.Builder creatable() {
		return SandboxSpec.builder()
			.image("python:3.12")
			.entrypoint("tail", "-f", "/dev/null")
			.timeout(Duration.ofMinutes(5))
			.resource("cpu", "1");
	}

	private static ResponseDefinitionBuilder accepted(String body) {
		return aResponse().withStatus(202).withHeader("Content-Type", "application/json").withBody(body);
	}

	private void assertRejectedBeforeSending(ThrowingCallable call, String reason) {
		this.server.stubFor(any(anyUrl()).willReturn(okJson("{}")));
		assertThatIllegalArgumentException().isThrownBy(call).withMessageContaining(reason);
		assertThat(this.server.getAllServeEvents()).isEmpty();
	}

	private ServerAddress address(String prefix) {
		return ServerAddress.of("127.0.0.1:" + this.server.port() + prefix, "http");
	}

	private RequestPatternBuilder lifecycleRequest(RequestMethod method, String url) {
		return RequestPatternBuilder.newRequestPattern(method, urlEqualTo(url))
			.withHeader(LifecycleClient.API_KEY_HEADER, equalTo("test-key"))
			.withHeader("X-Custom", equalTo("v"))
			.withHeader("User-Agent", matching("opensandbox-spring-boot/.+"));
	}

	private void verifyOnly(RequestPatternBuilder pattern) {
		this.server.verify(1, pattern);
		assertThat(this.server.getAllServeEvents()).hasSize(1);
	}

	private LoggedRequest onlyRequest() {
		assertThat(this.server.getAllServeEvents()).hasSize(1);
		return this.server.getAllServeEvents().get(0).getRequest();
	}

}
