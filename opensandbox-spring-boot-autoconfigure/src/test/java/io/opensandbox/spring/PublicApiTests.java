package io.opensandbox.spring;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.opensandbox.spring.core.Codes;
import io.opensandbox.spring.core.Commands;
import io.opensandbox.spring.core.Egress;
import io.opensandbox.spring.core.Files;
import io.opensandbox.spring.core.Pty;
import io.opensandbox.spring.core.ReactiveCodes;
import io.opensandbox.spring.core.ReactiveCommands;
import io.opensandbox.spring.core.ReactiveEgress;
import io.opensandbox.spring.core.ReactiveFiles;
import io.opensandbox.spring.core.ReactivePty;
import io.opensandbox.spring.core.ReactiveSandbox;
import io.opensandbox.spring.core.ReactiveSandboxManager;
import io.opensandbox.spring.core.ReactiveSandboxOperations;
import io.opensandbox.spring.core.ReactiveSandboxPool;
import io.opensandbox.spring.core.Sandbox;
import io.opensandbox.spring.core.SandboxCallback;
import io.opensandbox.spring.core.SandboxManager;
import io.opensandbox.spring.core.SandboxOperations;
import io.opensandbox.spring.core.SandboxPool;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shape of the public API: the blocking and reactive twins have the same methods, no
 * public signature exposes the wire layer, and the number of public types a user sees
 * stays small.
 *
 * @author OpenSandbox Spring Boot
 */
class PublicApiTests {

	/** Blocking interface, reactive twin. */
	private static final Map<Class<?>, Class<?>> TWINS = Map.ofEntries(Map.entry(Sandbox.class, ReactiveSandbox.class),
			Map.entry(Commands.class, ReactiveCommands.class), Map.entry(Files.class, ReactiveFiles.class),
			Map.entry(Codes.class, ReactiveCodes.class), Map.entry(Egress.class, ReactiveEgress.class),
			Map.entry(SandboxManager.class, ReactiveSandboxManager.class),
			Map.entry(SandboxOperations.class, ReactiveSandboxOperations.class),
			Map.entry(Pty.class, ReactivePty.class), Map.entry(Pty.Connection.class, ReactivePty.Connection.class),
			Map.entry(SandboxPool.class, ReactiveSandboxPool.class));

	/** Parameter types that differ between twins by nature. */
	private static final Map<Class<?>, Class<?>> PARAMETER_TWINS = Map.of(SandboxCallback.class, Function.class,
			Sandbox.class, ReactiveSandbox.class);

	/** Blocking-only methods: the way to the twin, and try-with-resources. */
	private static final List<String> BLOCKING_ONLY = List.of("reactive", "close");

	/**
	 * The public top-level types a user sees (all but the wire layer and the
	 * auto-configuration). Subordinate types are nested in the type they belong to. A
	 * feature that needs a new top-level type raises this in the same change.
	 */
	private static final int MAX_PUBLIC_TYPES = 64;

	private static JavaClasses classes;

	@BeforeAll
	static void importClasses() {
		classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("io.opensandbox.spring");
	}

	@Test
	void everyBlockingMethodHasAReactiveTwinAndBack() {
		List<String> missing = new ArrayList<>();
		TWINS.forEach((blocking, reactive) -> {
			for (Method method : publicMethods(blocking)) {
				if (!BLOCKING_ONLY.contains(method.getName()) && twin(reactive, method) == null) {
					missing.add(reactive.getSimpleName() + " lacks " + signature(method));
				}
			}
			for (Method method : publicMethods(reactive)) {
				if (twin(blocking, method) == null) {
					missing.add(blocking.getSimpleName() + " lacks " + signature(method));
				}
			}
		});
		assertThat(missing).isEmpty();
	}

	@Test
	void twinsReturnTheSameThingBlockingOrReactively() {
		List<String> mismatched = new ArrayList<>();
		TWINS.forEach((blocking, reactive) -> {
			for (Method method : publicMethods(blocking)) {
				Method twin = twin(reactive, method);
				if (twin != null && !sameResult(method.getGenericReturnType(), twin.getGenericReturnType())) {
					mismatched.add(blocking.getSimpleName() + "." + signature(method) + " returns "
							+ method.getGenericReturnType().getTypeName() + " but its twin returns "
							+ twin.getGenericReturnType().getTypeName());
				}
			}
		});
		assertThat(mismatched).isEmpty();
	}

	@Test
	void blockingTwinsLeadToTheirReactiveTwin() throws NoSuchMethodException {
		for (Map.Entry<Class<?>, Class<?>> twins : TWINS.entrySet()) {
			assertThat(twins.getKey().getMethod("reactive").getReturnType()).isEqualTo(twins.getValue());
		}
	}

