package io.opensandbox.spring.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link SandboxScope}.
 *
 * @author OpenSandbox Spring Boot
 */
class SandboxScopeTests {

	private final SandboxScope scope = new SandboxScope();

	private ExecutorService executor;

	@AfterEach
	void stopExecutor() {
		if (this.executor != null) {
			this.executor.shutdownNow();
		}
	}

	@Test
	void getCreatesTheInstanceOnceAndReturnsItAfterwards() {
		AtomicInteger creations = new AtomicInteger();
		ObjectFactory<Object> factory = () -> {
			creations.incrementAndGet();
			return new Object();
		};
		Object first = this.scope.get("pythonSandbox", factory);
		Object second = this.scope.get("pythonSandbox", factory);
		assertThat(second).isSameAs(first);
		assertThat(creations).hasValue(1);
		assertThat(this.scope.getBeanNames()).containsExactly("pythonSandbox");
	}

	@Test
	void concurrentFirstUsesCreateTheInstanceOnce() throws Exception {
		int threads = 16;
		this.executor = Executors.newFixedThreadPool(threads);
		CountDownLatch ready = new CountDownLatch(threads);
		CountDownLatch start = new CountDownLatch(1);
		AtomicInteger creations = new AtomicInteger();
		ObjectFactory<Object> factory = () -> {
			creations.incrementAndGet();
			try {
				// Widen the race: every other thread arrives while this one creates
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return new Object();
		};
		List<Future<Object>> results = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			results.add(this.executor.submit(() -> {
				ready.countDown();
				start.await();
				return this.scope.get("pythonSandbox", factory);
			}));
		}
		assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
		start.countDown();
		Object first = results.get(0).get(10, TimeUnit.SECONDS);
		for (Future<Object> result : results) {
			assertThat(result.get(10, TimeUnit.SECONDS)).isSameAs(first);
		}
		assertThat(creations).hasValue(1);
	}

	@Test
	void differentNamesGetDifferentInstances() {
		Object python = this.scope.get("pythonSandbox", Object::new);
		Object node = this.scope.get("nodeSandbox", Object::new);
		assertThat(node).isNotSameAs(python);
		assertThat(this.scope.get("pythonSandbox", Object::new)).isSameAs(python);
		assertThat(this.scope.get("nodeSandbox", Object::new)).isSameAs(node);
		assertThat(this.scope.getBeanNames()).containsExactlyInAnyOrder("pythonSandbox", "nodeSandbox");
	}

	@Test
	void discardForgetsTheInstanceOfTheNamedBeanWithoutDestroyingIt() {
		AtomicInteger destroyed = new AtomicInteger();
		this.scope.get("scopedTarget.python", () -> "first");
		this.scope.registerDestructionCallback("scopedTarget.python", destroyed::incrementAndGet);
		assertThat(this.scope.discard("node")).isFalse();
		assertThat(this.scope.discard("python")).isTrue();
		assertThat(this.scope.discard("python")).isFalse();
		assertThat(this.scope.get("scopedTarget.python", () -> "second")).isEqualTo("second");
		this.scope.close();
		assertThat(destroyed).hasValue(0);
	}

	@Test
	void getAfterCloseFailsNamingTheBeanAndTheShutdown() {
		AtomicInteger creations = new AtomicInteger();
		assertThat(this.scope.isClosed()).isFalse();
		this.scope.close();
		assertThat(this.scope.isClosed()).isTrue();
		assertThatIllegalStateException().isThrownBy(() -> this.scope.get("pythonSandbox", () -> {
			creations.incrementAndGet();
			return new Object();
		})).withMessageContaining("'pythonSandbox'").withMessageContaining("shutting down");
		assertThat(creations).hasValue(0);
	}

	@Test
	void closeRunsTheDestructionCallbacksInReverseRegistrationOrder() {
		List<String> destroyed = Collections.synchronizedList(new ArrayList<>());
		this.scope.get("first", Object::new);
		this.scope.registerDestructionCallback("first", () -> destroyed.add("first"));
		this.scope.get("second", Object::new);
		this.scope.registerDestructionCallback("second", () -> destroyed.add("second"));
		this.scope.get("third", Object::new);
		this.scope.registerDestructionCallback("third", () -> destroyed.add("third"));
		assertThat(destroyed).isEmpty();
		this.scope.close();
		assertThat(destroyed).containsExactly("third", "second", "first");
		assertThat(this.scope.getBeanNames()).isEmpty();
	}

