package io.opensandbox.spring.actuate;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;
import org.springframework.util.Assert;

import io.opensandbox.spring.actuate.SandboxesEndpoint.KilledSandboxDescriptor;

/**
 * {@link EndpointWebExtension @EndpointWebExtension} for the {@link SandboxesEndpoint}:
 * over HTTP, killing a sandbox this application does not track answers
 * {@code 404 Not Found} (a {@code null} result of a delete operation would otherwise be
 * {@code 204 No Content}, as if something had been killed).
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
@EndpointWebExtension(endpoint = SandboxesEndpoint.class)
public class SandboxesEndpointWebExtension {

	private final SandboxesEndpoint endpoint;

	/**
	 * Create a web extension.
	 * @param endpoint the endpoint it extends
	 */
	public SandboxesEndpointWebExtension(SandboxesEndpoint endpoint) {
		Assert.notNull(endpoint, "'endpoint' must not be null");
		this.endpoint = endpoint;
	}

	/**
	 * Kill a sandbox this application tracks, and stop tracking it.
	 * @param id the sandbox id
	 * @return the killed sandbox, or {@code 404 Not Found} if this application does not
	 * track it, in which case nothing is killed
	 */
	@DeleteOperation
	public WebEndpointResponse<KilledSandboxDescriptor> kill(@Selector String id) {
		KilledSandboxDescriptor killed = this.endpoint.kill(id);
		return (killed != null) ? new WebEndpointResponse<>(killed)
				: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
	}

}
