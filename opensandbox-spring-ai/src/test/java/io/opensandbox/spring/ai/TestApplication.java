package io.opensandbox.spring.ai;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * An application with whatever the test class path auto-configures.
 *
 * @author OpenSandbox Spring Boot
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class TestApplication {

}
