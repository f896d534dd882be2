package io.opensandbox.spring.test.server;

/**
 * The last bytes a PTY session wrote, for a client that comes back: a ring of fixed
 * capacity over a stream whose every byte has an absolute offset. Not thread-safe; its
 * session guards it.
 *
 * @author OpenSandbox Spring Boot
 */
final class ReplayBuffer {

	private final byte[] ring;

	/** Bytes ever written: the offset of the next byte. */
	private long total;

	ReplayBuffer(int capacity) {
		this.ring = new byte[capacity];
	}

	void write(byte[] bytes) {
		int capacity = this.ring.length;
		int skip = Math.max(bytes.length - capacity, 0);
		this.total += skip;
		for (int written = skip; written < bytes.length;) {
			int position = (int) (this.total % capacity);
			int count = Math.min(bytes.length - written, capacity - position);
			System.arraycopy(bytes, written, this.ring, position, count);
			written += count;
			this.total += count;
		}
	}

	long total() {
		return this.total;
	}

	/**
	 * What is still kept from an offset on: from the oldest byte kept when the offset is
	 * older, nothing when it is at or past the end.
	 * @param offset the offset of the first byte wanted
	 * @return the bytes and the offset of the first of them
	 */
	Slice readFrom(long offset) {
		long oldest = Math.max(this.total - this.ring.length, 0);
		long from = Math.max(Math.max(offset, oldest), 0);
		if (from >= this.total) {
			return new Slice(this.total, new byte[0]);
		}
		byte[] bytes = new byte[(int) (this.total - from)];
		int capacity = this.ring.length;
		for (int read = 0; read < bytes.length;) {
			int position = (int) ((from + read) % capacity);
			int count = Math.min(bytes.length - read, capacity - position);
			System.arraycopy(this.ring, position, bytes, read, count);
			read += count;
		}
		return new Slice(from, bytes);
	}

	/**
	 * Bytes from a replay buffer.
	 *
	 * @param offset the offset of the first byte
	 * @param bytes the bytes
	 */
	record Slice(long offset, byte[] bytes) {
	}

}
