package io.opensandbox.spring.samples.playground;

import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Lets the page load and contact nothing but this application: the page is self-contained
 * (no CDN, no fonts, no analytics), and the browser enforces that it stays so.
 *
 * @author OpenSandbox Spring Boot
 */
@Component
public class SecurityHeadersFilter implements WebFilter {

	// xterm.js sizes its terminal with style elements it makes: styles may be inline,
	// scripts may not
	static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; "
			+ "style-src 'self' 'unsafe-inline'; "
			+ "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		HttpHeaders headers = exchange.getResponse().getHeaders();
		headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
		headers.set("X-Content-Type-Options", "nosniff");
		headers.set("Referrer-Policy", "no-referrer");
		return chain.filter(exchange);
	}

}
