package io.opensandbox.spring.autoconfigure;

import io.opensandbox.spring.core.SandboxTemplateSettings;

/**
 * Callback for adjusting the settings of the auto-configured
 * {@link io.opensandbox.spring.core.SandboxTemplate}, for example its default
 * specification or readiness check. Applied in order after the {@code opensandbox.*}
 * properties.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
@FunctionalInterface
public interface SandboxTemplateCustomizer {

	/**
	 * Customize the settings.
	 * @param settings the builder, holding the settings so far
	 */
	void customize(SandboxTemplateSettings.Builder settings);

}
