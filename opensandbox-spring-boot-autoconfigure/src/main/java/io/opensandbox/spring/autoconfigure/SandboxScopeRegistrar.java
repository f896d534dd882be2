package io.opensandbox.spring.autoconfigure;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

import io.opensandbox.spring.core.SandboxScope;

/**
 * Registers the {@link SandboxScope} behind
 * {@link io.opensandbox.spring.core.SandboxScoped}, unless the application registered one
 * itself.
 *
 * @author OpenSandbox Spring Boot
 */
class SandboxScopeRegistrar implements BeanFactoryPostProcessor {

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) throws BeansException {
		if (beanFactory.getRegisteredScope(SandboxScope.NAME) == null) {
			beanFactory.registerScope(SandboxScope.NAME, new SandboxScope());
		}
	}

}
