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
		boolean vaultPath = exchange.path().equals("/credential-vault")
				|| exchange.path().startsWith("/credential-vault/");
		if (!exchange.path().equals("/policy") && !vaultPath) {
			return exchange.text(404, "404 page not found\n");
		}
		String token = exchange.header(LifecycleApi.EGRESS_AUTH_HEADER);
		if (token == null || !java.security.MessageDigest.isEqual(token.getBytes(), sandbox.egressToken().getBytes())) {
			return exchange.text(401, "unauthorized\n");
		}
		if (vaultPath) {
			return vault(sandbox, exchange).onErrorResume(ApiException.class,
					(ex) -> exchange.text(ex.status(), ex.getMessage() + "\n"));
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

	/*
	 * The credential vault routes: create, read, change and delete the vault, and read
	 * its credentials and bindings.
	 */
	private Mono<Void> vault(ServerSandbox sandbox, Exchange exchange) {
		String path = exchange.path();
		String method = exchange.method();
		CredentialVaultState vault = sandbox.vault.get();
		if (path.equals("/credential-vault")) {
			if (method.equals("POST")) {
				return exchange.body().flatMap((body) -> {
					CredentialVaultState created = CredentialVaultState.create(vaultBody(body));
					if (!sandbox.vault.compareAndSet(null, created)) {
						throw new ApiException(409, "", "credential vault already exists");
					}
					return exchange.json(201, created.state());
				});
			}
			if (!method.equals("GET") && !method.equals("PATCH") && !method.equals("DELETE")) {
				exchange.response().header("Allow", "GET, POST, PATCH, DELETE");
				return exchange.text(405, "method not allowed\n");
			}
			if (vault == null) {
				return exchange.text(404, "credential vault not found\n");
			}
			return switch (method) {
				case "GET" -> exchange.json(200, vault.state());
				case "PATCH" -> exchange.body().flatMap((body) -> exchange.json(200, vault.mutate(vaultBody(body))));
				default -> {
					sandbox.vault.compareAndSet(vault, null);
					yield exchange.response().status(204).send();
				}
			};
		}
		if (!method.equals("GET")) {
			exchange.response().header("Allow", "GET");
			return exchange.text(405, "method not allowed\n");
		}
		if (vault == null) {
			return exchange.text(404, "credential vault not found\n");
		}
		String rest = path.substring("/credential-vault/".length());
		if (rest.equals("credentials")) {
			return exchange.json(200, vault.credentials());
		}
		if (rest.equals("bindings")) {
			return exchange.json(200, vault.bindings());
		}
		int slash = rest.indexOf('/');
		String kind = (slash > 0) ? rest.substring(0, slash) : "";
		String name = (slash > 0) ? rest.substring(slash + 1) : "";
		Map<String, Object> found = name.isEmpty() ? null : kind.equals("credentials") ? vault.credential(name)
				: kind.equals("bindings") ? vault.binding(name) : null;
		if (found == null) {
			return exchange.text(404, (kind.isEmpty() || name.isEmpty()) ? "404 page not found\n"
					: kind.substring(0, kind.length() - 1) + " not found\n");
		}
		return exchange.json(200, found);
	}

	private static Map<?, ?> vaultBody(String body) {
		try {
			return Json.readObject(body);
		}
		catch (Json.BadRequestException ex) {
			// nothing of the body is echoed: it may hold credential values
			throw new ApiException(400, "", "invalid request body: a JSON object is expected");
		}
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
