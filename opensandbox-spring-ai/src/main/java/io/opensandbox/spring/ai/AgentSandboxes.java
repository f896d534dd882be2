package io.opensandbox.spring.ai;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.content.Media;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;
import org.springframework.util.MimeType;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.core.Sandbox;
import io.opensandbox.spring.core.SandboxCleanup;
import io.opensandbox.spring.core.SandboxOperations;
import io.opensandbox.spring.core.SandboxPool;
import io.opensandbox.spring.model.CodeContext;
import io.opensandbox.spring.model.SandboxSpec;

/**
 * The sandboxes of AI agents: one per conversation, created on the conversation's first
 * tool call, reused by its later calls, and killed when it has been idle for the idle
 * timeout, when the application {@link #end(String) ends} the conversation, and at
 * shutdown. A cap bounds how many are alive at once. Calls of one conversation run one
 * after the other, so that a model's steps see each other's effects in order.
 * <p>
 * Images and other non-text results of code runs are kept here per conversation (the tool
 * result only names them), for the application to show or to pass to a model as
 * {@link Media}.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class AgentSandboxes implements SmartLifecycle, DisposableBean {

	private static final Log logger = LogFactory.getLog(AgentSandboxes.class);

	private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

	private final Supplier<Sandbox> factory;

	private final Duration idleTimeout;

	private final int maxSandboxes;

	private final int maxMedia;

	private final Map<String, Conversation> conversations = new ConcurrentHashMap<>();

	private final AtomicInteger alive = new AtomicInteger();

	private final ScheduledExecutorService reaper;

	private volatile boolean closed;

	private volatile boolean running;

	/**
	 * Create the registry and start its idle reaper.
	 * @param sandboxes where sandboxes are created
	 * @param spec the specification of every agent sandbox
	 * @param idleTimeout how long a conversation's sandbox may be idle
	 * @param maxSandboxes the most sandboxes alive at once
	 * @param maxMedia the most media kept per conversation
	 */
	public AgentSandboxes(SandboxOperations sandboxes, SandboxSpec spec, Duration idleTimeout, int maxSandboxes,
			int maxMedia) {
		this(creating(sandboxes, spec), idleTimeout, maxSandboxes, maxMedia);
	}

	/**
	 * Create a registry whose sandboxes come warm from a pool (and are killed, never
	 * handed back, when their conversation ends), and start its idle reaper.
	 * @param pool where sandboxes come from
	 * @param idleTimeout how long a conversation's sandbox may be idle
	 * @param maxSandboxes the most sandboxes alive at once
	 * @param maxMedia the most media kept per conversation
	 */
	public AgentSandboxes(SandboxPool pool, Duration idleTimeout, int maxSandboxes, int maxMedia) {
		this(acquiring(pool), idleTimeout, maxSandboxes, maxMedia);
	}

	private AgentSandboxes(Supplier<Sandbox> factory, Duration idleTimeout, int maxSandboxes, int maxMedia) {
		Assert.isTrue(idleTimeout != null && idleTimeout.toMillis() > 0, "Idle timeout must be positive");
		Assert.isTrue(maxSandboxes >= 1, "At least one sandbox must be allowed");
		Assert.isTrue(maxMedia >= 0, "Media count must not be negative");
		this.factory = factory;
		this.idleTimeout = idleTimeout;
		this.maxSandboxes = maxSandboxes;
		this.maxMedia = maxMedia;
		this.reaper = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "opensandbox-ai-reaper");
			thread.setDaemon(true);
			return thread;
		});
		long period = Math.min(Math.max(idleTimeout.toMillis() / 4, 100), 30_000);
		this.reaper.scheduleWithFixedDelay(this::reapSafely, period, period, TimeUnit.MILLISECONDS);
	}

	private static Supplier<Sandbox> creating(SandboxOperations sandboxes, SandboxSpec spec) {
		Assert.notNull(sandboxes, "'sandboxes' must not be null");
		Assert.notNull(spec, "'spec' must not be null");
		return () -> sandboxes.create(spec);
	}

	private static Supplier<Sandbox> acquiring(SandboxPool pool) {
		Assert.notNull(pool, "'pool' must not be null");
		return pool::acquire;
	}

	/**
	 * Run work in the sandbox of a conversation, creating it on the conversation's first
	 * call; or, in {@link Mode#CALL} mode or without a conversation id, in a sandbox of
	 * its own that is killed after the work.
	 * @param <T> the result type
	 * @param conversationId the conversation, or {@code null} for none
	 * @param mode which sandbox to use; in {@link Mode#CALL} mode the session's
	 * conversation id is empty and media are not kept
	 * @param work the work
	 * @return what the work returned
	 * @throws LimitReachedException if a new sandbox is needed and the cap is reached
	 */
	public <T> T run(@Nullable String conversationId, Mode mode, Function<Session, T> work) {
		Assert.notNull(mode, "'mode' must not be null");
		Assert.notNull(work, "'work' must not be null");
		if (mode == Mode.CALL || conversationId == null) {
			return runOnce(work);
		}
		while (true) {
			checkOpen();
			Conversation conversation = this.conversations.computeIfAbsent(conversationId, Conversation::new);
			conversation.lock.lock();
			try {
				if (conversation.ended.get()) {
					// reaped or ended while this call waited: start afresh
					continue;
				}
				if (conversation.sandbox == null) {
					create(conversation);
				}
				conversation.touch();
				try {
					return work.apply(conversation.session);
				}
				finally {
					conversation.touch();
				}
			}
			finally {
				conversation.lock.unlock();
			}
		}
	}

	private void create(Conversation conversation) {
		try {
			reserve();
		}
		catch (LimitReachedException ex) {
			abandon(conversation);
			throw ex;
		}
		try {
			conversation.sandbox = this.factory.get();
		}
		catch (RuntimeException ex) {
			this.alive.decrementAndGet();
			abandon(conversation);
			throw ex;
		}
	}

	private void abandon(Conversation conversation) {
		conversation.ended.set(true);
		this.conversations.remove(conversation.id, conversation);
	}

	private <T> T runOnce(Function<Session, T> work) {
		checkOpen();
		reserve();
		Sandbox sandbox;
		try {
			sandbox = this.factory.get();
		}
		catch (RuntimeException ex) {
			this.alive.decrementAndGet();
			throw ex;
		}
		try {
			// media of a call in a sandbox of its own are not kept: nothing outlives the
			// call
			Conversation once = new Conversation("");
			once.sandbox = sandbox;
			return work.apply(once.session);
		}
		finally {
			kill(sandbox);
			this.alive.decrementAndGet();
		}
	}

	private void reserve() {
		while (true) {
			int current = this.alive.get();
			if (current >= this.maxSandboxes) {
				throw new LimitReachedException(this.maxSandboxes);
			}
			if (this.alive.compareAndSet(current, current + 1)) {
				return;
			}
		}
	}

	private void checkOpen() {
		if (this.closed) {
			throw new IllegalStateException("Agent sandboxes are closed: the application is shutting down");
		}
	}

	/**
	 * End a conversation: kill its sandbox now (a call still running in it fails) and
	 * forget its media.
	 * @param conversationId the conversation
	 * @return whether the conversation had a sandbox or media
	 */
	public boolean end(String conversationId) {
		Assert.hasText(conversationId, "Conversation id must not be empty");
		Conversation conversation = this.conversations.remove(conversationId);
		if (conversation == null) {
			return false;
		}
		retire(conversation);
		return true;
	}

	/**
	 * The conversations that have a sandbox now.
	 * @return the conversation ids
	 */
	public Set<String> conversations() {
		return Set.copyOf(this.conversations.keySet());
	}

	/**
	 * The id of a conversation's sandbox.
	 * @param conversationId the conversation
	 * @return the sandbox id, empty if the conversation has none
	 */
	public Optional<String> sandboxId(String conversationId) {
		Conversation conversation = this.conversations.get(conversationId);
		Sandbox sandbox = (conversation != null) ? conversation.sandbox : null;
		return Optional.ofNullable(sandbox).map(Sandbox::id);
	}

	/**
	 * How many agent sandboxes are alive or being created.
	 * @return the count
	 */
	public int alive() {
		return this.alive.get();
	}

	/**
	 * The media (images and other non-text results) that code runs of a conversation
	 * produced, oldest first, at most {@code opensandbox.ai.max-media-per-conversation};
	 * the id of each is the number the tool result gave it.
	 * @param conversationId the conversation
	 * @return the media
	 */
	public List<Media> media(String conversationId) {
		Conversation conversation = this.conversations.get(conversationId);
		return (conversation != null) ? conversation.session.media() : List.of();
	}

	/**
	 * Kill the sandboxes of conversations idle for longer than the idle timeout.
	 * @return how many were killed
	 */
	int reapIdle() {
		long now = System.nanoTime();
		int reaped = 0;
		for (Conversation conversation : this.conversations.values()) {
			if (now - conversation.lastUsed < this.idleTimeout.toNanos() || !conversation.lock.tryLock()) {
				continue;
			}
			try {
				if (now - conversation.lastUsed >= this.idleTimeout.toNanos()
						&& this.conversations.remove(conversation.id, conversation)) {
					retire(conversation);
					reaped++;
				}
			}
			finally {
				conversation.lock.unlock();
			}
		}
		return reaped;
	}

	private void reapSafely() {
		try {
			int reaped = reapIdle();
			if (reaped > 0 && logger.isDebugEnabled()) {
				logger.debug("Killed " + reaped + " idle agent sandbox(es)");
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Killing idle agent sandboxes failed; trying again later", ex);
		}
	}

	private void retire(Conversation conversation) {
		if (!conversation.ended.compareAndSet(false, true)) {
			return;
		}
		Sandbox sandbox = conversation.sandbox;
		if (sandbox != null) {
			kill(sandbox);
			this.alive.decrementAndGet();
		}
	}

	private static void kill(Sandbox sandbox) {
		try {
			sandbox.kill();
		}
		catch (RuntimeException ex) {
			// the sandbox's time to live ends it anyway
			logger.warn("Could not kill agent sandbox " + sandbox.id() + ": " + ex.getMessage());
		}
	}

	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * Kill every agent sandbox, in parallel, and stop the reaper: while the HTTP clients
	 * still work, since the shutdown phase is above theirs, and before the general
	 * cleanup sweep, so that agent sandboxes die at shutdown even where that sweep is
	 * off.
	 */
	@Override
	public void stop() {
		this.running = false;
		this.closed = true;
		this.reaper.shutdownNow();
		List<Sandbox> sandboxes = new ArrayList<>();
		for (Conversation conversation : this.conversations.values()) {
			if (conversation.ended.compareAndSet(false, true) && conversation.sandbox != null) {
				sandboxes.add(conversation.sandbox);
			}
		}
		this.conversations.clear();
		Flux.fromIterable(sandboxes)
			.flatMap((sandbox) -> sandbox.reactive()
				.kill()
				.doOnSuccess((done) -> this.alive.decrementAndGet())
				.onErrorResume((ex) -> {
					logger.warn("Could not kill agent sandbox " + sandbox.id() + ": " + ex.getMessage());
					return Mono.empty();
				}), 16)
			.then()
			.block(SHUTDOWN_TIMEOUT);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Stops before {@link SandboxCleanup} (higher phases stop first).
	 * @return the phase
	 */
	@Override
	public int getPhase() {
		return SandboxCleanup.PHASE + 1;
	}

	/**
	 * The same as {@link #stop()} for a registry used outside an application context;
	 * nothing is left to do after a stop.
	 */
	@Override
	public void destroy() {
		stop();
	}

	/**
	 * Which sandbox a tool call runs in.
	 */
	public enum Mode {

		/** The conversation's own sandbox, kept between its calls. */
		CONVERSATION,

		/** A fresh sandbox for the one call, killed after it. */
		CALL

	}

	/**
	 * What a tool call sees of its conversation: the sandbox, the conversation's code
	 * contexts (so that code keeps its state between calls), and where media go.
	 */
	public final class Session {

		private final Conversation conversation;

		private final Map<String, CodeContext> codeContexts = new HashMap<>();

		private final Deque<Media> media = new ArrayDeque<>();

		private int kept;

		private Session(Conversation conversation) {
			this.conversation = conversation;
		}

		/**
		 * The conversation id; empty for a call in a sandbox of its own.
		 * @return the id
		 */
		public String conversationId() {
			return this.conversation.id;
		}

		/**
		 * The sandbox.
		 * @return the sandbox
		 */
		public Sandbox sandbox() {
			Sandbox sandbox = this.conversation.sandbox;
			Assert.state(sandbox != null, "The conversation has no sandbox");
			return sandbox;
		}

		/**
		 * The code context of a language in this conversation, created on first use.
		 * @param language the language
		 * @return the context
		 */
		public CodeContext codeContext(String language) {
			return this.codeContexts.computeIfAbsent(language, (name) -> sandbox().codes().createContext(name));
		}

		/**
		 * Keep a medium for the application, as {@link Media} whose id is its number in
		 * this conversation.
		 * @param mimeType its type
		 * @param data its content
		 * @return its number in this conversation, from 1
		 */
		public synchronized int keep(MimeType mimeType, byte[] data) {
			this.kept++;
			if (AgentSandboxes.this.maxMedia > 0) {
				this.media.addLast(Media.builder()
					.mimeType(mimeType)
					.data(data)
					.id(Integer.toString(this.kept))
					.name("result-" + this.kept)
					.build());
				while (this.media.size() > AgentSandboxes.this.maxMedia) {
					this.media.removeFirst();
				}
			}
			return this.kept;
		}

		synchronized List<Media> media() {
			return List.copyOf(this.media);
		}

	}

	/**
	 * Thrown when a tool call needs a new sandbox and
	 * {@code opensandbox.ai.max-sandboxes} are alive.
	 */
	public static final class LimitReachedException extends IllegalStateException {

		private static final long serialVersionUID = 1L;

		LimitReachedException(int max) {
			super("All " + max + " agent sandboxes are in use (opensandbox.ai.max-sandboxes); "
					+ "try again when a conversation has ended");
		}

	}

	private final class Conversation {

		private final String id;

		private final ReentrantLock lock = new ReentrantLock();

		private final AtomicBoolean ended = new AtomicBoolean();

		private final Session session;

		private volatile @Nullable Sandbox sandbox;

		private volatile long lastUsed = System.nanoTime();

		Conversation(String id) {
			this.id = id;
			this.session = new Session(this);
		}

		void touch() {
			this.lastUsed = System.nanoTime();
		}

	}

}
