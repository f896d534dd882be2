package io.opensandbox.spring.client;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.WriteTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;

import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.error.OpenSandboxApiException.Rejected.Violation;
import io.opensandbox.spring.error.OpenSandboxException;
import io.opensandbox.spring.error.OpenSandboxIoException;
import io.opensandbox.spring.error.OpenSandboxProtocolException;
import io.opensandbox.spring.error.OpenSandboxTimeoutException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Tests for {@link ErrorTranslator}.
 *
 * @author OpenSandbox Spring Boot
 */
class ErrorTranslatorTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String API_KEY = "sk-do-not-leak-4f3e2d1c";

	private static final String ID = "8a6b4d1e-3c2f-4e5a-9b7c-1d2e3f4a5b6c";

	private static final String PATH = "/v1/sandboxes/" + ID;

	private WireMockServer server;

	private LifecycleClient client;

	@BeforeEach
	void startServer() {
		this.server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
		this.server.start();
		this.client = clientFor(WebClient.builder(), this.server.port());
	}

	@AfterEach
	void stopServer() {
		this.server.stop();
	}

	@Test
	void badRequestWithCodeAndMessageIsRejected() {
		OpenSandboxApiException ex = failGet(json(400, """
				{"code": "SANDBOX::INVALID_PARAMETER", "message": "image.uri must not be empty"}
				"""));
		assertThat(ex).isExactlyInstanceOf(OpenSandboxApiException.Rejected.class);
		assertApiError(ex, 400, "SANDBOX::INVALID_PARAMETER", "image.uri must not be empty");
		assertThat(((OpenSandboxApiException.Rejected) ex).getViolations()).isEmpty();
		assertThat(ex).hasMessage("GET " + PATH
				+ " failed with HTTP 400 SANDBOX::INVALID_PARAMETER: image.uri must not be empty (request id req-42)");
	}

	@Test
	void validationFailureIsRejectedWithItsViolations() {
		OpenSandboxApiException ex = failGet(json(422, """
				{"detail": [{"type": "greater_than_equal", "loc": ["query", "page"],
				  "msg": "Input should be greater than or equal to 1", "input": "0", "ctx": {"ge": 1}}]}
				"""));
		assertThat(ex).isExactlyInstanceOf(OpenSandboxApiException.Rejected.class);
		assertApiError(ex, 422, null, "invalid request: [query.page: Input should be greater than or equal to 1]");
		assertThat(((OpenSandboxApiException.Rejected) ex).getViolations()).containsExactly(
				new Violation("query.page", "Input should be greater than or equal to 1", "greater_than_equal"));
	}

	@Test
	void validationFailureWithNumericLocationJoinsEveryPart() {
		OpenSandboxApiException ex = failGet(json(422, """
				{"detail": [
				  {"type": "missing", "loc": ["body", "resourceLimits"], "msg": "Field required"},
				  {"type": "string_type", "loc": ["body", "entrypoint", 0], "msg": "Input should be a valid string"}
				]}
				"""));
		assertThat(((OpenSandboxApiException.Rejected) ex).getViolations()).containsExactly(
				new Violation("body.resourceLimits", "Field required", "missing"),
				new Violation("body.entrypoint.0", "Input should be a valid string", "string_type"));
	}

	@Test
	void validationFailureWithDetailTextUsesTheText() {
		OpenSandboxApiException ex = failGet(json(400, "{\"detail\": \"Invalid metadata filter\"}"));
		assertThat(ex).isExactlyInstanceOf(OpenSandboxApiException.Rejected.class);
		assertApiError(ex, 400, null, "Invalid metadata filter");
	}

	@Test
	void unauthorizedIsAnAuthenticationFailure() {
		OpenSandboxApiException ex = failGet(json(401, """
				{"code": "INVALID_API_KEY", "message": "Authentication credentials are invalid"}
				"""));
		assertThat(ex).isExactlyInstanceOf(OpenSandboxApiException.AccessDenied.class);
		assertApiError(ex, 401, "INVALID_API_KEY", "Authentication credentials are invalid");
	}

	@Test
	void forbiddenIsAnAuthenticationFailure() {
		OpenSandboxApiException ex = failGet(json(403, """
				{"code": "SANDBOX::FORBIDDEN", "message": "Not allowed"}
				"""));
		assertThat(ex).isExactlyInstanceOf(OpenSandboxApiException.AccessDenied.class);
		assertApiError(ex, 403, "SANDBOX::FORBIDDEN", "Not allowed");
	}

	@Test
	void notFoundIsNotFound() {
		OpenSandboxApiException ex = failGet(json(404, """
				{"code": "DOCKER::SANDBOX_NOT_FOUND", "message": "Sandbox %s not found"}
				""".formatted(ID)));
		assertThat(ex).isExactlyInstanceOf(OpenSandboxApiException.NotFound.class);
		assertApiError(ex, 404, "DOCKER::SANDBOX_NOT_FOUND", "Sandbox " + ID + " not found");
	}

	@Test
	void conflictIsAConflict() {
		OpenSandboxApiException ex = failGet(json(409, """
				{"code": "DOCKER::INVALID_EXPIRATION", "message": "New expiration must be after the current one"}
				"""));
		assertThat(ex).isExactlyInstanceOf(OpenSandboxApiException.Conflict.class);
		assertApiError(ex, 409, "DOCKER::INVALID_EXPIRATION", "New expiration must be after the current one");
	}

	@Test
	void tooManyRequestsIsRateLimitedWithRetryAfter() {
		OpenSandboxApiException ex = failGet(json(429, """
				{"code": "RATE_LIMITED", "message": "Slow down"}
				""").withHeader("Retry-After", "7"));
		assertThat(ex).isExactlyInstanceOf(OpenSandboxApiException.RateLimited.class);
		assertApiError(ex, 429, "RATE_LIMITED", "Slow down");
		assertThat(((OpenSandboxApiException.RateLimited) ex).getRetryAfter()).isEqualTo(Duration.ofSeconds(7));
	}

	@Test
	void tooManyRequestsWithoutRetryAfterHasNoDelay() {
		OpenSandboxApiException ex = failGet(json(429, "{\"code\": \"RATE_LIMITED\", \"message\": \"Slow down\"}"));
		assertThat(((OpenSandboxApiException.RateLimited) ex).getRetryAfter()).isNull();
	}

	@Test
	void retryAfterIsReadAsSecondsOrHttpDate() {
		assertThat(ErrorTranslator.retryAfter(" 12 ")).isEqualTo(Duration.ofSeconds(12));
		assertThat(ErrorTranslator.retryAfter("0")).isEqualTo(Duration.ZERO);
		assertThat(ErrorTranslator.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
		assertThat(ErrorTranslator.retryAfter("Tue, 31 Dec 2999 23:59:59 GMT")).isPositive();
		assertThat(ErrorTranslator.retryAfter("-3")).isNull();
		assertThat(ErrorTranslator.retryAfter("soon")).isNull();
		assertThat(ErrorTranslator.retryAfter("")).isNull();
		assertThat(ErrorTranslator.retryAfter(null)).isNull();
	}

	@Test
	void internalServerErrorIsAServerFailure() {
		OpenSandboxApiException ex = failGet(json(500, """
				{"code": "SANDBOX::INTERNAL_ERROR", "message": "Docker daemon unavailable"}
				"""));
		assertThat(ex).isExactlyInstanceOf(OpenSandboxApiException.ServerError.class);
		assertApiError(ex, 500, "SANDBOX::INTERNAL_ERROR", "Docker daemon unavailable");
	}

	@Test
	void serviceUnavailableWithTextBodyIsAServerFailure() {
		OpenSandboxApiException ex = failGet(aResponse().withStatus(503)
			.withHeader("Content-Type", "text/plain")
			.withHeader("X-Request-ID", "req-42")
			.withBody("upstream connect error\n"));
		assertThat(ex).isExactlyInstanceOf(OpenSandboxApiException.ServerError.class);
		assertApiError(ex, 503, null, "upstream connect error");
	}

	@Test
	void textBodyBecomesTheServerMessage() {
		OpenSandboxApiException ex = failGet(aResponse().withStatus(400)
			.withHeader("Content-Type", "text/plain")
			.withHeader("X-Request-ID", "req-42")
			.withBody("rule cap exceeded"));
		assertThat(ex).isExactlyInstanceOf(OpenSandboxApiException.Rejected.class);
		assertApiError(ex, 400, null, "rule cap exceeded");
	}

	@Test
	void emptyBodyGivesAnEmptyServerMessage() {
		OpenSandboxApiException ex = failGet(aResponse().withStatus(404).withHeader("X-Request-ID", "req-42"));
		assertThat(ex).isExactlyInstanceOf(OpenSandboxApiException.NotFound.class);
		assertApiError(ex, 404, null, "");
		assertThat(ex).hasMessage("GET " + PATH + " failed with HTTP 404 (request id req-42)");
	}

	@Test
	void missingRequestIdIsNull() {
		this.server.stubFor(get(urlEqualTo(PATH)).willReturn(aResponse().withStatus(404)));
		Throwable failure = catchThrowable(() -> this.client.get(ID).block(TIMEOUT));
		assertThat(failure).isInstanceOfSatisfying(OpenSandboxApiException.NotFound.class, (ex) -> {
			assertThat(ex.getRequestId()).isNull();
			assertThat(ex).hasMessage("GET " + PATH + " failed with HTTP 404");
		});
	}

	@Test
	void execdErrorBodyBecomesTheServerMessage() {
		OpenSandboxApiException ex = failGet(json(401, "{\"error\": \"invalid access token\"}"));
		assertThat(ex).isExactlyInstanceOf(OpenSandboxApiException.AccessDenied.class);
		assertApiError(ex, 401, null, "invalid access token");
	}

	@Test
	void jsonBodyWithoutKnownFieldsIsKeptAsText() {
		OpenSandboxApiException ex = failGet(json(500, "{\"unexpected\": true}"));
		assertApiError(ex, 500, null, "{\"unexpected\": true}");
	}

	@Test
	void bodyThatLooksLikeJsonButIsNotIsKeptAsText() {
		OpenSandboxApiException ex = failGet(json(502, "{oops"));
		assertThat(ex).isExactlyInstanceOf(OpenSandboxApiException.ServerError.class);
		assertApiError(ex, 502, null, "{oops");
	}

	@Test
	void longBodyIsAbbreviated() {
		String body = "x".repeat(5000);
		OpenSandboxApiException ex = failGet(aResponse().withStatus(500)
			.withHeader("X-Request-ID", "req-42")
			.withHeader("Content-Type", "text/plain")
			.withBody(body));
		assertThat(ex.getServerMessage()).isEqualTo("x".repeat(1000) + "...");
	}

	@Test
	void otherClientErrorIsRejected() {
		OpenSandboxApiException ex = failGet(json(413, "{\"code\": \"TOO_LARGE\", \"message\": \"Too large\"}"));
		assertThat(ex).isExactlyInstanceOf(OpenSandboxApiException.Rejected.class);
		assertApiError(ex, 413, "TOO_LARGE", "Too large");
	}

	@Test
	void statusBelowClientErrorsIsAPlainApiException() {
		HttpHeaders headers = new HttpHeaders();
		headers.set("X-Request-ID", "req-1");
		OpenSandboxApiException ex = ErrorTranslator.translate("GET /v1/sandboxes", 302, headers, "");
		assertThat(ex).isExactlyInstanceOf(OpenSandboxApiException.class);
		assertThat(ex.getStatusCode()).isEqualTo(302);
		assertThat(ex.getRequestId()).isEqualTo("req-1");
	}

	@Test
	void refusedConnectionIsAnIoFailure() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		LifecycleClient unreachable = clientFor(WebClient.builder(), closedPort);
		Throwable failure = catchThrowable(() -> unreachable.get(ID).block(TIMEOUT));
		assertThat(failure).isExactlyInstanceOf(OpenSandboxIoException.class)
			.hasMessageContaining("GET http://127.0.0.1:" + closedPort + PATH)
			.hasMessageContaining("connection refused");
		assertNoApiKey(failure);
	}

	@Test
	void connectionResetIsAnIoFailure() {
		this.server.stubFor(get(urlEqualTo(PATH)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
		Throwable failure = catchThrowable(() -> this.client.get(ID).block(TIMEOUT));
		assertThat(failure).isExactlyInstanceOf(OpenSandboxIoException.class).hasMessageContaining(PATH);
		assertNoApiKey(failure);
	}

	@Test
	void emptyResponseIsAnIoFailure() {
		this.server.stubFor(get(urlEqualTo(PATH)).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));
		Throwable failure = catchThrowable(() -> this.client.get(ID).block(TIMEOUT));
		assertThat(failure).isExactlyInstanceOf(OpenSandboxIoException.class).hasMessageContaining(PATH);
		assertNoApiKey(failure);
	}

	@Test
	void malformedJsonIsAProtocolFailure() {
		this.server.stubFor(get(urlEqualTo(PATH)).willReturn(okJson("{\"id\": \"" + ID + "\", \"status\": ")));
		Throwable failure = catchThrowable(() -> this.client.get(ID).block(TIMEOUT));
		assertThat(failure).isExactlyInstanceOf(OpenSandboxProtocolException.class)
			.hasMessageContaining("unreadable response body");
		assertNoApiKey(failure);
	}

	@Test
	void responseSlowerThanTheResponseTimeoutIsATimeout() {
		this.server.stubFor(get(urlEqualTo(PATH)).willReturn(okJson("{}").withFixedDelay(3000)));
		HttpClient httpClient = HttpClient.create().responseTimeout(Duration.ofMillis(300));
		WebClient.Builder builder = WebClient.builder().clientConnector(new ReactorClientHttpConnector(httpClient));
		LifecycleClient impatient = clientFor(builder, this.server.port());
		Throwable failure = catchThrowable(() -> impatient.get(ID).block(TIMEOUT));
		assertThat(failure).isExactlyInstanceOf(OpenSandboxTimeoutException.class)
			.hasMessageContaining(PATH)
			.hasMessageContaining("no response within the read timeout");
		assertNoApiKey(failure);
	}

	@Test
	void connectTimeoutIsATimeout() {
		Throwable translated = ErrorTranslator.translate(new ConnectTimeoutException("connection timed out"),
				"GET http://host/v1/sandboxes");
		assertThat(translated).isExactlyInstanceOf(OpenSandboxTimeoutException.class)
			.hasMessage("GET http://host/v1/sandboxes: connect timed out");
	}

	@Test
	void writeTimeoutIsATimeout() {
		Throwable translated = ErrorTranslator.translate(WriteTimeoutException.INSTANCE,
				"POST http://host/v1/sandboxes");
		assertThat(translated).isExactlyInstanceOf(OpenSandboxTimeoutException.class)
			.hasMessage("POST http://host/v1/sandboxes: request could not be written in time");
	}

	@Test
	void unknownHostIsAnIoFailure() {
		Throwable translated = ErrorTranslator.translate(new IllegalStateException(new UnknownHostException("nowhere")),
				"GET http://nowhere/v1/sandboxes");
		assertThat(translated).isExactlyInstanceOf(OpenSandboxIoException.class)
			.hasMessage("GET http://nowhere/v1/sandboxes: unknown host");
	}

	@Test
	void libraryAndUnrelatedFailuresAreReturnedUnchanged() {
		OpenSandboxException library = new OpenSandboxProtocolException("bad", null);
		IllegalStateException unrelated = new IllegalStateException("bug");
		assertThat(ErrorTranslator.translate(library, "GET /x")).isSameAs(library);
		assertThat(ErrorTranslator.translate(unrelated, "GET /x")).isSameAs(unrelated);
	}

	private LifecycleClient clientFor(WebClient.Builder builder, int port) {
		return new LifecycleClient(builder, ServerAddress.of("127.0.0.1:" + port, "http"), API_KEY,
				Map.of("X-Custom", "v"));
	}

	private static ResponseDefinitionBuilder json(int status, String body) {
		return aResponse().withStatus(status)
			.withHeader("Content-Type", "application/json")
			.withHeader("X-Request-ID", "req-42")
			.withBody(body);
	}

	private OpenSandboxApiException failGet(ResponseDefinitionBuilder response) {
		this.server.stubFor(get(urlEqualTo(PATH)).willReturn(response));
		Throwable failure = catchThrowable(() -> this.client.get(ID).block(TIMEOUT));
		assertThat(failure).isInstanceOf(OpenSandboxApiException.class);
		assertNoApiKey(failure);
		assertThat(failure).hasMessageStartingWith("GET " + PATH + " failed with HTTP ");
		return (OpenSandboxApiException) failure;
	}

	private static void assertApiError(OpenSandboxApiException ex, int status, String errorCode, String message) {
		assertThat(ex.getStatusCode()).isEqualTo(status);
		assertThat(ex.getErrorCode()).isEqualTo(errorCode);
		assertThat(ex.getServerMessage()).isEqualTo(message);
		assertThat(ex.getRequestId()).isEqualTo("req-42");
	}

	private static void assertNoApiKey(Throwable failure) {
		for (Throwable candidate = failure; candidate != null; candidate = candidate.getCause()) {
			assertThat(String.valueOf(candidate.getMessage())).doesNotContain(API_KEY);
			assertThat(candidate.toString()).doesNotContain(API_KEY);
			for (Throwable suppressed : candidate.getSuppressed()) {
				assertThat(String.valueOf(suppressed.getMessage())).doesNotContain(API_KEY);
			}
			if (candidate.getCause() == candidate) {
				break;
			}
		}
	}

}
