package io.opensandbox.spring.test.server;

import java.util.List;
import java.util.Map;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * The egress sidecar of one sandbox: {@code /policy} ({@code GET}, {@code PATCH},
 * {@code DELETE}, and {@code POST}/{@code PUT} to replace it) and {@code /healthz}, with
 * the sidecar's text/plain errors and its {@code OPENSANDBOX-EGRESS-AUTH} header.
 *
 * @author OpenSandbox Spring Boot
 */
final class EgressApi {

	Publisher<Void> handle(ServerSandbox sandbox, Exchange exchange) {
		EgressPolicy policy = sandbox.egress();
		if (policy == null) {
			return exchange.text(502, "sandbox has no egress sidecar\n");
		}
		if (exchange.path().equals("/healthz")) {
			return exchange.text(200, "ok");
		}
		if (!exchange.path().equals("/policy")) {
			return exchange.text(404, "404 page not found\n");
		}
		String token = exchange.header(LifecycleApi.EGRESS_AUTH_HEADER);
		if (token == null || !java.security.MessageDigest.isEqual(token.getBytes(), sandbox.egressToken().getBytes())) {
			return exchange.text(401, "unauthorized\n");
		}
		Mono<Void> answer = switch (exchange.method()) {
			case "GET" -> exchange.json(200, policy.status(null, true));
			case "PATCH" -> exchange.body()
				.flatMap((body) -> exchange.json(200, policy.patch(array(body, "invalid patch rules: "))));
			case "DELETE" -> exchange.body()
				.flatMap((body) -> exchange.json(200, policy.delete(array(body, "invalid delete targets: "))));
			case "POST", "PUT" -> exchange.body()
				.flatMap((body) -> exchange.json(200, body.isBlank() ? policy.reset() : policy.replace(object(body))));
			default -> {
				exchange.response().header("Allow", "GET, POST, PUT, PATCH, DELETE");
				yield exchange.text(405, "method not allowed\n");
			}
		};
		return answer.onErrorResume(ApiException.class, (ex) -> exchange.text(ex.status(), ex.getMessage() + "\n"));
	}

	private static List<?> array(String body, String errorPrefix) {
		if (body.isBlank()) {
			throw new ApiException(400, "", "empty body");
		}
		Object value;
		try {
			value = Json.read(body);
		}
		catch (Json.BadRequestException ex) {
			throw new ApiException(400, "", errorPrefix + ex.getMessage());
		}
		if (!(value instanceof List<?> items)) {
			throw new ApiException(400, "", errorPrefix + "expected a JSON array");
		}
		if (items.isEmpty()) {
			throw new ApiException(400, "", errorPrefix + "empty array");
		}
		return items;
	}

	private static Map<?, ?> object(String body) {
		try {
			return Json.readObject(body);
		}
		catch (Json.BadRequestException ex) {
			throw new ApiException(400, "", "invalid policy: " + ex.getMessage());
		}
	}

}
