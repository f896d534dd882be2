package io.opensandbox.spring.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MaskingWiretapHandler}.
 *
 * @author OpenSandbox Spring Boot
 */
@ExtendWith(OutputCaptureExtension.class)
class MaskingWiretapHandlerTests {

	private static final String SECRET = "sk-live-0f1e2d3c4b5a";

	private static final String OTHER_TOKEN = "bearer-token-7a8b9c";

	private Logger logger;

	private Level previousLevel;

	private EmbeddedChannel channel;

	@BeforeEach
	void enableDebugLogging() {
		this.logger = (Logger) LoggerFactory.getLogger(MaskingWiretapHandler.LOGGER_NAME);
		this.previousLevel = this.logger.getLevel();
		this.logger.setLevel(Level.DEBUG);
	}

	@AfterEach
	void resetLogging() {
		this.logger.setLevel(this.previousLevel);
		if (this.channel != null) {
			this.channel.finishAndReleaseAll();
		}
	}

	@Test
	void requestCredentialHeadersAndSecretsInTheBodyAreMasked(CapturedOutput output) {
		this.channel = new EmbeddedChannel(new MaskingWiretapHandler(List.of(SECRET)));
		FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/sandboxes",
				Unpooled.copiedBuffer("{\"env\":{\"TOKEN\":\"" + SECRET + "\"},\"marker\":\"request-body\"}",
						StandardCharsets.UTF_8));
		request.headers().set(LifecycleClient.API_KEY_HEADER, SECRET);
		request.headers().set("Authorization", OTHER_TOKEN);
		request.headers().set("X-Visible", "shown-value");
		this.channel.writeOutbound(request);
		assertThat(output).contains(">> POST /v1/sandboxes HTTP/1.1")
			.contains("OPEN-SANDBOX-API-KEY: ******")
			.contains("Authorization: ******")
			.contains("X-Visible: shown-value")
			.contains("\"TOKEN\":\"******\"")
			.contains("request-body")
			.doesNotContain(SECRET)
			.doesNotContain(OTHER_TOKEN);
	}

	@Test
	void responseCredentialHeadersAndSecretsInTheBodyAreMasked(CapturedOutput output) {
		this.channel = new EmbeddedChannel(new MaskingWiretapHandler(List.of(SECRET)));
		FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled
			.copiedBuffer("{\"echo\":\"" + SECRET + "\",\"marker\":\"response-body\"}", StandardCharsets.UTF_8));
		response.headers().set("Set-Cookie", "session=" + OTHER_TOKEN);
		response.headers().set("OpenSandbox-Secure-Access", OTHER_TOKEN);
		this.channel.writeInbound(response);
		assertThat(output).contains("<< HTTP/1.1 200 OK")
			.contains("Set-Cookie: ******")
			.contains("OpenSandbox-Secure-Access: ******")
			.contains("\"echo\":\"******\"")
			.contains("response-body")
			.doesNotContain(SECRET)
			.doesNotContain(OTHER_TOKEN);
	}

	@Test
	void secretsInTheRequestLineAreMasked(CapturedOutput output) {
		this.channel = new EmbeddedChannel(new MaskingWiretapHandler(List.of(SECRET)));
		this.channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
				"/v1/sandboxes?token=" + SECRET + "&page=1"));
		assertThat(output).contains("GET /v1/sandboxes?token=******&page=1").doesNotContain(SECRET);
	}

	@Test
	void messagesArePassedOnUnchanged() {
		this.channel = new EmbeddedChannel(new MaskingWiretapHandler(List.of(SECRET)));
		FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/sandboxes",
				Unpooled.copiedBuffer(SECRET, StandardCharsets.UTF_8));
		request.headers().set(LifecycleClient.API_KEY_HEADER, SECRET);
		this.channel.writeOutbound(request);
		FullHttpRequest written = this.channel.readOutbound();
		assertThat(written).isSameAs(request);
		assertThat(written.headers().get(LifecycleClient.API_KEY_HEADER)).isEqualTo(SECRET);
		assertThat(written.content().toString(StandardCharsets.UTF_8)).isEqualTo(SECRET);
		FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
		this.channel.writeInbound(response);
		assertThat((Object) this.channel.readInbound()).isSameAs(response);
		written.release();
		response.release();
	}

	@Test
	void emptyAndNullSecretsAreIgnored(CapturedOutput output) {
		this.channel = new EmbeddedChannel(new MaskingWiretapHandler(Arrays.asList("", null, SECRET)));
		this.channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/sandboxes",
				Unpooled.copiedBuffer("plain-body-text " + SECRET, StandardCharsets.UTF_8)));
		assertThat(output).contains("plain-body-text ******").doesNotContain(SECRET);
	}

	@Test
	void nothingIsLoggedBelowDebug(CapturedOutput output) {
		this.logger.setLevel(Level.INFO);
		this.channel = new EmbeddedChannel(new MaskingWiretapHandler(List.of(SECRET)));
		this.channel.writeOutbound(
				new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.DELETE, "/v1/sandboxes/not-logged-marker"));
		assertThat(this.channel.outboundMessages()).hasSize(1);
		assertThat(output).doesNotContain("not-logged-marker");
	}

	@Test
	void credentialsInJsonBodiesAreMaskedWhateverTheirValue() {
		String body = """
				{"image":{"uri":"python:3.12","auth":{"username":"robot","password":"reg-pass"}},
				 "env":{"OPENAI_API_KEY":"sk-env","MODE":"test"},
				 "volumes":[{"ossfs":{"accessKeyId":"AKID","accessKeySecret":"oss-secret"}}],
				 "endpoint":"10.0.0.5:44772","headers":{"OpenSandbox-Secure-Access":"route-token"},
				 "note":"escaped \\"quote\\" stays"}""";
		String masked = MaskingWiretapHandler.maskJson(body);
		assertThat(masked).doesNotContain("reg-pass", "sk-env", "oss-secret", "route-token")
			.contains("\"password\":\"******\"", "\"accessKeySecret\":\"******\"",
					"\"OpenSandbox-Secure-Access\":\"******\"", "\"MODE\":\"******\"")
			.contains("\"username\":\"robot\"", "\"accessKeyId\":\"AKID\"", "\"endpoint\":\"10.0.0.5:44772\"",
					"\"uri\":\"python:3.12\"");
	}

	@Test
	void credentialVaultValuesAreMaskedButNamesAndBindingsStay() {
		String body = """
				{"credentials":[{"name":"gh","source":{"type":"inline","value":"ghp_s3cr3t"}}],
				 "bindings":[{"name":"github","match":{"hosts":["api.github.com"]},
				  "auth":{"type":"bearer","credential":"gh"}}]}""";
		String masked = MaskingWiretapHandler.maskJson(body);
		assertThat(masked).doesNotContain("ghp_s3cr3t")
			.contains("\"name\":\"gh\"", "\"name\":\"github\"", "api.github.com");
	}

}
