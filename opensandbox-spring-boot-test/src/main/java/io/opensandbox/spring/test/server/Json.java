package io.opensandbox.spring.test.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON in and out of the server, as plain maps and lists so that unknown fields pass and
 * field names stay exactly those of the wire.
 *
 * @author OpenSandbox Spring Boot
 */
final class Json {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private Json() {
	}

	static String write(Object value) {
		return MAPPER.writeValueAsString(value);
	}

	static byte[] writeBytes(Object value) {
		return MAPPER.writeValueAsBytes(value);
	}

	/**
	 * Parse a request body.
	 * @param body the body
	 * @return the parsed value (map, list, string, number, boolean or null)
	 * @throws BadRequestException if the body is not JSON
	 */
	static @Nullable Object read(String body) {
		if (body.isBlank()) {
			throw new BadRequestException("request body is empty");
		}
		try {
			return MAPPER.readValue(body, Object.class);
		}
		catch (JacksonException ex) {
			throw new BadRequestException("request body is not valid JSON: " + ex.getOriginalMessage());
		}
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> readObject(String body) {
		Object value = read(body);
		if (!(value instanceof Map<?, ?>)) {
			throw new BadRequestException("request body must be a JSON object");
		}
		return (Map<String, Object>) value;
	}

	static List<?> readArray(String body) {
		Object value = read(body);
		if (!(value instanceof List<?> list)) {
			throw new BadRequestException("request body must be a JSON array");
		}
		return list;
	}

	/**
	 * Whether a JSON number is an integer that fits in a {@code long} (as Go's decoder
	 * requires of an int64 field): {@code 0.5}, {@code 1e300} and {@code 2^63} are not.
	 * @param number the number as read
	 * @return whether it is a long
	 */
	static boolean isLong(Number number) {
		if (number instanceof Integer || number instanceof Long || number instanceof Short || number instanceof Byte) {
			return true;
		}
		if (number instanceof java.math.BigInteger big) {
			return big.bitLength() < 64;
		}
		return false;
	}

	static Map<String, Object> object(@Nullable Object... keysAndValues) {
		Map<String, Object> map = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			if (keysAndValues[i + 1] != null) {
				map.put((String) keysAndValues[i], keysAndValues[i + 1]);
			}
		}
		return map;
	}

	/**
	 * A request that cannot be understood; mapped to the component's own 400 body.
	 */
	static final class BadRequestException extends RuntimeException {

		BadRequestException(String message) {
			super(message);
		}

	}

}
