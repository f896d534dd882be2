package io.opensandbox.spring.test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The embedded server is written from the wire behaviour of the real components: it
 * shares no code with the client it tests, and needs nothing of Spring, so that its
 * standalone jar carries Reactor Netty and Jackson only.
 *
 * @author OpenSandbox Spring Boot
 */
class ServerIndependenceTests {

	private static final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.opensandbox.spring.test");

	@Test
	void serverDoesNotUseTheClientLibrary() {
		noClasses().that()
			.resideInAPackage("io.opensandbox.spring.test..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.opensandbox.spring.client..", "io.opensandbox.spring.core..",
					"io.opensandbox.spring.model..", "io.opensandbox.spring.error..")
			.check(classes);
	}

	@Test
	void serverNeedsNoSpring() {
		noClasses().that()
			.resideInAPackage("io.opensandbox.spring.test.server..")
			.or()
			.haveSimpleName("EmbeddedOpenSandboxServer")
			.or()
			.haveSimpleName("EmbeddedOpenSandboxServerApplication")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework..", "io.opensandbox.spring.autoconfigure..", "org.junit..")
			.check(classes);
	}

}
