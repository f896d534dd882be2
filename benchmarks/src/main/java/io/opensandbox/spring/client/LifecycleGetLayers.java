package io.opensandbox.spring.client;

import java.net.URI;

import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import io.opensandbox.spring.model.SandboxInfo;

/**
 * A lifecycle {@code GET /v1/sandboxes/{id}} made with fewer layers than the
 * {@link LifecycleClient} has, each reading the answer into the same {@link SandboxInfo}
 * with the same JSON mapper: what the layers below the client cost.
 *
 * @author OpenSandbox Spring Boot
 */
public final class LifecycleGetLayers {

	private LifecycleGetLayers() {
	}

	/** Reactor Netty alone: the body as bytes, read by the wire mapper. */
	public static Mono<SandboxInfo> reactorNetty(HttpClient client, String url) {
		return client.get()
			.uri(url)
			.responseSingle((response, body) -> body.asByteArray())
			.map((bytes) -> WireJson.MAPPER.readValue(bytes, LifecycleWire.SandboxJson.class).toInfo());
	}

	/** A WebClient without filters, with the wire mapper as its JSON codec. */
	public static WebClient webClient(WebClient.Builder builder) {
		return builder.codecs(WireJson::configure).build();
	}

	/** One GET with that WebClient: no error translation, no retry filter. */
	public static Mono<SandboxInfo> webClient(WebClient client, URI url) {
		return client.get()
			.uri(url)
			.retrieve()
			.bodyToMono(LifecycleWire.SandboxJson.class)
			.map(LifecycleWire.SandboxJson::toInfo);
	}

}
