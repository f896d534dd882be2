package io.opensandbox.spring.client;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON mapper for the OpenSandbox wire format. It belongs to this library, not to the
 * application: the application's naming strategy or inclusion rules must not change what
 * goes on the wire. Unknown fields are ignored so newer servers keep working.
 */
final class WireJson {

	static final JsonMapper MAPPER = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.build();

	private WireJson() {
	}

}
