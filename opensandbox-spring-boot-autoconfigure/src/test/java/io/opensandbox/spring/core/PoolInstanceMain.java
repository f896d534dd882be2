package io.opensandbox.spring.core;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import reactor.core.publisher.Flux;

import io.opensandbox.spring.model.SandboxSpec;

/**
 * An application instance in a JVM of its own, for the test that kills one: it joins a
 * shared pool, acquires sandboxes, prints their ids and waits to be killed.
 * <p>
 * Arguments: the lifecycle server's port, Redis's port, how many sandboxes to hold.
 *
 * @author OpenSandbox Spring Boot
 */
public final class PoolInstanceMain {

	private PoolInstanceMain() {
	}

	public static void main(String[] args) throws InterruptedException {
		LettuceConnectionFactory redis = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", Integer.parseInt(args[1])));
		redis.afterPropertiesSet();
		redis.start();
		ReactiveSandboxTemplate template = PoolServer.template("127.0.0.1:" + args[0], new SandboxTracker(),
				Clock.systemUTC());
		ReactiveSandboxPool pool = ReactiveSandboxPool.builder(template)
			.name("shared")
			.spec(SandboxSpec.ofImage("python:3.12"))
			.minIdle(0)
			.maxIdle(4)
			.maxTotal(20)
			.upkeepInterval(Duration.ofMillis(100))
			.leaseTime(Duration.ofMillis(1000))
			.redis(redis)
			.build();
		Flux.range(0, Integer.parseInt(args[2]))
			.concatMap((i) -> pool.acquire())
			.doOnNext((sandbox) -> System.out.println("HELD " + sandbox.id()))
			.blockLast(Duration.ofSeconds(30));
		System.out.println("READY");
		// Wait to be killed; if the test's JVM dies first, its end of this input closes,
		// and nothing outlives two minutes
		Thread parentWatch = new Thread(() -> {
			try {
				while (System.in.read() >= 0) {
					// nothing is sent: only the end matters
				}
			}
			catch (IOException ex) {
				// the same as the end
			}
			System.exit(0);
		});
		parentWatch.setDaemon(true);
		parentWatch.start();
		Thread.sleep(Duration.ofMinutes(2).toMillis());
		System.exit(0);
	}

}
