package io.opensandbox.spring.test.server;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * A small route table: method plus a path template with {@code {name}} variables.
 *
 * @author OpenSandbox Spring Boot
 */
final class Routes {

	private static final Pattern VARIABLE = Pattern.compile("\\{(\\w+)}");

	private final List<Route> routes = new ArrayList<>();

	Routes add(String method, String template, Function<Exchange, Publisher<Void>> handler) {
		List<String> names = new ArrayList<>();
		Matcher matcher = VARIABLE.matcher(template);
		StringBuilder regex = new StringBuilder();
		int last = 0;
		while (matcher.find()) {
			regex.append(Pattern.quote(template.substring(last, matcher.start()))).append("([^/]+)");
			names.add(matcher.group(1));
			last = matcher.end();
		}
		regex.append(Pattern.quote(template.substring(last)));
		this.routes.add(new Route(method, Pattern.compile(regex.toString()), names, handler));
		return this;
	}

	/**
	 * Find the handler for an exchange, binding its path variables.
	 * @param exchange the exchange
	 * @return the handler's answer, or {@code null} when no route matches the path; a
	 * path that matches with another method answers 405
	 */
	@Nullable Publisher<Void> dispatch(Exchange exchange) {
		boolean pathMatched = false;
		for (Route route : this.routes) {
			Matcher matcher = route.pattern().matcher(exchange.path());
			if (!matcher.matches()) {
				continue;
			}
			pathMatched = true;
			if (!route.method().equals(exchange.method())) {
				continue;
			}
			for (int i = 0; i < route.names().size(); i++) {
				exchange.variable(route.names().get(i), matcher.group(i + 1));
			}
			return Mono.defer(() -> Mono.from(route.handler().apply(exchange)));
		}
		if (pathMatched) {
			return Mono.error(new ApiException(405, "METHOD_NOT_ALLOWED", "Method Not Allowed"));
		}
		return null;
	}

	private record Route(String method, Pattern pattern, List<String> names,
			Function<Exchange, Publisher<Void>> handler) {
	}

}
