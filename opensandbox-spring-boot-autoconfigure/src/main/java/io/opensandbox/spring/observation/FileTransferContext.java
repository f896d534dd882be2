package io.opensandbox.spring.observation;

/**
 * Context of an upload or download ({@code opensandbox.file.transfer}).
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public class FileTransferContext extends OpenSandboxObservationContext {

	private final String direction;

	private long bytes;

	/**
	 * Create a context.
	 * @param direction {@code upload} or {@code download}
	 */
	public FileTransferContext(String direction) {
		this.direction = direction;
	}

	/**
	 * The direction of the transfer.
	 * @return {@code upload} or {@code download}
	 */
	public String getDirection() {
		return this.direction;
	}

	/**
	 * How many bytes were transferred (for uploads, the size of in-memory content when
	 * known, otherwise 0).
	 * @return the byte count
	 */
	public long getBytes() {
		return this.bytes;
	}

	/**
	 * Record the bytes transferred.
	 * @param bytes the byte count
	 */
	public void setBytes(long bytes) {
		this.bytes = bytes;
	}

}
