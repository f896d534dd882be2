package io.opensandbox.spring.test.server;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.test.server.isolation.IsolatedSandbox;
import io.opensandbox.spring.test.server.isolation.ResourceLimits;

/**
 * One sandbox as the server holds it: what it was created with, its lifecycle state, its
 * isolated root and processes, and the execd and egress state that lives inside it.
 *
 * @author OpenSandbox Spring Boot
 */
final class ServerSandbox {

	private final String id;

	private final @Nullable String image;

	private final List<String> entrypoint;

	private final Map<String, String> env;

	private final @Nullable Map<String, Object> platform;

	private final @Nullable EgressPolicy egress;

	private final boolean secureAccess;

	private final Instant createdAt;

	private final Map<String, String> metadata;

	private final ResourceLimits limits;

	private final String accessToken = UUID.randomUUID().toString().replace("-", "");

	private final String egressToken = UUID.randomUUID().toString().replace("-", "");

	final Map<String, CommandRun> commands = new ConcurrentHashMap<>();

	final Map<String, BashSession> sessions = new ConcurrentHashMap<>();

	final Map<String, CodeContext> contexts = new ConcurrentHashMap<>();

	/** Interactive PTY sessions, by id. */
	final Map<String, PtySession> ptys = new ConcurrentHashMap<>();

	/** The egress sidecar's credential vault, once created. */
	final java.util.concurrent.atomic.AtomicReference<@Nullable CredentialVaultState> vault = new java.util.concurrent.atomic.AtomicReference<>();

	private volatile String state = "Pending";

	private volatile @Nullable String reason = "sandbox_pending";

	private volatile @Nullable String message = "Sandbox is being provisioned";

	private volatile Instant lastTransitionAt;

	private volatile @Nullable Instant expiresAt;

	private volatile @Nullable IsolatedSandbox isolated;

	private final AtomicReference<ExpiryTimer.@Nullable Expiry> expiry = new AtomicReference<>();

	/**
	 * Lifecycle events, the most recent {@value #MAX_EVENTS}, as diagnostic text lines.
	 */
	private final java.util.ArrayDeque<String> events = new java.util.ArrayDeque<>();

	/** The entry process's output, its last {@value #MAX_LOG} bytes. */
	private final byte[] log = new byte[MAX_LOG];

	private long logged;

	static final int MAX_EVENTS = 256;

	static final int MAX_LOG = 64 * 1024;

	ServerSandbox(String id, @Nullable String image, List<String> entrypoint, Map<String, String> env,
			Map<String, String> metadata, @Nullable Map<String, Object> platform, @Nullable EgressPolicy egress,
			boolean secureAccess, Instant createdAt, @Nullable Instant expiresAt, ResourceLimits limits) {
		this.id = id;
		this.limits = limits;
		this.image = image;
		this.entrypoint = List.copyOf(entrypoint);
		this.env = Map.copyOf(env);
		this.metadata = new LinkedHashMap<>(metadata);
		this.platform = platform;
		this.egress = egress;
		this.secureAccess = secureAccess;
		this.createdAt = createdAt;
		this.lastTransitionAt = createdAt;
		this.expiresAt = expiresAt;
		event("Pending", this.reason, this.message);
	}

	private synchronized void event(String newState, @Nullable String newReason, @Nullable String newMessage) {
		StringBuilder line = new StringBuilder().append(Instant.now()).append(" lifecycle ").append(newState);
		if (newReason != null) {
			line.append(' ').append(newReason);
		}
		if (newMessage != null) {
			line.append(": ").append(newMessage.replace('\n', ' '));
		}
		if (this.events.size() == MAX_EVENTS) {
			this.events.removeFirst();
		}
		this.events.addLast(line.toString());
	}

	/**
	 * The lifecycle events, oldest first, one line each.
	 * @return the event text
	 */
	synchronized String events() {
		StringBuilder text = new StringBuilder();
		for (String line : this.events) {
			text.append(line).append('\n');
		}
		return text.toString();
	}

	/**
	 * Keep output of the entry process; only the last {@value #MAX_LOG} bytes stay.
	 * @param bytes the buffer
	 * @param length how many bytes of it
	 */
	synchronized void log(byte[] bytes, int length) {
		for (int i = 0; i < length; i++) {
			this.log[(int) (this.logged++ % MAX_LOG)] = bytes[i];
		}
	}

