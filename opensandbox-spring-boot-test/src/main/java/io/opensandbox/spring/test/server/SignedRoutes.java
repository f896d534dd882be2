package io.opensandbox.spring.test.server;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * The routes of signed endpoints: {@code /signed/{expires in base
 * 36}/{signature}/{sandbox id}/{port}}, signed with a key of this server's own
 * (HMAC-SHA256 over the sandbox, the port and the expiry), so that a route cannot be
 * forged, moved to another sandbox or port, or kept past its expiry.
 *
 * @author OpenSandbox Spring Boot
 */
final class SignedRoutes {

	private final byte[] key = new byte[32];

	SignedRoutes() {
		new SecureRandom().nextBytes(this.key);
	}

	/*
	 * The path of a route to a port of a sandbox until the given epoch second.
	 */
	String path(String sandboxId, int port, long expires) {
		String expiry = Long.toString(expires, 36);
		return "/signed/" + expiry + "/" + sign(sandboxId, port, expiry) + "/" + sandboxId + "/" + port;
	}

	/*
	 * Why a route is refused, or null if it holds.
	 */
	@Nullable String check(String sandboxId, int port, String expiry, String signature) {
		byte[] expected = sign(sandboxId, port, expiry).getBytes(StandardCharsets.US_ASCII);
		if (!MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII))) {
			return "invalid signature";
		}
		long expires = Long.parseLong(expiry, 36);
		if (System.currentTimeMillis() / 1000 >= expires) {
			return "signed route expired";
		}
		return null;
	}

	private String sign(String sandboxId, int port, String expiry) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(this.key, "HmacSHA256"));
			byte[] signature = mac
				.doFinal((sandboxId + "\n" + port + "\n" + expiry).getBytes(StandardCharsets.US_ASCII));
			return HexFormat.of().formatHex(signature);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

}
