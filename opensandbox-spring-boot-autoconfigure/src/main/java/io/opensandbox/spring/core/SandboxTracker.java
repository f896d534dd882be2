package io.opensandbox.spring.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

/**
 * The sandboxes this application created and has not yet killed or released. Once
 * {@link #close() closed} (when the application context closes; not when it is only
 * stopped or paused) no sandbox can be tracked, so none is created that the shutdown
 * sweep would miss. Thread-safe.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class SandboxTracker {

	private final Map<String, TrackedSandbox> sandboxes = new ConcurrentHashMap<>();

	private final List<Consumer<TrackedSandbox>> goneListeners = new CopyOnWriteArrayList<>();

	private volatile boolean closed;

	/**
	 * Fail if the tracker no longer accepts sandboxes.
	 * @throws IllegalStateException after {@link #close()}
	 */
	public void checkOpen() {
		if (this.closed) {
			throw new IllegalStateException("The application is shutting down: no new sandbox can be created");
		}
	}

	/**
	 * Track a sandbox.
	 * @param sandbox the sandbox
	 * @throws IllegalStateException after {@link #close()}
	 */
	public void track(TrackedSandbox sandbox) {
		checkOpen();
		this.sandboxes.put(sandbox.id(), sandbox);
	}

	/**
	 * Stop tracking a sandbox (it was killed, or the caller takes it over).
	 * @param sandboxId the sandbox id
	 * @return whether it was tracked
	 */
	public boolean untrack(String sandboxId) {
		return this.sandboxes.remove(sandboxId) != null;
	}

	/**
	 * Stop tracking a sandbox because it no longer exists (killed by the application, or
	 * found gone on the server), and tell the listeners.
	 * @param sandboxId the sandbox id
	 * @return whether it was tracked
	 */
	public boolean gone(String sandboxId) {
		TrackedSandbox sandbox = this.sandboxes.remove(sandboxId);
		if (sandbox == null) {
			return false;
		}
		this.goneListeners.forEach((listener) -> listener.accept(sandbox));
		return true;
	}

	/**
	 * Be told of every tracked sandbox that is {@link #gone(String) gone}. Listeners run
	 * on the thread that learned it, which may be an event-loop thread: they must not
	 * block.
	 * @param listener the listener
	 */
	public void onGone(Consumer<TrackedSandbox> listener) {
		this.goneListeners.add(listener);
	}

	/**
	 * Whether a sandbox is tracked.
	 * @param sandboxId the sandbox id
	 * @return {@code true} if tracked
	 */
	public boolean isTracked(String sandboxId) {
		return this.sandboxes.containsKey(sandboxId);
	}

	/**
	 * A tracked sandbox.
	 * @param sandboxId the sandbox id
	 * @return the sandbox, or {@code null} if it is not tracked
	 */
	public @Nullable TrackedSandbox get(String sandboxId) {
		return this.sandboxes.get(sandboxId);
	}

	/**
	 * Record a new expiry of a tracked sandbox.
	 * @param sandboxId the sandbox id
	 * @param expiresAt the new expiry
	 */
	void renewed(String sandboxId, Instant expiresAt) {
		update(sandboxId, (sandbox) -> sandbox.withExpiresAt(expiresAt));
	}

	private void update(String sandboxId, UnaryOperator<TrackedSandbox> change) {
		this.sandboxes.computeIfPresent(sandboxId, (id, sandbox) -> change.apply(sandbox));
	}

	/**
	 * The tracked sandboxes, oldest first.
	 * @return a snapshot of the tracked sandboxes
	 */
	public List<TrackedSandbox> tracked() {
		List<TrackedSandbox> snapshot = new ArrayList<>(this.sandboxes.values());
		snapshot.sort(Comparator.comparing(TrackedSandbox::createdAt));
		return snapshot;
	}

	/**
	 * How many sandboxes are tracked.
	 * @return the count
	 */
	public int size() {
		return this.sandboxes.size();
	}

	/**
	 * Accept no more sandboxes.
	 */
	public void close() {
		this.closed = true;
	}

	/**
	 * Whether the tracker was closed.
	 * @return {@code true} after {@link #close()}
	 */
	public boolean isClosed() {
		return this.closed;
	}

	/**
	 * A sandbox the application created and is responsible for: it is renewed while the
	 * application runs and killed when it stops, unless released.
	 *
	 * @param id the sandbox id
	 * @param image the image it was created from, if any
	 * @param createdAt when the application created it
	 * @param expiresAt when it expires unless renewed, or {@code null} if it never
	 * expires
	 * @param timeToLive how far each renewal extends it, or {@code null} if it is not
	 * renewed
	 * @param owner the name of the scoped bean that owns it, if any
	 * @since 0.1.0
	 */
	public record TrackedSandbox(String id, @Nullable String image, Instant createdAt, @Nullable Instant expiresAt,
			@Nullable Duration timeToLive, @Nullable String owner) {

		TrackedSandbox withExpiresAt(Instant expiresAt) {
			return new TrackedSandbox(this.id, this.image, this.createdAt, expiresAt, this.timeToLive, this.owner);
		}

	}

}
