package io.opensandbox.spring.test.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * One request and its response, with the path left after routing and the decoded query.
 *
 * @author OpenSandbox Spring Boot
 */
final class Exchange {

	private final HttpServerRequest request;

	private final HttpServerResponse response;

	private final String path;

	private final Map<String, List<String>> query;

	private final Map<String, String> variables = new LinkedHashMap<>();

	Exchange(HttpServerRequest request, HttpServerResponse response) {
		this.request = request;
		this.response = response;
		QueryStringDecoder decoder = new QueryStringDecoder(request.uri(), StandardCharsets.UTF_8);
		this.path = decoder.path();
		this.query = decoder.parameters();
	}

	private Exchange(Exchange parent, String path) {
		this.request = parent.request;
		this.response = parent.response;
		this.path = path;
		this.query = parent.query;
		this.variables.putAll(parent.variables);
	}

	/**
	 * The same exchange seen below a prefix (for execd behind an endpoint path).
	 * @param remainingPath the path after the prefix
	 * @return the exchange
	 */
	Exchange forPath(String remainingPath) {
		return new Exchange(this, remainingPath.isEmpty() ? "/" : remainingPath);
	}

	HttpServerRequest request() {
		return this.request;
	}

	HttpServerResponse response() {
		return this.response;
	}

	String method() {
		return this.request.method().name();
	}

	String path() {
		return this.path;
	}

	void variable(String name, String value) {
		this.variables.put(name, value);
	}

	String variable(String name) {
		String value = this.variables.get(name);
		if (value == null) {
			throw new IllegalStateException("No path variable " + name);
		}
		return value;
	}

	@Nullable String query(String name) {
		List<String> values = this.query.get(name);
		return (values != null && !values.isEmpty()) ? values.get(0) : null;
	}

	List<String> queries(String name) {
		return this.query.getOrDefault(name, List.of());
	}

	@Nullable String header(String name) {
		return this.request.requestHeaders().get(name);
	}

	/**
	 * The request body as text, refused with 413 beyond {@link #MAX_BODY} bytes (counted
	 * as it arrives, so a larger body is never held).
	 * @return the body
	 */
	Mono<String> body() {
		if (contentLength() > MAX_BODY) {
			return Mono.error(tooLarge());
		}
		return this.request.receive().reduce(new java.io.ByteArrayOutputStream(), (body, buffer) -> {
			int length = buffer.readableBytes();
			if (body.size() + length > MAX_BODY) {
				throw tooLarge();
			}
			byte[] bytes = new byte[length];
			buffer.readBytes(bytes);
			body.write(bytes, 0, length);
			return body;
		}).map((body) -> body.toString(StandardCharsets.UTF_8)).defaultIfEmpty("");
	}

	/**
	 * The announced body length.
	 * @return the {@code Content-Length}, or -1 if absent or not a number
	 */
	long contentLength() {
		String value = this.request.requestHeaders().get("Content-Length");
		try {
			return (value != null) ? Long.parseLong(value.trim()) : -1;
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	/**
	 * Most bytes of a JSON request body.
	 */
	static final int MAX_BODY = 1024 * 1024;

	static ApiException tooLarge() {
		return new ApiException(413, "REQUEST_TOO_LARGE", "request body is larger than " + MAX_BODY + " bytes");
	}

	/*
	 * Answers are assembled when subscribed, not when declared: a handler that answers
	 * after blocking work (then(exchange.empty(202))) must not touch the response's
	 * status and headers before that work is done.
	 */

	Mono<Void> json(int status, Object body) {
		return Mono.defer(() -> send(status, "application/json", Json.writeBytes(body)));
	}

	Mono<Void> text(int status, String body) {
		return Mono.defer(() -> send(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8)));
	}

	Mono<Void> empty(int status) {
		return Mono
			.defer(() -> this.response.status(HttpResponseStatus.valueOf(status)).header("Content-Length", "0").send());
	}

	private Mono<Void> send(int status, String contentType, byte[] bytes) {
		return this.response.status(status)
			.header("Content-Type", contentType)
			.header("Content-Length", Integer.toString(bytes.length))
			.sendByteArray(Mono.just(bytes))
			.then();
	}

	static List<Object> location(Object... parts) {
		return new ArrayList<>(List.of(parts));
	}

}
