package io.opensandbox.spring.test.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The credential vault of one sandbox's egress sidecar: named credentials whose values
 * are kept in memory and never answered or echoed, bindings that refer to them, and a
 * revision raised by every change. Changes are checked whole and applied at once, or not
 * at all. The embedded sidecar stores and checks the vault; it does not inject the
 * credentials into outbound traffic.
 *
 * @author OpenSandbox Spring Boot
 */
final class CredentialVaultState {

	private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+\\-.^_`|~]+");

	private static final Set<String> SCHEMES = Set.of("https", "http");

	private static final int MAX_ENTRIES = 256;

	private long revision;

	/** Name to credential, in creation order. */
	private Map<String, Credential> credentials = new LinkedHashMap<>();

	/** Name to binding, in creation order. */
	private Map<String, Binding> bindings = new LinkedHashMap<>();

	private CredentialVaultState() {
	}

	/*
	 * A new vault from a create request's body, at revision 1.
	 */
	static CredentialVaultState create(Map<?, ?> body) {
		onlyKeys(body, "request", "credentials", "bindings");
		CredentialVaultState vault = new CredentialVaultState();
		vault.revision = 1;
		for (Object item : list(body.get("credentials"), "credentials", true)) {
			Credential credential = credential(item, 1);
			if (vault.credentials.putIfAbsent(credential.name(), credential) != null) {
				throw bad("duplicate credential '" + credential.name() + "'");
			}
		}
		for (Object item : list(body.get("bindings"), "bindings", true)) {
			Binding binding = binding(item, 1);
			if (vault.bindings.putIfAbsent(binding.name(), binding) != null) {
				throw bad("duplicate binding '" + binding.name() + "'");
			}
		}
		vault.checkReferences(400);
		vault.checkSize();
		return vault;
	}

	/*
	 * Apply a mutation request's body, all of it or nothing.
	 */
	synchronized Map<String, Object> mutate(Map<?, ?> body) {
		onlyKeys(body, "request", "expectedRevision", "credentials", "bindings");
		Object expected = body.get("expectedRevision");
		if (expected != null) {
			if (!(expected instanceof Number number) || !Json.isLong(number)) {
				throw bad("expectedRevision must be an integer");
			}
			if (number.longValue() != this.revision) {
				throw new ApiException(409, "",
						"revision conflict: expected " + number.longValue() + ", current " + this.revision);
			}
		}
		long next = this.revision + 1;
		Map<String, Credential> newCredentials = new LinkedHashMap<>(this.credentials);
		Map<String, Binding> newBindings = new LinkedHashMap<>(this.bindings);
		Map<?, ?> credentialChanges = object(body.get("credentials"), "credentials");
		Map<?, ?> bindingChanges = object(body.get("bindings"), "bindings");
		if (credentialChanges.isEmpty() && bindingChanges.isEmpty()) {
			throw bad("the mutation changes nothing");
		}
		onlyKeys(credentialChanges, "credentials", "add", "replace", "delete");
		onlyKeys(bindingChanges, "bindings", "add", "replace", "delete");
		for (Object name : list(bindingChanges.get("delete"), "bindings.delete", false)) {
			if (newBindings.remove(name(name, "binding")) == null) {
				throw new ApiException(404, "", "binding '" + name + "' not found");
			}
		}
		for (Object name : list(credentialChanges.get("delete"), "credentials.delete", false)) {
			if (newCredentials.remove(name(name, "credential")) == null) {
				throw new ApiException(404, "", "credential '" + name + "' not found");
			}
		}
		for (Object item : list(credentialChanges.get("replace"), "credentials.replace", false)) {
			Credential credential = credential(item, next);
			if (!newCredentials.containsKey(credential.name())) {
				throw new ApiException(404, "", "credential '" + credential.name() + "' not found");
			}
			newCredentials.put(credential.name(), credential);
		}
		for (Object item : list(credentialChanges.get("add"), "credentials.add", false)) {
			Credential credential = credential(item, next);
			if (newCredentials.putIfAbsent(credential.name(), credential) != null) {
				throw new ApiException(409, "", "credential '" + credential.name() + "' already exists");
			}
		}
		for (Object item : list(bindingChanges.get("replace"), "bindings.replace", false)) {
			Binding binding = binding(item, next);
			if (!newBindings.containsKey(binding.name())) {
				throw new ApiException(404, "", "binding '" + binding.name() + "' not found");
			}
			newBindings.put(binding.name(), binding);
		}
		for (Object item : list(bindingChanges.get("add"), "bindings.add", false)) {
			Binding binding = binding(item, next);
			if (newBindings.putIfAbsent(binding.name(), binding) != null) {
				throw new ApiException(409, "", "binding '" + binding.name() + "' already exists");
			}
		}
		CredentialVaultState candidate = new CredentialVaultState();
		candidate.credentials = newCredentials;
		candidate.bindings = newBindings;
		candidate.checkReferences(409);
		candidate.checkSize();
		this.credentials = newCredentials;
		this.bindings = newBindings;
		this.revision = next;
		return state();
	}

	synchronized Map<String, Object> state() {
		return Json.object("revision", this.revision, "credentials", credentialList(), "bindings", bindingList());
	}

	synchronized Map<String, Object> credentials() {
		return Json.object("revision", this.revision, "credentials", credentialList());
	}

	synchronized Map<String, Object> bindings() {
		return Json.object("revision", this.revision, "bindings", bindingList());
	}

	synchronized @Nullable Map<String, Object> credential(String name) {
		Credential credential = this.credentials.get(name);
		return (credential != null) ? credential.metadata() : null;
	}

	synchronized @Nullable Map<String, Object> binding(String name) {
		Binding binding = this.bindings.get(name);
		return (binding != null) ? binding.metadata() : null;
	}

	private List<Map<String, Object>> credentialList() {
		return this.credentials.values().stream().map(Credential::metadata).toList();
	}

	private List<Map<String, Object>> bindingList() {
		return this.bindings.values().stream().map(Binding::metadata).toList();
	}

	private void checkReferences(int status) {
		for (Binding binding : this.bindings.values()) {
			for (String credential : binding.credentials()) {
				if (!this.credentials.containsKey(credential)) {
					throw new ApiException(status, "", "binding '" + binding.name() + "' refers to credential '"
							+ credential + "', which the vault does not hold");
				}
			}
		}
	}

	private void checkSize() {
		if (this.credentials.size() > MAX_ENTRIES || this.bindings.size() > MAX_ENTRIES) {
			throw bad("a vault holds at most " + MAX_ENTRIES + " credentials and " + MAX_ENTRIES + " bindings");
		}
	}

	private static Credential credential(@Nullable Object item, long revision) {
		Map<?, ?> json = object(item, "credential");
		onlyKeys(json, "credential", "name", "source");
		String name = name(json.get("name"), "credential");
		Map<?, ?> source = object(json.get("source"), "credential '" + name + "' source");
		onlyKeys(source, "credential '" + name + "' source", "type", "value");
		if (!"inline".equals(source.get("type"))) {
			throw bad("credential '" + name + "' source type must be 'inline'");
		}
		if (!(source.get("value") instanceof String value) || value.isEmpty()) {
			// the value is never echoed, even when it is wrong
			throw bad("credential '" + name + "' needs a non-empty string value");
		}
		return new Credential(name, value, revision);
	}

	private static Binding binding(@Nullable Object item, long revision) {
		Map<?, ?> json = object(item, "binding");
		onlyKeys(json, "binding", "name", "match", "auth");
		String name = name(json.get("name"), "binding");
		String what = "binding '" + name + "'";
		Map<?, ?> match = object(json.get("match"), what + " match");
		onlyKeys(match, what + " match", "schemes", "ports", "hosts", "methods", "paths");
		List<String> hosts = strings(match.get("hosts"), what + " hosts", true);
		if (hosts.isEmpty()) {
			throw bad(what + " needs at least one host");
		}
		List<String> schemes = strings(match.get("schemes"), what + " schemes", false);
		schemes.forEach((scheme) -> {
			if (!SCHEMES.contains(scheme)) {
				throw bad(what + " scheme must be https or http, not '" + scheme + "'");
			}
		});
		List<Long> ports = new ArrayList<>();
		for (Object port : list(match.get("ports"), what + " ports", false)) {
			if (!(port instanceof Number number) || !Json.isLong(number) || number.longValue() < 1
					|| number.longValue() > 65535) {
				throw bad(what + " ports must be integers from 1 to 65535");
			}
			ports.add(number.longValue());
		}
		List<String> methods = strings(match.get("methods"), what + " methods", false);
		List<String> paths = strings(match.get("paths"), what + " paths", false);
		Map<String, Object> normalized = Json.object("schemes", schemes.isEmpty() ? List.of("https") : schemes, "ports",
				ports.isEmpty() ? List.of(443) : ports, "hosts", hosts, "methods",
				methods.isEmpty() ? List.of("GET", "POST", "PUT", "PATCH", "DELETE") : methods, "paths",
				paths.isEmpty() ? List.of("/*") : paths);
		Map<?, ?> auth = object(json.get("auth"), what + " auth");
		String type = String.valueOf(auth.get("type"));
		List<String> credentials = new ArrayList<>();
		String header = null;
		if ("bearer".equals(type) || "basic".equals(type)) {
			onlyKeys(auth, what + " auth", "type", "credential");
			credentials.add(name(auth.get("credential"), what + " auth credential"));
		}
		else if ("apiKey".equals(type)) {
			onlyKeys(auth, what + " auth", "type", "name", "credential");
			header = headerName(auth.get("name"), what);
			credentials.add(name(auth.get("credential"), what + " auth credential"));
		}
		else if ("customHeaders".equals(type)) {
			onlyKeys(auth, what + " auth", "type", "headers");
			List<?> headers = list(auth.get("headers"), what + " auth headers", true);
			if (headers.isEmpty()) {
				throw bad(what + " auth needs at least one header");
			}
			for (Object entry : headers) {
				Map<?, ?> headerJson = object(entry, what + " auth header");
				onlyKeys(headerJson, what + " auth header", "name", "credential");
				headerName(headerJson.get("name"), what);
				credentials.add(name(headerJson.get("credential"), what + " auth credential"));
			}
		}
		else {
			throw bad(what + " auth type must be bearer, basic, apiKey or customHeaders");
		}
		return new Binding(name, revision, normalized, type, header, credentials);
	}

	private static String headerName(@Nullable Object value, String what) {
		if (!(value instanceof String name) || !TOKEN.matcher(name).matches()) {
			throw bad(what + " header name must be an HTTP token");
		}
		return name;
	}

	private static String name(@Nullable Object value, String what) {
		if (!(value instanceof String name) || name.isBlank() || name.length() > 256) {
			throw bad(what + " name must be a non-empty string of at most 256 characters");
		}
		return name;
	}

	private static List<String> strings(@Nullable Object value, String what, boolean required) {
		List<String> strings = new ArrayList<>();
		for (Object item : list(value, what, required)) {
			if (!(item instanceof String text) || text.isBlank()) {
				throw bad(what + " must be non-empty strings");
			}
			strings.add(text);
		}
		return strings;
	}

	private static List<?> list(@Nullable Object value, String what, boolean required) {
		if (value == null) {
			if (required) {
				throw bad(what + " is required");
			}
			return List.of();
		}
		if (!(value instanceof List<?> list)) {
			throw bad(what + " must be an array");
		}
		return list;
	}

	private static Map<?, ?> object(@Nullable Object value, String what) {
		if (value == null) {
			return Map.of();
		}
		if (!(value instanceof Map<?, ?> map)) {
			throw bad(what + " must be an object");
		}
		return map;
	}

	private static void onlyKeys(Map<?, ?> json, String what, String... allowed) {
		List<String> keys = List.of(allowed);
		for (Object key : json.keySet()) {
			if (!keys.contains(key)) {
				throw bad(what + " has an unknown field '" + key + "'");
			}
		}
	}

	private static ApiException bad(String message) {
		return new ApiException(400, "", message);
	}

	/**
	 * A credential; its value stays here.
	 */
	private record Credential(String name, String value, long revision) {

		Map<String, Object> metadata() {
			return Json.object("name", this.name, "sourceType", "inline", "revision", this.revision);
		}

		@Override
		public String toString() {
			return "Credential[" + this.name + "]";
		}

	}

	/**
	 * A binding and the credentials it refers to.
	 */
	private record Binding(String name, long revision, Map<String, Object> match, String type, @Nullable String header,
			List<String> credentials) {

		Map<String, Object> metadata() {
			Map<String, Object> auth = (this.header != null) ? Json.object("type", this.type, "name", this.header)
					: Json.object("type", this.type);
			return Json.object("name", this.name, "revision", this.revision, "match", this.match, "auth", auth);
		}

	}

}