	/**
	 * The kept output of the entry process.
	 * @return the text, and whether older output was dropped
	 */
	synchronized java.util.Map.Entry<String, Boolean> log() {
		int length = (int) Math.min(this.logged, MAX_LOG);
		byte[] kept = new byte[length];
		int start = (int) ((this.logged - length) % MAX_LOG);
		for (int i = 0; i < length; i++) {
			kept[i] = this.log[(start + i) % MAX_LOG];
		}
		return java.util.Map.entry(new String(kept, java.nio.charset.StandardCharsets.UTF_8), this.logged > MAX_LOG);
	}

	String id() {
		return this.id;
	}

	ResourceLimits limits() {
		return this.limits;
	}

	@Nullable String image() {
		return this.image;
	}

	List<String> entrypoint() {
		return this.entrypoint;
	}

	Map<String, String> env() {
		return this.env;
	}

	@Nullable EgressPolicy egress() {
		return this.egress;
	}

	boolean secureAccess() {
		return this.secureAccess;
	}

	String accessToken() {
		return this.accessToken;
	}

	String egressToken() {
		return this.egressToken;
	}

	Instant createdAt() {
		return this.createdAt;
	}

	String state() {
		return this.state;
	}

	synchronized void transition(String newState, @Nullable String newReason, @Nullable String newMessage) {
		event(newState, newReason, newMessage);
		this.state = newState;
		this.reason = newReason;
		this.message = newMessage;
		this.lastTransitionAt = Instant.now();
	}

	/**
	 * Move to a state only from an expected one.
	 * @param from the expected state
	 * @param to the new state
	 * @param newReason the reason
	 * @return whether the transition happened
	 */
	synchronized boolean transitionFrom(String from, String to, @Nullable String newReason) {
		if (!this.state.equals(from)) {
			return false;
		}
		transition(to, newReason, null);
		return true;
	}

	@Nullable Instant expiresAt() {
		return this.expiresAt;
	}

	void expiresAt(Instant value) {
		this.expiresAt = value;
	}

	@Nullable IsolatedSandbox isolated() {
		return this.isolated;
	}

	void isolated(IsolatedSandbox value) {
		this.isolated = value;
	}

	/**
	 * Replace the sandbox's expiry, cancelling the one it replaces (so that of two
	 * renewals at once, none is left running unseen).
	 * @param value the new expiry, or null for none
	 */
	void expiry(ExpiryTimer.@Nullable Expiry value) {
		ExpiryTimer.Expiry replaced = this.expiry.getAndSet(value);
		if (replaced != null) {
			replaced.cancel();
		}
	}

	Map<String, String> metadata() {
		synchronized (this.metadata) {
			return new LinkedHashMap<>(this.metadata);
		}
	}

	void patchMetadata(Map<String, Object> patch) {
		synchronized (this.metadata) {
			Map<String, String> merged = new java.util.LinkedHashMap<>(this.metadata);
			patch.forEach((key, value) -> {
				if (value == null) {
					merged.remove(key);
				}
				else {
					merged.put(key, value.toString());
				}
			});
			// Checked whole before anything changes.
			LifecycleApi.checkMetadata(merged);
			this.metadata.clear();
			this.metadata.putAll(merged);
		}
	}

	/**
	 * The {@code Sandbox} JSON of the lifecycle API.
	 * @param created whether this is the create response, which carries no image
	 * @return the JSON object
	 */
	Map<String, Object> toJson(boolean created) {
		Map<String, Object> status = Json.object("state", this.state, "reason", this.reason, "message", this.message,
				"lastTransitionAt", Timestamps.format(this.lastTransitionAt));
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("id", this.id);
		if (!created && this.image != null) {
			json.put("image", Map.of("uri", this.image));
		}
		json.put("status", status);
		json.put("metadata", metadata());
		json.put("entrypoint", new ArrayList<>(this.entrypoint));
		if (this.platform != null) {
			json.put("platform", this.platform);
		}
		Instant expires = this.expiresAt;
		if (expires != null) {
			json.put("expiresAt", Timestamps.format(expires));
		}
		json.put("createdAt", Timestamps.format(this.createdAt));
		return json;
	}

}
