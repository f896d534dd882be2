package io.opensandbox.spring.client;

import org.springframework.http.codec.ClientCodecConfigurer;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import org.springframework.http.codec.json.JacksonJsonEncoder;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON mapper for the OpenSandbox wire format. It belongs to this library, not to the
 * application: the application's naming strategy or inclusion rules must not change what
 * goes on the wire. Unknown fields are ignored so newer servers keep working.
 *
 * @author OpenSandbox Spring Boot
 */
final class WireJson {

	static final JsonMapper MAPPER = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.build();

	private WireJson() {
	}

	/**
	 * Use this mapper for JSON bodies, and keep request details (headers) out of Spring's
	 * own request logging.
	 * @param codecs the codecs of a client
	 */
	static void configure(ClientCodecConfigurer codecs) {
		codecs.defaultCodecs().jacksonJsonDecoder(new JacksonJsonDecoder(MAPPER));
		codecs.defaultCodecs().jacksonJsonEncoder(new JacksonJsonEncoder(MAPPER));
		codecs.defaultCodecs().enableLoggingRequestDetails(false);
	}

}
