package io.opensandbox.spring.client;

import org.springframework.util.Assert;

/**
 * Checks ids before they become part of a request path. Ids are opaque, but an id that
 * could change the route (a slash, a dot segment, a query or fragment marker, an escape)
 * is rejected rather than sent.
 *
 * @author OpenSandbox Spring Boot
 */
final class Identifiers {

	private Identifiers() {
	}

	static String require(String id, String what) {
		Assert.isTrue(id != null && !id.isBlank(), () -> what + " must not be empty");
		Assert.isTrue(!id.equals(".") && !id.equals(".."), () -> what + " '" + id + "' is not a valid id");
		for (int i = 0; i < id.length(); i++) {
			char c = id.charAt(i);
			Assert.isTrue(c > 0x20 && c != 0x7f && "/\\?#%".indexOf(c) < 0,
					() -> what + " '" + id + "' must not contain whitespace, control characters or any of / \\ ? # %");
		}
		return id;
	}

}
