package io.opensandbox.spring.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.beans.factory.ObjectFactory;
import org.springframework.beans.factory.config.Scope;

/**
 * The scope behind {@link SandboxScoped}: one instance per bean per application context,
 * created on first use (concurrent first uses wait for one creation), destroyed by
 * {@link #close()} when the context closes (stopping, pausing or restarting the context
 * leaves it alone). After that, asking for a scoped bean fails with an
 * {@link IllegalStateException}. While a scoped bean is being created, sandboxes created
 * on that thread are recorded as owned by it; when such a sandbox is known to be gone
 * (killed through the application or its actuator endpoint, or found gone by the
 * keep-alive renewal) the bean is {@link #discard(String) discarded}, so its next use
 * creates a new one.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class SandboxScope implements Scope {

	/** The scope name. */
	public static final String NAME = "sandbox";

	private static final Log logger = LogFactory.getLog(SandboxScope.class);

	private static final ThreadLocal<@Nullable String> currentOwner = new ThreadLocal<>();

	private final Map<String, Object> instances = new ConcurrentHashMap<>();

	private final Map<String, Object> locks = new ConcurrentHashMap<>();

	private final Map<String, Runnable> destructionCallbacks = Collections.synchronizedMap(new LinkedHashMap<>());

	private volatile boolean closed;

	@Override
	public Object get(String name, ObjectFactory<?> objectFactory) {
		Object instance = this.instances.get(name);
		if (instance != null) {
			return instance;
		}
		synchronized (this.locks.computeIfAbsent(name, (key) -> new Object())) {
			instance = this.instances.get(name);
			if (instance == null) {
				String beanName = beanName(name);
				checkOpen(beanName);
				String previousOwner = currentOwner.get();
				currentOwner.set(beanName);
				try {
					instance = objectFactory.getObject();
				}
				finally {
					currentOwner.set(previousOwner);
				}
				this.instances.put(name, instance);
			}
			return instance;
		}
	}

	/*
	 * The name the application knows a scoped bean by: behind a scoped proxy the scope is
	 * asked for the {@code scopedTarget.} bean.
	 */
	private static String beanName(String name) {
		return ScopedProxyUtils.isScopedTarget(name) ? ScopedProxyUtils.getOriginalBeanName(name) : name;
	}

	private void checkOpen(String name) {
		if (this.closed) {
			throw new IllegalStateException(
					"Cannot create sandbox-scoped bean '" + name + "': the application context is shutting down");
		}
	}

	@Override
	public @Nullable Object remove(String name) {
		this.destructionCallbacks.remove(name);
		return this.instances.remove(name);
	}

	@Override
	public void registerDestructionCallback(String name, Runnable callback) {
		this.destructionCallbacks.put(name, callback);
	}

	@Override
	public @Nullable Object resolveContextualObject(String key) {
		return null;
	}

	@Override
	public @Nullable String getConversationId() {
		return null;
	}

	/**
	 * Forget the instance of a scoped bean whose sandbox is gone, without running its
	 * destruction callback (there is nothing left to kill), so that the next use of the
	 * bean creates a new instance with a new sandbox.
	 * @param beanName the name the application knows the bean by
	 * @return whether an instance was discarded
	 */
	public boolean discard(String beanName) {
		boolean discarded = false;
		for (String name : List.copyOf(this.instances.keySet())) {
			if (beanName(name).equals(beanName)) {
				// No lock: this may run on an event loop while another thread holds the
				// creation lock waiting for that very loop
				this.destructionCallbacks.remove(name);
				discarded |= this.instances.remove(name) != null;
			}
		}
		if (discarded) {
			logger.debug("Sandbox of sandbox-scoped bean '" + beanName + "' is gone; the next use creates a new one");
		}
		return discarded;
	}

	/**
	 * The names of the scoped beans created so far.
	 * @return the bean names
	 */
	public List<String> getBeanNames() {
		return new ArrayList<>(this.instances.keySet());
	}

	/**
	 * Refuse new scoped beans and run the destruction callbacks of the existing ones (the
	 * container never runs a custom scope's callbacks itself).
	 */
	public void close() {
		this.closed = true;
		List<Map.Entry<String, Runnable>> callbacks;
		synchronized (this.destructionCallbacks) {
			callbacks = new ArrayList<>(this.destructionCallbacks.entrySet());
			this.destructionCallbacks.clear();
		}
		Collections.reverse(callbacks);
		for (Map.Entry<String, Runnable> callback : callbacks) {
			try {
				callback.getValue().run();
			}
			catch (RuntimeException ex) {
				logger.warn("Destroying sandbox-scoped bean '" + callback.getKey() + "' failed: " + ex.getMessage());
			}
		}
		this.instances.clear();
	}

	/**
	 * Whether the scope was closed.
	 * @return {@code true} after {@link #close()}
	 */
	public boolean isClosed() {
		return this.closed;
	}

	/**
	 * The name of the scoped bean being created on this thread, if any.
	 * @return the bean name or {@code null}
	 */
	static @Nullable String currentOwner() {
		return currentOwner.get();
	}

}
