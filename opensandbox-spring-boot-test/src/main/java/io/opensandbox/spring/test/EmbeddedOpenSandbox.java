package io.opensandbox.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;

/**
 * Runs a Spring Boot test against an {@link EmbeddedOpenSandboxServer}: the server starts
 * with the test's application context, the starter connects to it (domain and API key
 * through {@link EmbeddedOpenSandboxConnectionDetails}), and the server can be injected
 * for assertions: <pre class="code">
 * &#064;SpringBootTest
 * &#064;EmbeddedOpenSandbox
 * class MyServiceTests {
 *
 *     &#064;Autowired
 *     EmbeddedOpenSandboxServer server;
 *
 * }
 * </pre> Tune it with the {@code opensandbox.embedded.*} properties of
 * {@link EmbeddedOpenSandboxConfiguration}.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Import(EmbeddedOpenSandboxConfiguration.class)
public @interface EmbeddedOpenSandbox {

}
