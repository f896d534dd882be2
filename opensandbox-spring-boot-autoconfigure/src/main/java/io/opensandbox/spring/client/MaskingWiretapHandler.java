package io.opensandbox.spring.client;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Logs every HTTP message of a connection (request and status lines, headers, body text)
 * at DEBUG under {@value #LOGGER_NAME}, with credentials masked: the values of credential
 * headers, and any occurrence of the configured secret values in bodies. Use it instead
 * of Reactor Netty's raw wiretap, which would print the API key.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
@ChannelHandler.Sharable
public final class MaskingWiretapHandler extends ChannelDuplexHandler {

	/** The logger the messages go to. */
	public static final String LOGGER_NAME = "io.opensandbox.spring.client.wiretap";

	/** Headers whose values are always masked. */
	public static final Set<String> CREDENTIAL_HEADERS = Set.of("open-sandbox-api-key", "authorization",
			"proxy-authorization", "cookie", "set-cookie", "x-execd-access-token", "opensandbox-egress-auth",
			"opensandbox-secure-access");

	private static final String MASK = "******";

	private static final Pattern CREDENTIAL_FIELD = Pattern.compile(
			"(\"[^\"]*(?:password|secret|token|apikey|api_key|api-key|credential)[^\"]*\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"",
			Pattern.CASE_INSENSITIVE);

	private static final Pattern VALUE_OBJECT = Pattern
		.compile("(\"(?:headers|env|envs|source)\"\\s*:\\s*\\{)([^{}]*)\\}", Pattern.CASE_INSENSITIVE);

	private static final Pattern STRING_FIELD = Pattern
		.compile("(\"(?:[^\"\\\\]|\\\\.)*\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"");

	private static final Log logger = LogFactory.getLog(LOGGER_NAME);

	private final List<String> secrets;

	/**
	 * Create a handler.
	 * @param secrets values to mask wherever they appear (API key, passwords); empty or
	 * {@code null} entries are ignored
	 */
	public MaskingWiretapHandler(Collection<String> secrets) {
		this.secrets = secrets.stream().filter((secret) -> secret != null && !secret.isEmpty()).toList();
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
		log(ctx, "<<", msg);
		super.channelRead(ctx, msg);
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
		log(ctx, ">>", msg);
		super.write(ctx, msg, promise);
	}

	private void log(ChannelHandlerContext ctx, String direction, Object msg) {
		if (!logger.isDebugEnabled()) {
			return;
		}
		String text = describe(msg);
		if (text != null) {
			logger.debug("[" + ctx.channel().id().asShortText() + "] " + direction + " " + mask(text));
		}
	}

	private @Nullable String describe(Object msg) {
		StringBuilder text = new StringBuilder();
		if (msg instanceof HttpRequest request) {
			text.append(request.method())
				.append(' ')
				.append(request.uri())
				.append(' ')
				.append(request.protocolVersion());
			appendHeaders(text, request.headers());
		}
		else if (msg instanceof HttpResponse response) {
			text.append(response.protocolVersion()).append(' ').append(response.status());
			appendHeaders(text, response.headers());
		}
		if (msg instanceof HttpContent content && content.content().isReadable()) {
			if (!text.isEmpty()) {
				text.append('\n');
			}
			text.append(content.content().toString(StandardCharsets.UTF_8));
		}
		return text.isEmpty() ? null : text.toString();
	}

	private static void appendHeaders(StringBuilder text, HttpHeaders headers) {
		for (Map.Entry<String, String> header : headers) {
			boolean credential = CREDENTIAL_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT));
			text.append('\n').append(header.getKey()).append(": ").append(credential ? MASK : header.getValue());
		}
	}

	String mask(String text) {
		String masked = maskJson(text);
		for (String secret : this.secrets) {
			masked = masked.replace(secret, MASK);
		}
		return masked;
	}

	/*
	 * Mask credentials inside JSON bodies whose values this handler cannot know in
	 * advance: fields named like a credential (registry passwords, OSS secrets, tokens),
	 * and every value of {@code headers} (endpoint access tokens), {@code env} and {@code
	 * source} (credential vault values) objects.
	 */
	static String maskJson(String text) {
		String masked = replaceAll(CREDENTIAL_FIELD, text, (match) -> match.group(1) + "\"" + MASK + "\"");
		return replaceAll(VALUE_OBJECT, masked, (match) -> match.group(1)
				+ replaceAll(STRING_FIELD, match.group(2), (field) -> field.group(1) + "\"" + MASK + "\"") + "}");
	}

	private static String replaceAll(Pattern pattern, String text,
			java.util.function.Function<Matcher, String> replacement) {
		Matcher matcher = pattern.matcher(text);
		StringBuilder result = new StringBuilder();
		while (matcher.find()) {
			matcher.appendReplacement(result, Matcher.quoteReplacement(replacement.apply(matcher)));
		}
		matcher.appendTail(result);
		return result.toString();
	}

}
