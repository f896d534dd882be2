package io.opensandbox.spring.test;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.opensandbox.spring.test.server.ServerSettings.Isolation;

/**
 * Runs the {@link EmbeddedOpenSandboxServer} on its own, for clients in any language:
 * {@code OPEN_SANDBOX_API_KEY=KEY java -jar opensandbox-spring-boot-test-<version>-server.jar
 * --port=8080}. Prints {@value #LISTENING} and the URL once it accepts requests, and on
 * SIGTERM kills every sandbox before it exits. Secrets are never taken from the command
 * line, where every user of the machine can read them ({@code ps}, {@code /proc}): they
 * come from environment variables or files.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public final class EmbeddedOpenSandboxServerApplication {

	/** The environment variable holding the API key the server requires. */
	public static final String API_KEY_VARIABLE = "OPEN_SANDBOX_API_KEY";

	/** The environment variable holding the execd access token the server requires. */
	public static final String TOKEN_VARIABLE = "OPEN_SANDBOX_EXECD_ACCESS_TOKEN";

	/** The start of the line printed once the server accepts requests. */
	public static final String LISTENING = "OpenSandbox embedded server listening on ";

	private static final String USAGE = """
			Usage: java -jar opensandbox-spring-boot-test-<version>-server.jar [options]
			  --port=<port>                 port on 127.0.0.1 (default 8080, 0 for a free port)
			  --api-key-file=<file>         require the OPEN-SANDBOX-API-KEY read from this file on the
			                                lifecycle API (or set the OPEN_SANDBOX_API_KEY environment variable)
			  --ready-delay=<duration>      how long new sandboxes stay Pending (e.g. 500ms, PT1S; default 0)
			  --creation-delay=<duration>   how long a create request takes to be answered (default 0)
			  --execd-access-token-file=<file>  require the X-EXECD-ACCESS-TOKEN read from this file on execd
			                                (or set the OPEN_SANDBOX_EXECD_ACCESS_TOKEN environment variable)
			  --isolation=<mode>            auto (default), bubblewrap, unshare or none
			  --allow-unisolated            run commands unisolated when no isolation works
			  --work-directory=<dir>        where sandbox directories live (default: a temporary directory)
			""";

	private EmbeddedOpenSandboxServerApplication() {
	}

	public static void main(String[] args) throws InterruptedException {
		EmbeddedOpenSandboxServer.Builder builder = EmbeddedOpenSandboxServer.builder().port(8080);
		try {
			configure(builder, args, System.getenv());
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.err.print(USAGE);
			System.exit(2);
			return;
		}
		EmbeddedOpenSandboxServer server = builder.build();
		CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			server.close();
			stopped.countDown();
		}, "opensandbox-embedded-shutdown"));
		server.start();
		PrintStream out = System.out;
		out.println("OpenSandbox embedded server: isolation " + server.getIsolation()
				+ ((server.getApiKey() != null) ? ", API key required" : ", no API key"));
		out.println(LISTENING + server.getUrl());
		out.flush();
		stopped.await();
	}

	static void configure(EmbeddedOpenSandboxServer.Builder builder, String[] args, Map<String, String> env) {
		String apiKey = env.get(API_KEY_VARIABLE);
		if (apiKey != null && !apiKey.isEmpty()) {
			builder.apiKey(apiKey);
		}
		String token = env.get(TOKEN_VARIABLE);
		if (token != null && !token.isEmpty()) {
			builder.execdAccessToken(token);
		}
		for (String arg : args) {
			if (arg.equals("--help") || arg.equals("-h")) {
				System.out.print(USAGE);
				System.exit(0);
			}
			if (arg.equals("--allow-unisolated")) {
				builder.allowUnisolated(true);
				continue;
			}
			int equals = arg.indexOf('=');
			if (!arg.startsWith("--") || equals < 0) {
				throw new IllegalArgumentException("Unknown argument: " + arg);
			}
			String name = arg.substring(2, equals);
			String value = arg.substring(equals + 1);
			switch (name) {
				case "port" -> builder.port(number(name, value));
				case "api-key", "execd-access-token" -> throw new IllegalArgumentException("--" + name
						+ " would put a secret on the command line, where every user of this machine can read it:"
						+ " use --" + name + "-file=<file> or the "
						+ ("api-key".equals(name) ? API_KEY_VARIABLE : TOKEN_VARIABLE) + " environment variable");
				case "api-key-file" -> builder.apiKey(secret(name, value));
				case "ready-delay" -> builder.readyDelay(duration(name, value));
				case "creation-delay" -> builder.creationDelay(duration(name, value));
				case "execd-access-token-file" -> builder.execdAccessToken(secret(name, value));
				case "isolation" -> builder.isolation(isolation(value));
				case "work-directory" -> builder.workDirectory(Path.of(value));
				default -> throw new IllegalArgumentException("Unknown option: --" + name);
			}
		}
	}

	/*
	 * A secret from a file: its first line, without surrounding white space.
	 */
	private static String secret(String name, String file) {
		String secret;
		try {
			secret = Files.readString(Path.of(file), StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
		}
		catch (IOException | RuntimeException ex) {
			throw new IllegalArgumentException("--" + name + ": cannot read '" + file + "': " + ex.getMessage());
		}
		if (secret.isEmpty()) {
			throw new IllegalArgumentException("--" + name + ": '" + file + "' is empty");
		}
		return secret;
	}

	private static int number(String name, String value) {
		try {
			return Integer.parseInt(value);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("--" + name + " must be a number, but was '" + value + "'");
		}
	}

	static Duration duration(String name, String value) {
		try {
			if (value.endsWith("ms")) {
				return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
			}
			if (value.endsWith("s") && !value.startsWith("P")) {
				return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
			}
			if (value.chars().allMatch(Character::isDigit) && !value.isEmpty()) {
				return Duration.ofMillis(Long.parseLong(value));
			}
			return Duration.parse(value);
		}
		catch (NumberFormatException | DateTimeParseException ex) {
			throw new IllegalArgumentException(
					"--" + name + " must be a duration such as 500ms, 2s or PT1S, but was '" + value + "'");
		}
	}

	private static Isolation isolation(String value) {
		return switch (value) {
			case "auto" -> Isolation.AUTO;
			case "bubblewrap" -> Isolation.BUBBLEWRAP;
			case "unshare" -> Isolation.UNSHARE;
			case "none" -> Isolation.NONE;
			default -> throw new IllegalArgumentException(
					"--isolation must be auto, bubblewrap, unshare or none, but was '" + value + "'");
		};
	}

}
