package io.opensandbox.spring.model;

import org.springframework.util.Assert;

/**
 * Bytes a PTY session's program wrote, as they came: a terminal's output carries control
 * sequences, and a chunk may end inside a UTF-8 character.
 *
 * @param stream where the bytes come from
 * @param bytes the bytes
 * @param offset the offset of the first byte in the session's output (both streams
 * counted), to resume from with {@link PtySpec.Attach#resumingAt(long)}
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public record PtyOutput(Stream stream, byte[] bytes, long offset) {

	public PtyOutput {
		Assert.notNull(stream, "'stream' must not be null");
		Assert.notNull(bytes, "'bytes' must not be null");
	}

	/**
	 * The offset just past these bytes.
	 * @return the next offset
	 */
	public long end() {
		return this.offset + this.bytes.length;
	}

	@Override
	public String toString() {
		return "PtyOutput[" + this.stream + ", " + this.bytes.length + " bytes at " + this.offset + "]";
	}

	/**
	 * Where output comes from.
	 */
	public enum Stream {

		/** Standard output, or everything a terminal shows. */
		STDOUT,

		/** Standard error, apart in pipe mode only. */
		STDERR

	}

}
