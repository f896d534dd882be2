package io.opensandbox.spring.core;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Scope;
import org.springframework.context.annotation.ScopedProxyMode;

/**
 * Puts a bean in the {@value SandboxScope#NAME} scope: it is created lazily, on first use
 * through a scoped proxy, once per bean per application context, and the sandboxes it
 * created are killed when the context shuts down. Use it on a {@code @Bean} method that
 * returns a {@link Sandbox}, or on a component that holds one:
 *
 * <pre class="code">
 * &#64;Bean
 * &#64;SandboxScoped
 * Sandbox pythonSandbox(SandboxTemplate sandboxes) {
 *     return sandboxes.create((spec) -&gt; spec.image("python:3.12"));
 * }
 * </pre>
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Scope(scopeName = SandboxScope.NAME, proxyMode = ScopedProxyMode.TARGET_CLASS)
public @interface SandboxScoped {

}
