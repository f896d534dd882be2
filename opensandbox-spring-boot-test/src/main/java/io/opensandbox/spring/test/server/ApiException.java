package io.opensandbox.spring.test.server;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * An error answer: the status and the {@code code}/{@code message} pair every component
 * returns (egress writes the message as text, the lifecycle API answers request-schema
 * failures with FastAPI's {@code 422 {"detail": [...]}}).
 *
 * @author OpenSandbox Spring Boot
 */
final class ApiException extends RuntimeException {

	private final int status;

	private final String code;

	private final List<Map<String, Object>> detail;

	ApiException(int status, String code, String message) {
		this(status, code, message, List.of());
	}

	private ApiException(int status, String code, String message, List<Map<String, Object>> detail) {
		super(message, null, false, false);
		this.status = status;
		this.code = code;
		this.detail = detail;
	}

	/**
	 * A request-schema failure as the lifecycle server's validation layer reports it.
	 * @param type the error type ({@code missing}, {@code greater_than_equal}, ...)
	 * @param location where the value is ({@code body}, {@code query}, {@code path} and
	 * the field names)
	 * @param message the human-readable message
	 * @param input the offending input, or {@code null}
	 * @return the exception
	 */
	static ApiException validation(String type, List<Object> location, String message, @Nullable Object input) {
		return validation(type, location, message, input, null);
	}

	/**
	 * A request-schema failure with its context ({@code {"ge": 60}}, ...).
	 * @param type the error type
	 * @param location where the value is
	 * @param message the message
	 * @param input the offending input
	 * @param context the constraint, or {@code null}
	 * @return the exception
	 */
	static ApiException validation(String type, List<Object> location, String message, @Nullable Object input,
			@Nullable Map<String, Object> context) {
		Map<String, Object> item = new java.util.LinkedHashMap<>();
		item.put("type", type);
		item.put("loc", location);
		item.put("msg", message);
		item.put("input", input);
		if (context != null) {
			item.put("ctx", context);
		}
		return new ApiException(422, "", message, List.of(item));
	}

	/**
	 * A failure of the create request's model-level checks ({@code value_error} on the
	 * body).
	 * @param message the message after {@code Value error, }
	 * @param body the request body
	 * @return the exception
	 */
	static ApiException valueError(String message, Object body) {
		return validation("value_error", List.of("body"), "Value error, " + message, body, Map.of("error", Map.of()));
	}

	int status() {
		return this.status;
	}

	String code() {
		return this.code;
	}

	boolean isValidation() {
		return !this.detail.isEmpty();
	}

	Map<String, Object> body() {
		if (isValidation()) {
			return Map.of("detail", this.detail);
		}
		return Json.object("code", this.code, "message", String.valueOf(getMessage()));
	}

}