	@Test
	void failingDestructionCallbackDoesNotStopTheOthers() {
		List<String> destroyed = Collections.synchronizedList(new ArrayList<>());
		this.scope.registerDestructionCallback("first", () -> destroyed.add("first"));
		this.scope.registerDestructionCallback("failing", () -> {
			throw new IllegalStateException("boom");
		});
		this.scope.registerDestructionCallback("third", () -> destroyed.add("third"));
		this.scope.close();
		assertThat(destroyed).containsExactly("third", "first");
	}

	@Test
	void closeRunsEachDestructionCallbackOnce() {
		AtomicInteger destructions = new AtomicInteger();
		this.scope.registerDestructionCallback("pythonSandbox", destructions::incrementAndGet);
		this.scope.close();
		this.scope.close();
		assertThat(destructions).hasValue(1);
	}

	@Test
	void removedBeanIsNotDestroyedByClose() {
		AtomicInteger destructions = new AtomicInteger();
		Object instance = this.scope.get("pythonSandbox", Object::new);
		this.scope.registerDestructionCallback("pythonSandbox", destructions::incrementAndGet);
		assertThat(this.scope.remove("pythonSandbox")).isSameAs(instance);
		this.scope.close();
		assertThat(destructions).hasValue(0);
	}

	@Test
	void currentOwnerIsTheBeanBeingCreatedAndNullOutside() {
		AtomicReference<String> ownerDuringCreation = new AtomicReference<>();
		assertThat(SandboxScope.currentOwner()).isNull();
		this.scope.get("pythonSandbox", () -> {
			ownerDuringCreation.set(SandboxScope.currentOwner());
			return new Object();
		});
		assertThat(ownerDuringCreation).hasValue("pythonSandbox");
		assertThat(SandboxScope.currentOwner()).isNull();
	}

	@Test
	void currentOwnerOfAScopedProxyTargetIsTheBeanNameTheApplicationUses() {
		AtomicReference<String> ownerDuringCreation = new AtomicReference<>();
		this.scope.get("scopedTarget.pythonSandbox", () -> {
			ownerDuringCreation.set(SandboxScope.currentOwner());
			return new Object();
		});
		assertThat(ownerDuringCreation).hasValue("pythonSandbox");
		assertThat(this.scope.getBeanNames()).containsExactly("scopedTarget.pythonSandbox");
	}

	@Test
	void getOfAScopedProxyTargetAfterCloseNamesTheBeanTheApplicationUses() {
		this.scope.close();
		assertThatIllegalStateException().isThrownBy(() -> this.scope.get("scopedTarget.pythonSandbox", Object::new))
			.withMessageContaining("'pythonSandbox'")
			.withMessageNotContaining("scopedTarget");
	}

	@Test
	void currentOwnerIsRestoredAfterANestedCreation() {
		AtomicReference<String> innerOwner = new AtomicReference<>();
		AtomicReference<String> outerOwnerAfterInner = new AtomicReference<>();
		this.scope.get("outer", () -> {
			this.scope.get("inner", () -> {
				innerOwner.set(SandboxScope.currentOwner());
				return new Object();
			});
			outerOwnerAfterInner.set(SandboxScope.currentOwner());
			return new Object();
		});
		assertThat(innerOwner).hasValue("inner");
		assertThat(outerOwnerAfterInner).hasValue("outer");
		assertThat(SandboxScope.currentOwner()).isNull();
	}

	@Test
	void currentOwnerIsClearedWhenCreationFails() {
		assertThatIllegalStateException().isThrownBy(() -> this.scope.get("pythonSandbox", () -> {
			throw new IllegalStateException("creation failed");
		}));
		assertThat(SandboxScope.currentOwner()).isNull();
		assertThat(this.scope.getBeanNames()).isEmpty();
	}

	@Test
	void currentOwnerIsNotSeenByOtherThreads() {
		this.executor = Executors.newSingleThreadExecutor();
		AtomicReference<String> otherThreadOwner = new AtomicReference<>("unset");
		this.scope.get("pythonSandbox", () -> {
			// Asked while this thread is still creating the bean
			otherThreadOwner.set(ownerSeenBy(this.executor));
			return new Object();
		});
		assertThat(otherThreadOwner.get()).isNull();
	}

	private static String ownerSeenBy(ExecutorService executor) {
		try {
			return executor.submit(SandboxScope::currentOwner).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
