package io.opensandbox.spring.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.WriteTimeoutException;
import org.jspecify.annotations.Nullable;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.codec.CodecException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.PrematureCloseException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.error.OpenSandboxException;
import io.opensandbox.spring.error.OpenSandboxIoException;
import io.opensandbox.spring.error.OpenSandboxProtocolException;
import io.opensandbox.spring.error.OpenSandboxStreamException;
import io.opensandbox.spring.error.OpenSandboxTimeoutException;
import io.opensandbox.spring.error.SandboxFileNotFoundException;

/**
 * The one place where HTTP failures become library exceptions: error responses of the
 * lifecycle server, execd and the egress sidecar (each with its own body shape), and
 * transport failures (refused or reset connections, timeouts, unreadable bodies).
 * Messages name the request by method and path; they never include headers, so no
 * credential can leak through them.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public final class ErrorTranslator {

	/** Header carrying the id of a request in the server's logs. */
	public static final String REQUEST_ID_HEADER = "X-Request-ID";

	private static final int MAX_MESSAGE_LENGTH = 1000;

	private ErrorTranslator() {
	}

	/**
	 * Whether a response status is a failure: an error, or a redirect that was not
	 * followed (for example one to another origin, which would receive the credentials).
	 * @param status the status
	 * @return {@code true} for 3xx, 4xx and 5xx
	 */
	public static boolean isFailure(HttpStatusCode status) {
		return status.value() >= 300;
	}

	/**
	 * Translate an error response. The body is read, so the response is consumed.
	 * @param response the response with an error status
	 * @return the exception to signal
	 */
	public static Mono<OpenSandboxApiException> translate(ClientResponse response) {
		return response.bodyToMono(String.class)
			.onErrorResume(DataBufferLimitException.class, (ex) -> Mono.just(""))
			.defaultIfEmpty("")
			.map((body) -> translate(describe(response.request()), response.statusCode().value(),
					response.headers().asHttpHeaders(), body));
	}

	/**
	 * Read a response body, translating an error status and any failure on the way: the
	 * shape of every ordinary (non-streaming) call.
	 * @param <T> the body type
	 * @param response the response
	 * @param type the body type
	 * @param request the request, as {@code METHOD url}, for messages
	 * @return the body
	 */
	public static <T> Mono<T> body(WebClient.ResponseSpec response, Class<T> type, String request) {
		return response.onStatus(ErrorTranslator::isFailure, ErrorTranslator::translate)
			.bodyToMono(type)
			.onErrorMap((failure) -> translate(failure, request));
	}

	/**
	 * Read a response body of a generic type; see
	 * {@link #body(WebClient.ResponseSpec, Class, String)}.
	 * @param <T> the body type
	 * @param response the response
	 * @param type the body type
	 * @param request the request, as {@code METHOD url}, for messages
	 * @return the body
	 */
	public static <T> Mono<T> body(WebClient.ResponseSpec response, ParameterizedTypeReference<T> type,
			String request) {
		return response.onStatus(ErrorTranslator::isFailure, ErrorTranslator::translate)
			.bodyToMono(type)
			.onErrorMap((failure) -> translate(failure, request));
	}

	/**
	 * Translate an error response whose body has been read.
	 * @param request the request, as {@code METHOD path}
	 * @param status the HTTP status code
	 * @param headers the response headers
	 * @param body the response body, possibly empty
	 * @return the exception
	 */
	public static OpenSandboxApiException translate(String request, int status, HttpHeaders headers, String body) {
		String requestId = headers.getFirst(REQUEST_ID_HEADER);
		ErrorBody error = ErrorBody.parse(body);
		if (SandboxFileNotFoundException.ERROR_CODE.equals(error.code())) {
			return new SandboxFileNotFoundException(request, status, error.message(), requestId);
		}
		if (status == 404) {
			return new OpenSandboxApiException.NotFound(request, status, error.code(), error.message(), requestId);
		}
		if (status == 401 || status == 403) {
			return new OpenSandboxApiException.AccessDenied(request, status, error.code(), error.message(), requestId);
		}
		if (status == 409) {
			return new OpenSandboxApiException.Conflict(request, status, error.code(), error.message(), requestId);
		}
		if (status == 429) {
			return new OpenSandboxApiException.RateLimited(request, status, error.code(), error.message(), requestId,
					retryAfter(headers.getFirst(HttpHeaders.RETRY_AFTER)));
		}
		if (status >= 500) {
			return new OpenSandboxApiException.ServerError(request, status, error.code(), error.message(), requestId);
		}
		if (status >= 400) {
			return new OpenSandboxApiException.Rejected(request, status, error.code(), error.message(), requestId,
					error.violations());
		}
		return new OpenSandboxApiException(request, status, error.code(), error.message(), requestId);
	}

	/**
	 * Translate a failure that happened while sending a request or reading its response.
	 * Library exceptions and unrelated exceptions (such as programming errors) are
	 * returned unchanged.
	 * @param failure the failure
	 * @param request the request, as {@code METHOD url}, used when the failure does not
	 * say
	 * @return the exception to signal
	 */
	public static Throwable translate(Throwable failure, String request) {
		if (failure instanceof OpenSandboxException) {
			return failure;
		}
		String where = (failure instanceof WebClientRequestException requestException)
				? requestException.getMethod() + " " + withoutQuery(requestException.getUri()) : request;
		if (hasCause(failure, ConnectTimeoutException.class)) {
			return new OpenSandboxTimeoutException(where + ": connect timed out", failure);
		}
		if (hasCause(failure, ReadTimeoutException.class) || hasCause(failure, SocketTimeoutException.class)
				|| hasCause(failure, TimeoutException.class)) {
			return new OpenSandboxTimeoutException(where + ": no response within the read timeout", failure);
		}
		if (hasCause(failure, WriteTimeoutException.class)) {
			return new OpenSandboxTimeoutException(where + ": request could not be written in time", failure);
		}
		if (hasCause(failure, UnknownHostException.class)) {
			return new OpenSandboxIoException(where + ": unknown host", failure);
		}
		if (hasCause(failure, ConnectException.class)) {
			return new OpenSandboxIoException(where + ": connection refused", failure);
		}
		if (hasCause(failure, PrematureCloseException.class)) {
			return new OpenSandboxIoException(where + ": connection closed before the response was complete", failure);
		}
		if (hasCause(failure, IOException.class) || failure instanceof WebClientRequestException) {
			return new OpenSandboxIoException(where + ": " + rootMessage(failure), failure);
		}
		if (failure instanceof CodecException || hasCause(failure, JacksonException.class)) {
			return new OpenSandboxProtocolException(where + ": unreadable response body: " + rootMessage(failure),
					failure);
		}
		return failure;
	}

	/**
	 * Translate a failure of a stream (command events, metrics, a download body). Silence
	 * past the idle timeout, and any failure after the stream started, are
	 * {@link OpenSandboxStreamException}s: what arrived before is not a result.
	 * @param failure the failure
	 * @param request the request, as {@code METHOD url}
	 * @param midStream where the stream broke off (for example "after 400 bytes"), or
	 * {@code null} if it failed before it started
	 * @param idleTimeout the idle timeout a {@link TimeoutException} stands for, if any
	 * @return the exception to signal
	 */
	public static Throwable translateStream(Throwable failure, String request, @Nullable String midStream,
			@Nullable Duration idleTimeout) {
		if (idleTimeout != null && failure instanceof TimeoutException) {
			return new OpenSandboxStreamException(
					request + ": no event (not even a ping) for " + idleTimeout.toMillis() + " ms", failure);
		}
		Throwable translated = translate(failure, request);
		if (midStream != null && translated instanceof OpenSandboxException
				&& !(translated instanceof OpenSandboxStreamException)) {
			return new OpenSandboxStreamException(
					request + ": the stream broke off " + midStream + ": " + translated.getMessage(), failure);
		}
		return translated;
	}

	/**
	 * Describe a request as {@code METHOD path}, without host or query.
	 * @param request the request
	 * @return the description
	 */
	static String describe(HttpRequest request) {
		return request.getMethod() + " " + request.getURI().getRawPath();
	}

	private static String withoutQuery(URI uri) {
		String text = uri.toString();
		int query = text.indexOf('?');
		return (query >= 0) ? text.substring(0, query) : text;
	}

	static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
		for (Throwable candidate = failure; candidate != null; candidate = candidate.getCause()) {
			if (type.isInstance(candidate)) {
				return true;
			}
			if (candidate.getCause() == candidate) {
				break;
			}
		}
		return false;
	}

	static Throwable rootCause(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root;
	}

	private static String rootMessage(Throwable failure) {
		Throwable root = rootCause(failure);
		return (root.getMessage() != null) ? root.getMessage() : root.getClass().getSimpleName();
	}

	static @Nullable Duration retryAfter(@Nullable String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			long seconds = Long.parseLong(value.strip());
			return (seconds >= 0) ? Duration.ofSeconds(seconds) : null;
		}
		catch (NumberFormatException ex) {
			try {
				ZonedDateTime at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
				Duration delay = Duration.between(ZonedDateTime.now(at.getZone()), at);
				return delay.isNegative() ? Duration.ZERO : delay;
			}
			catch (DateTimeParseException ex2) {
				return null;
			}
		}
	}

	/**
	 * The parts of an error body: OpenSandbox's {@code {code, message}}, FastAPI's
	 * {@code {detail}} (a string or a list of violations), execd's {@code {error}}, or
	 * plain text.
	 */
	private record ErrorBody(@Nullable String code, String message,
			List<OpenSandboxApiException.Rejected.Violation> violations) {

		static ErrorBody parse(String body) {
			String text = body.strip();
			if (text.startsWith("{")) {
				try {
					JsonNode json = WireJson.MAPPER.readTree(text);
					return fromJson(json, text);
				}
				catch (JacksonException ex) {
					// Not JSON after all: fall through to plain text
				}
			}
			return new ErrorBody(null, abbreviate(text), List.of());
		}

		private static ErrorBody fromJson(JsonNode json, String text) {
			String code = textOf(json.get("code"));
			String message = textOf(json.get("message"));
			if (code != null || message != null) {
				return new ErrorBody(code, abbreviate((message != null) ? message : ""), List.of());
			}
			JsonNode detail = json.get("detail");
			if (detail != null && detail.isArray()) {
				List<OpenSandboxApiException.Rejected.Violation> violations = new ArrayList<>();
				for (JsonNode item : detail) {
					violations.add(violation(item));
				}
				return new ErrorBody(null, abbreviate("invalid request: " + violations), violations);
			}
			if (detail != null && detail.isString()) {
				return new ErrorBody(null, abbreviate(detail.asString()), List.of());
			}
			String error = textOf(json.get("error"));
			if (error != null) {
				return new ErrorBody(null, abbreviate(error), List.of());
			}
			return new ErrorBody(null, abbreviate(text), List.of());
		}

		private static OpenSandboxApiException.Rejected.Violation violation(JsonNode item) {
			List<String> location = new ArrayList<>();
			JsonNode loc = item.get("loc");
			if (loc != null && loc.isArray()) {
				loc.forEach((part) -> location.add(part.isString() ? part.asString() : part.toString()));
			}
			String message = textOf(item.get("msg"));
			return new OpenSandboxApiException.Rejected.Violation(String.join(".", location),
					(message != null) ? message : item.toString(), textOf(item.get("type")));
		}

		private static @Nullable String textOf(@Nullable JsonNode node) {
			return (node != null && node.isValueNode() && !node.isNull()) ? node.asString() : null;
		}

		private static String abbreviate(String text) {
			return (text.length() <= MAX_MESSAGE_LENGTH) ? text : text.substring(0, MAX_MESSAGE_LENGTH) + "...";
		}

	}

}
