package io.opensandbox.spring.core;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A real {@code redis-server} (Debian's package) on a free loopback port, without
 * persistence, for the tests of shared pools. Where it is not installed the tests are
 * skipped, unless {@code OPENSANDBOX_REDIS_TESTS=required} (as in CI), which fails them.
 *
 * @author OpenSandbox Spring Boot
 */
final class LocalRedis implements AutoCloseable {

	private final Process process;

	private final int port;

	private LocalRedis(Process process, int port) {
		this.process = process;
		this.port = port;
	}

	static LocalRedis start() throws IOException, InterruptedException {
		Path server = Path.of("/usr/bin/redis-server");
		if (!Files.isExecutable(server)) {
			if ("required".equals(System.getenv("OPENSANDBOX_REDIS_TESTS"))) {
				throw new IllegalStateException(
						"redis-server is required but not installed (apt-get install redis-server)");
			}
			Assumptions.abort("redis-server is not installed");
		}
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}
		Process process = new ProcessBuilder(server.toString(), "--bind", "127.0.0.1", "--port", String.valueOf(port),
				"--save", "", "--appendonly", "no", "--protected-mode", "yes")
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			try (Socket socket = new Socket("127.0.0.1", port)) {
				return new LocalRedis(process, port);
			}
			catch (IOException notYet) {
				Thread.sleep(20);
			}
		}
		process.destroyForcibly();
		throw new IllegalStateException("redis-server did not listen on port " + port + " within 10 s");
	}

	int port() {
		return this.port;
	}

	/**
	 * A new Lettuce connection factory, started; the caller destroys it.
	 * @return the connection factory
	 */
	LettuceConnectionFactory connectionFactory() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", this.port));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
	}

}