	@Test
	void noPublicSignatureOutsideTheWireLayerUsesIt() {
		List<String> leaks = new ArrayList<>();
		for (JavaClass type : classes) {
			if (!type.getModifiers().contains(JavaModifier.PUBLIC) || isWireLayer(type)) {
				continue;
			}
			for (JavaCodeUnit member : type.getCodeUnits()) {
				if (!member.getModifiers().contains(JavaModifier.PUBLIC)
						&& !member.getModifiers().contains(JavaModifier.PROTECTED)) {
					continue;
				}
				Stream.concat(member.getRawParameterTypes().stream(), Stream.of(member.getRawReturnType()))
					.filter(PublicApiTests::isWireLayer)
					.forEach((wire) -> leaks.add(member.getFullName() + " uses " + wire.getName()));
			}
		}
		assertThat(leaks).isEmpty();
	}

	@Test
	void publicTypesAUserSeesDoNotGrow() {
		long count = classes.stream()
			.filter((type) -> type.getModifiers().contains(JavaModifier.PUBLIC) && type.isTopLevelClass())
			.filter((type) -> !isWireLayer(type))
			.filter((type) -> !type.getPackageName().startsWith("io.opensandbox.spring.autoconfigure"))
			.count();
		assertThat(count).isLessThanOrEqualTo(MAX_PUBLIC_TYPES);
	}

	private static boolean isWireLayer(JavaClass type) {
		return type.getPackageName().equals("io.opensandbox.spring.client");
	}

	private static List<Method> publicMethods(Class<?> type) {
		return Arrays.stream(type.getMethods())
			.filter((method) -> !Modifier.isStatic(method.getModifiers()))
			.filter((method) -> method.getDeclaringClass() != Object.class)
			.filter((method) -> method.getDeclaringClass() != AutoCloseable.class)
			.toList();
	}

	private static Method twin(Class<?> type, Method method) {
		for (Method candidate : publicMethods(type)) {
			if (candidate.getName().equals(method.getName())
					&& sameParameters(candidate.getParameterTypes(), method.getParameterTypes())) {
				return candidate;
			}
		}
		return null;
	}

	private static boolean sameParameters(Class<?>[] left, Class<?>[] right) {
		if (left.length != right.length) {
			return false;
		}
		for (int i = 0; i < left.length; i++) {
			if (!left[i].equals(right[i]) && PARAMETER_TWINS.get(left[i]) != right[i]
					&& PARAMETER_TWINS.get(right[i]) != left[i]) {
				return false;
			}
		}
		return true;
	}

	/**
	 * {@code T} for {@code Mono<T>}, {@code void} for {@code Mono<Void>}, a stream for a
	 * flux.
	 */
	private static boolean sameResult(Type blocking, Type reactive) {
		if (reactive instanceof ParameterizedType parameterized) {
			Type raw = parameterized.getRawType();
			Type element = parameterized.getActualTypeArguments()[0];
			if (raw == Mono.class) {
				return (element == Void.class) ? blocking == void.class : sameElement(blocking, element);
			}
			if (raw == Flux.class) {
				// execute: the callback's result, or the elements of the callback's
				// publisher
				return blocking instanceof java.lang.reflect.TypeVariable<?>
						&& element instanceof java.lang.reflect.TypeVariable<?>
						|| blocking instanceof ParameterizedType stream && stream.getRawType() == Stream.class
								&& sameElement(stream.getActualTypeArguments()[0], element)
						|| blocking == java.io.InputStream.class;
			}
		}
		return sameElement(blocking, reactive);
	}

	private static boolean sameElement(Type blocking, Type reactive) {
		if (blocking.equals(reactive)) {
			return true;
		}
		Class<?> twin = TWINS.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().equals(reactive))
			.map(Map.Entry::getKey)
			.findFirst()
			.orElse(null);
		if (twin != null) {
			return twin.equals(blocking);
		}
		// long and Long, byte[] and byte[], generic variables
		return blocking.getTypeName().equalsIgnoreCase(reactive.getTypeName().replace("java.lang.", ""))
				|| blocking.getTypeName().equals(reactive.getTypeName())
				|| (blocking == long.class && reactive == Long.class);
	}

	private static String signature(Method method) {
		return method.getName() + Arrays.stream(method.getParameterTypes())
			.map(Class::getSimpleName)
			.toList()
			.toString()
			.replace('[', '(')
			.replace(']', ')');
	}

}
