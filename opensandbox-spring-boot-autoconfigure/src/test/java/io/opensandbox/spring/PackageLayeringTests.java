package io.opensandbox.spring;

import java.util.List;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The package layering of the library: each package may use only the packages below it,
 * so there are no cycles and the wire layer knows nothing of Spring Boot.
 *
 * @author OpenSandbox Spring Boot
 */
class PackageLayeringTests {

	private static final String ROOT = "io.opensandbox.spring";

	/** From top to bottom: each layer may depend only on the layers after it. */
	private static final List<String> LAYERS = List.of("autoconfigure", "actuate", "health", "core", "client",
			"observation", "error", "model");

	private static JavaClasses classes;

	@BeforeAll
	static void importClasses() {
		classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages(ROOT);
	}

	@Test
	void everyLayerDependsOnlyOnTheLayersBelowIt() {
		for (int i = 1; i < LAYERS.size(); i++) {
			String layer = packageOf(LAYERS.get(i));
			String[] above = LAYERS.subList(0, i).stream().map(PackageLayeringTests::packageOf).toArray(String[]::new);
			noClasses().that()
				.resideInAPackage(layer)
				.should()
				.dependOnClassesThat()
				.resideInAnyPackage(above)
				.allowEmptyShould(true)
				.check(classes);
		}
	}

	@Test
	void wireLayerAndBelowKnowNothingOfSpringBoot() {
		noClasses().that()
			.resideInAnyPackage(packageOf("client"), packageOf("observation"), packageOf("error"), packageOf("model"))
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework.boot..")
			.check(classes);
	}

	@Test
	void everyClassBelongsToALayer() {
		String[] layers = LAYERS.stream().map(PackageLayeringTests::packageOf).toArray(String[]::new);
		noClasses().that().resideInAPackage(ROOT + "..").should().resideOutsideOfPackages(layers).check(classes);
	}

	private static String packageOf(String layer) {
		return ROOT + "." + layer + "..";
	}

}
