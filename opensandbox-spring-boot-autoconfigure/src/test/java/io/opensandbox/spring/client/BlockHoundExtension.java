package io.opensandbox.spring.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingMethod;
import reactor.blockhound.BlockingOperationError;
import reactor.core.scheduler.Schedulers;

/**
 * Installs BlockHound once per test JVM and arms it only while a test class that uses
 * this extension runs. While armed, a blocking call on a non-blocking thread (a Netty
 * event loop, Reactor's {@code parallel()} scheduler) throws BlockHound's
 * {@link BlockingOperationError} there, as BlockHound does by default, and is also
 * recorded: a test fails afterwards if anything was recorded, so a detection that the
 * code under test swallowed or translated (or that happened on a thread no test waits
 * for) still fails it.
 * <p>
 * BlockHound cannot be uninstalled. Disarmed, it lets every call through, so test classes
 * that share the JVM (WireMock's Jetty threads, test servers, Awaitility, tests that
 * block on purpose) run as if it were not there.
 * <p>
 * The integrations that Reactor, Netty and Spring ship (loaded from the class path)
 * apply, with one allowance of our own, justified where it is made.
 *
 * @author OpenSandbox Spring Boot
 */
public final class BlockHoundExtension
		implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

	private static final List<BlockingOperationError> detected = new CopyOnWriteArrayList<>();

	private static volatile boolean armed;

	static {
		// BlockHound has to be installed before the threads it watches start: a worker of
		// Reactor's parallel scheduler already waiting for work would fail once installed
		// (its waiting frame predates the allowance Reactor registers for it), and the
		// scheduler would never run a task again. The *NonBlockingTests get a JVM of
		// their
		// own for that (see the blockhound profile of the pom); if they share one anyway
		// (with -Dtest), start the schedulers afresh.
		Schedulers.shutdownNow();
		BlockHound.install((builder) -> builder
			// Netty extracts its native transport library from its jar to a temporary
			// file
			// and loads it, once per JVM, from the static initializer of the first class
			// that
			// needs it. Reactor Netty triggers that lazily, when the first request
			// creates
			// its default DNS resolver, which can happen on an event loop; no request of
			// ours
			// ever does it again.
			.allowBlockingCallsInside("io.netty.util.internal.NativeLibraryLoader", "load")
			.blockingMethodCallback(BlockHoundExtension::blockingCall));
	}

	private static void blockingCall(BlockingMethod method) {
		if (!armed) {
			return;
		}
		BlockingOperationError error = new BlockingOperationError(method);
		detected.add(error);
		throw error;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		detected.clear();
		armed = true;
	}

	@Override
	public void afterAll(ExtensionContext context) {
		armed = false;
		detected.clear();
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		detected.clear();
	}

	@Override
	public void afterEach(ExtensionContext context) {
		List<BlockingOperationError> found = drain();
		if (!found.isEmpty()) {
			AssertionError failure = new AssertionError(found.size() + " blocking call(s) on non-blocking threads, "
					+ "the first: " + found.get(0).getMessage(), found.get(0));
			found.stream().skip(1).forEach(failure::addSuppressed);
			throw failure;
		}
	}

	/**
	 * The blocking calls detected since the test started, which are then forgotten. For a
	 * test that blocks on purpose, to check that BlockHound saw it.
	 * @return the detections
	 */
	public static List<BlockingOperationError> drain() {
		List<BlockingOperationError> found = new ArrayList<>(detected);
		detected.removeAll(found);
		return found;
	}

}
