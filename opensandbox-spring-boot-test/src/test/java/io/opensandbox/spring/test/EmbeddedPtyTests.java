package io.opensandbox.spring.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

import io.opensandbox.spring.core.OpenSandboxConnection;
import io.opensandbox.spring.core.Pty;
import io.opensandbox.spring.core.ReactivePty;
import io.opensandbox.spring.core.ReactiveSandbox;
import io.opensandbox.spring.core.ReactiveSandboxTemplate;
import io.opensandbox.spring.core.Sandbox;
import io.opensandbox.spring.core.SandboxTemplate;
import io.opensandbox.spring.core.SandboxTemplateSettings;
import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.error.OpenSandboxException;
import io.opensandbox.spring.error.OpenSandboxStreamException;
import io.opensandbox.spring.model.PtySession;
import io.opensandbox.spring.model.SandboxEndpoint;
import io.opensandbox.spring.model.SandboxSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Interactive terminals end to end: the client over WebSocket against the embedded
 * server's PTY sessions, each a real pseudo-terminal inside an isolated sandbox.
 *
 * @author OpenSandbox Spring Boot
 */
@SpringBootTest
@EmbeddedOpenSandbox
@Timeout(90)
class EmbeddedPtyTests {

	private static final SandboxSpec SPEC = SandboxSpec.ofImage("python:3.12-slim");

	@Autowired
	private SandboxTemplate template;

	@Autowired
	private EmbeddedOpenSandboxServer server;

	@AfterEach
	void nothingIsLeftRunning() {
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> this.server.getSandboxes().isEmpty());
	}

	@Test
	void sttySizeReflectsAResize() {
		try (Sandbox sandbox = this.template.create(SPEC);
				Pty.Connection terminal = sandbox.pty().open(PtySession.Spec.shell())) {
			Screen screen = Screen.of(terminal.reactive());
			terminal.write("stty size\n");
			screen.await("24 80");
			terminal.resize(132, 43);
			terminal.write("stty size\n");
			screen.await("43 132");
			assertThat(terminal.mode()).isEqualTo(PtySession.Mode.TERMINAL);
		}
	}

	@Test
	void aSizeGivenWhenOpeningIsTheTerminalsSize() {
		try (Sandbox sandbox = this.template.create(SPEC);
				Pty.Connection terminal = sandbox.pty().open(PtySession.Spec.shell().withSize(100, 30))) {
			Screen screen = Screen.of(terminal.reactive());
			terminal.write("stty size\n");
			screen.await("30 100");
		}
	}

	@Test
	void ctrlCStopsSleep() {
		try (Sandbox sandbox = this.template.create(SPEC);
				Pty.Connection terminal = sandbox.pty().open(PtySession.Spec.shell())) {
			Screen screen = Screen.of(terminal.reactive());
			terminal.write("echo go; sleep 100\n");
			screen.await("go\r\n");
			long started = System.nanoTime();
			terminal.write("\u0003");
			terminal.write("echo \"after=$?\"\n");
			screen.await("after=130");
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
		}
	}

	@Test
	void aSignalByNameStopsTheForegroundJob() {
		try (Sandbox sandbox = this.template.create(SPEC);
				Pty.Connection terminal = sandbox.pty().open(PtySession.Spec.shell())) {
			Screen screen = Screen.of(terminal.reactive());
			terminal.write("echo go; sleep 100; echo \"after=$?\"\n");
			screen.await("go\r\n");
			terminal.signal("SIGTERM");
			screen.await("after=143");
		}
	}

	@Test
	void aFullScreenProgramRuns() {
		String program = "import curses\n" + "def main(screen):\n" + "    rows, cols = screen.getmaxyx()\n"
				+ "    screen.addstr(rows - 1, 0, 'FULL SCREEN %dx%d' % (cols, rows))\n" + "    screen.refresh()\n"
				+ "    key = screen.getkey()\n" + "    screen.addstr(0, 0, 'GOT ' + key)\n" + "    screen.refresh()\n"
				+ "curses.wrapper(main)\n";
		try (Sandbox sandbox = this.template.create(SPEC)) {
			sandbox.files().write("/tmp/full.py", program);
			try (Pty.Connection terminal = sandbox.pty()
				.open(PtySession.Spec.command("python3 /tmp/full.py").withSize(90, 20))) {
				Screen screen = Screen.of(terminal.reactive());
				// the alternate screen, the text at the last row, then the key it read
				screen.await("FULL SCREEN 90x20");
				assertThat(screen.text()).contains("\u001b[?1049h");
				terminal.write("q");
				assertThat(terminal.exitCode()).isZero();
				assertThat(screen.text()).contains("GOT q");
			}
		}
	}

	@Test
	void theExitCodeComesWhenTheShellExits() {
		try (Sandbox sandbox = this.template.create(SPEC);
				Pty.Connection terminal = sandbox.pty().open(PtySession.Spec.shell())) {
			Screen screen = Screen.of(terminal.reactive());
			terminal.write("exit 3\n");
			assertThat(terminal.exitCode()).isEqualTo(3);
			screen.awaitEnd();
			assertThat(sandbox.pty().status(terminal.sessionId()).running()).isFalse();
		}
	}

	@Test
	void pipeModeKeepsStandardErrorApart() {
		try (Sandbox sandbox = this.template.create(SPEC);
				Pty.Connection pipes = sandbox.pty()
					.open(PtySession.Spec.command("read line; echo \"out $line\"; echo err >&2").withPipes())) {
			Screen screen = Screen.of(pipes.reactive());
			assertThat(pipes.mode()).isEqualTo(PtySession.Mode.PIPE);
			pipes.write("hello\n");
			assertThat(pipes.exitCode()).isZero();
			screen.awaitEnd();
			assertThat(screen.text(PtySession.Output.Stream.STDOUT)).isEqualTo("out hello\n");
			assertThat(screen.text(PtySession.Output.Stream.STDERR)).isEqualTo("err\n");
		}
	}

	@Test
	void aSecondClientIsRefusedUnlessItTakesOverAndTheFirstLearnsWhy() {
		try (Sandbox sandbox = this.template.create(SPEC);
				Pty.Connection first = sandbox.pty().open(PtySession.Spec.shell())) {
			Screen firstScreen = Screen.of(first.reactive());
			first.write("echo one\n");
			firstScreen.await("one\r\n");
			assertThatExceptionOfType(OpenSandboxApiException.Conflict.class)
				.isThrownBy(() -> sandbox.pty().attach(first.sessionId(), PtySession.Attach.DEFAULTS))
				.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(409))
				.satisfies((ex) -> assertThat(ex.getMessage()).contains("already connected"));
			try (Pty.Connection second = sandbox.pty()
				.attach(first.sessionId(), PtySession.Attach.DEFAULTS.takingOver())) {
				Screen secondScreen = Screen.of(second.reactive());
				// what the first saw is replayed to the second
				secondScreen.await("one\r\n");
				second.write("echo two\n");
				secondScreen.await("two\r\n");
				OpenSandboxException evicted = firstScreen.awaitFailure();
				assertThat(evicted).isInstanceOfSatisfying(OpenSandboxApiException.Conflict.class,
						(conflict) -> assertThat(conflict.getErrorCode()).isEqualTo("TAKEN_OVER"));
			}
		}
	}

	@Test
	void aDroppedConnectionResumesWithExactlyTheMissingBytesThroughTheServerProxy() throws IOException {
		try (Sandbox created = this.template.create(SPEC);
				CuttableProxy proxy = new CuttableProxy(this.server.getPort())) {
			OpenSandboxConnection connection = OpenSandboxConnection.builder(WebClient.builder())
				.domain("127.0.0.1:" + proxy.port())
				.apiKey(this.server.getApiKey())
				.build();
			ReactiveSandboxTemplate viaProxy = new ReactiveSandboxTemplate(connection,
					SandboxTemplateSettings.builder().useServerProxy(true).build());
			ReactiveSandbox sandbox = viaProxy.connect(created.id()).block();
			ReactivePty.Connection terminal = sandbox.pty().open(PtySession.Spec.shell()).block();
			Screen screen = Screen.of(terminal);
			terminal.write("for i in $(seq 1 300); do echo line-$i; sleep 0.01; done; echo DONE\n").block();
			screen.await("line-30\r\n");
			proxy.cut();
			screen.await("line-150\r\n");
			proxy.cut();
			screen.await("\r\nDONE\r\n");
			assertThat(proxy.connections()).isGreaterThanOrEqualTo(2);
			List<String> lines = new CopyOnWriteArrayList<>();
			Matcher matcher = Pattern.compile("line-(\\d+)\\r\\n").matcher(screen.text());
			while (matcher.find()) {
				lines.add(matcher.group(1));
			}
			assertThat(lines).hasSize(300);
			for (int i = 0; i < 300; i++) {
				assertThat(lines.get(i)).isEqualTo(Integer.toString(i + 1));
			}
			screen.assertContiguous();
			terminal.close().block();
		}
	}

	@Test
	void resumingAtAnOffsetTheServerNoLongerKeepsIsAnErrorNotASilentGap() {
		try (Sandbox sandbox = this.template.create(SPEC)) {
			String id = sandbox.pty()
				.create(PtySession.Spec.command("head -c 3000000 /dev/zero | tr '\\0' x; echo; sleep 30"));
			try (Pty.Connection first = sandbox.pty().attach(id, PtySession.Attach.DEFAULTS)) {
				Screen.of(first.reactive());
				await().atMost(Duration.ofSeconds(30)).until(() -> first.offset() > 3_000_000);
			}
			assertThat(sandbox.pty().status(id).outputOffset()).isGreaterThan(3_000_000);
			// the replay comes before the attach is confirmed: the attach itself fails
			// (with
			// takeover: the server may not have let the first client go yet)
			assertThatExceptionOfType(OpenSandboxStreamException.class)
				.isThrownBy(() -> sandbox.pty().attach(id, PtySession.Attach.DEFAULTS.takingOver().resumingAt(10)))
				.withMessageContaining("no longer keeps the output from 10");
			// without an offset, the last MiB is what there is
			try (Pty.Connection latest = sandbox.pty().attach(id, PtySession.Attach.DEFAULTS.takingOver())) {
				Screen screen = Screen.of(latest.reactive());
				await().atMost(Duration.ofSeconds(10)).until(() -> screen.size() >= (1 << 20));
				assertThat(screen.first().offset()).isGreaterThan(3_000_000 - (1 << 20) - 10);
			}
			sandbox.pty().delete(id);
		}
	}

	@Test
	void anUnknownSessionIsNotFound() {
		try (Sandbox sandbox = this.template.create(SPEC)) {
			assertThatExceptionOfType(OpenSandboxApiException.NotFound.class)
				.isThrownBy(() -> sandbox.pty().attach("no-such-session", PtySession.Attach.DEFAULTS));
			assertThatExceptionOfType(OpenSandboxApiException.NotFound.class)
				.isThrownBy(() -> sandbox.pty().status("no-such-session"));
		}
	}

	@Test
	void aDeletedSessionEndsItsProgramAndItsClientGetsTheExit() {
		try (Sandbox sandbox = this.template.create(SPEC);
				Pty.Connection terminal = sandbox.pty().open(PtySession.Spec.shell())) {
			Screen screen = Screen.of(terminal.reactive());
			terminal.write("trap '' HUP; sleep 4242 & echo ready\n");
			screen.await("ready\r\n");
			sandbox.pty().delete(terminal.sessionId());
			// a shell that ignores the hang-up is killed
			assertThat(terminal.exitCode()).isEqualTo(137);
			assertThatExceptionOfType(OpenSandboxApiException.NotFound.class)
				.isThrownBy(() -> sandbox.pty().status(terminal.sessionId()));
			// and so is the job it left in the background
			assertThat(sandbox.commands().run("ps -e -o args=").stdoutText()).doesNotContain("sleep 4242");
		}
	}

	@Test
	void aTerminalSeesNeitherTheHostsLoopbackNorItsProcesses() {
		try (Sandbox sandbox = this.template.create(SPEC);
				Pty.Connection terminal = sandbox.pty().open(PtySession.Spec.shell())) {
			Screen screen = Screen.of(terminal.reactive());
			// the embedded server itself listens on the host's 127.0.0.1
			terminal.write("python3 -c \"import socket; socket.create_connection(('127.0.0.1', " + this.server.getPort()
					+ "), 2)\" 2>/dev/null; echo \"reached=$?\"\n");
			screen.await("reached=1");
			// the JVM running this test is a host process: not in the terminal's /proc
			terminal.write("echo \"java=$(grep -l 'ja[v]a' /proc/[0-9]*/cmdline 2>/dev/null | wc -l)\"\n");
			screen.await("java=0");
		}
	}

	@Test
	void aWorkingDirectoryThatIsALinkOutOfTheSandboxStaysInside() {
		try (Sandbox sandbox = this.template.create(SPEC)) {
			sandbox.commands().run("ln -s ../../../../../../.. /tmp/up && ln -s /proc/1/root /tmp/init-root");
			String root = sandbox.commands().run("ls -a / | tr '\\n' ' '").stdoutText();
			try (Pty.Connection terminal = sandbox.pty()
				.open(PtySession.Spec.command("echo \"[$(ls -a . | tr '\\n' ' ')]\"")
					.withWorkingDirectory("/tmp/up"))) {
				Screen screen = Screen.of(terminal.reactive());
				assertThat(terminal.exitCode()).isZero();
				screen.awaitEnd();
				assertThat(screen.text()).contains("[" + root + "]");
			}
			// another process's root is not the sandbox's to enter: refused before
			// anything runs
			assertThatExceptionOfType(OpenSandboxApiException.Rejected.class)
				.isThrownBy(() -> sandbox.pty().create(PtySession.Spec.shell().withWorkingDirectory("/tmp/init-root")))
				.withMessageContaining("working directory does not exist");
		}
	}

	@Test
	void malformedHugeAndUnknownMessagesDoNotBreakTheSession() {
		try (Sandbox sandbox = this.template.create(SPEC)) {
			SandboxEndpoint execd = sandbox.endpoint(44772);
			String id = sandbox.pty().create(PtySession.Spec.shell());
			HttpClient client = HttpClient.create().headers((headers) -> execd.headers().forEach(headers::set));
			String url = execd.url("ws") + "/pty/" + id + "/ws?since=-5";
			List<String> texts = new CopyOnWriteArrayList<>();
			StringBuilder output = new StringBuilder();
			Sinks.Empty<Void> attached = Sinks.empty();
			client.websocket()
				.uri(url)
				// sends once attached, as the starter's connection does:
				// frames sent while the server's transport still switches
				// the connection to WebSocket can be lost there (1 run in 5
				// sent at once)
				.handle((in, out) -> Mono.when(
						attached.asMono()
							.then(out.sendObject(Flux.just(new TextWebSocketFrame("{not json"),
									new TextWebSocketFrame("{\"type\":\"launch-missiles\"}"),
									new TextWebSocketFrame("{\"type\":\"resize\",\"cols\":-1,\"rows\":99999999999}"),
									new TextWebSocketFrame("{\"type\":\"signal\",\"signal\":\"KILL; rm -rf /\"}"),
									new TextWebSocketFrame("{\"type\":\"ping\"}"),
									new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] { 0 },
											"echo still=$((20+22))\n".getBytes(StandardCharsets.UTF_8)))))
								.then()),
						in.receiveFrames().doOnNext((frame) -> {
							if (frame instanceof TextWebSocketFrame text) {
								texts.add(text.text());
								if (text.text().contains("\"type\":\"connected\"")) {
									attached.tryEmitEmpty();
								}
							}
							else {
								output.append(frame.content().toString(StandardCharsets.ISO_8859_1));
							}
						}).takeUntil((frame) -> output.toString().contains("still=42")).then()))
				.blockLast(Duration.ofSeconds(30));
			assertThat(output.toString()).contains("still=42");
			assertThat(texts).anyMatch((text) -> text.contains("\"type\":\"connected\""))
				.anyMatch((text) -> text.contains("INVALID_FRAME") && text.contains("launch-missiles"))
				.anyMatch((text) -> text.contains("\"type\":\"pong\""));
			// a message over the 1 MiB limit ends that connection (with 1009, or with a
			// reset when the server closes while the client still sends), not the
			// session;
			// were it taken, the connection would stay open and this would time out
			byte[] huge = new byte[2 << 20];
			List<Integer> codes = new CopyOnWriteArrayList<>();
			client.websocket(WebsocketClientSpec.builder().maxFramePayloadLength(4 << 20).build())
				.uri(execd.url("ws") + "/pty/" + id + "/ws?takeover=1")
				// the close is awaited while sending: a server that stops reading would
				// hold the send
				.handle((in, out) -> Mono.firstWithSignal(
						out.sendObject(Mono.just(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(huge))))
							.then()
							.onErrorResume(java.io.IOException.class, (ex) -> Mono.empty())
							.then(Mono.never()),
						in.receiveCloseStatus().doOnNext((closed) -> codes.add(closed.code())).then()))
				.onErrorResume(java.io.IOException.class, (ex) -> Mono.empty())
				.blockLast(Duration.ofSeconds(30));
			assertThat(codes).allSatisfy((code) -> assertThat(code).isEqualTo(1009));
			try (Pty.Connection again = sandbox.pty().attach(id, PtySession.Attach.DEFAULTS.takingOver())) {
				Screen screen = Screen.of(again.reactive());
				again.write("echo again=$((40+2))\n");
				screen.await("again=42");
			}
			// not an upgrade, an unknown session, input with NUL: refused with their
			// status
			assertThat(status(client, "GET", execd.url("http") + "/pty/" + id + "/ws", null)).isEqualTo(400);
			assertThat(status(client, "GET", execd.url("http") + "/pty/nope", null)).isEqualTo(404);
			assertThat(status(client, "POST", execd.url("http") + "/pty", "{\"command\":\"ls\\u0000\"}"))
				.isEqualTo(400);
			assertThat(status(client, "POST", execd.url("http") + "/pty", "{\"cwd\":\"/no/such/dir\"}")).isEqualTo(400);
		}
	}

	@Test
	void aClientThatDoesNotReadIsDroppedInsteadOfFillingTheServersMemory() {
		try (Sandbox sandbox = this.template.create(SPEC)) {
			SandboxEndpoint execd = sandbox.endpoint(44772);
			String id = sandbox.pty()
				.create(PtySession.Spec.command("head -c 40000000 /dev/zero | tr '\\0' x; sleep 60"));
			// attaches, starts the output and never reads a byte of it
			Disposable stalled = HttpClient.create()
				.headers((headers) -> execd.headers().forEach(headers::set))
				.websocket()
				.uri(execd.url("ws") + "/pty/" + id + "/ws")
				.handle((in, out) -> Mono.never())
				.subscribe();
			try {
				// once its backlog passes the limit the server lets it go: a plain attach
				// works
				await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
					try (Pty.Connection next = sandbox.pty().attach(id, PtySession.Attach.DEFAULTS)) {
						return true;
					}
					catch (OpenSandboxApiException.Conflict ex) {
						return false;
					}
				});
			}
			finally {
				stalled.dispose();
			}
		}
	}

	@Test
	void aSandboxHoldsABoundedNumberOfSessions() {
		try (Sandbox sandbox = this.template.create(SPEC)) {
			for (int i = 1; i < 32; i++) {
				sandbox.pty().create(PtySession.Spec.shell());
			}
			String last = sandbox.pty().create(PtySession.Spec.shell());
			assertThatExceptionOfType(OpenSandboxApiException.class)
				.isThrownBy(() -> sandbox.pty().create(PtySession.Spec.shell()))
				.withMessageContaining("32 pty sessions already");
			sandbox.pty().delete(last);
			sandbox.pty().create(PtySession.Spec.shell());
		}
	}

	private static int status(HttpClient client, String method, String url, String body) {
		HttpClient.RequestSender sender = client.request(io.netty.handler.codec.http.HttpMethod.valueOf(method))
			.uri(url);
		return ((body != null) ? sender.send(reactor.netty.ByteBufFlux.fromString(Mono.just(body))) : sender)
			.responseSingle((response, content) -> Mono.just(response.status().code()))
			.block(Duration.ofSeconds(30));
	}

	/**
	 * Everything a connection delivers, in order.
	 */
	static final class Screen {

		private final List<PtySession.Output> chunks = new CopyOnWriteArrayList<>();

		private final AtomicReference<Throwable> failure = new AtomicReference<>();

		private volatile boolean ended;

		private Disposable subscription;

		static Screen of(ReactivePty.Connection connection) {
			Screen screen = new Screen();
			screen.subscription = connection.output()
				.subscribe(screen.chunks::add, screen.failure::set, () -> screen.ended = true);
			return screen;
		}

		String text() {
			StringBuilder text = new StringBuilder();
			this.chunks.forEach((chunk) -> text.append(new String(chunk.bytes(), StandardCharsets.ISO_8859_1)));
			return text.toString();
		}

		String text(PtySession.Output.Stream stream) {
			StringBuilder text = new StringBuilder();
			this.chunks.stream()
				.filter((chunk) -> chunk.stream() == stream)
				.forEach((chunk) -> text.append(new String(chunk.bytes(), StandardCharsets.UTF_8)));
			return text.toString();
		}

		long size() {
			return this.chunks.stream().mapToLong((chunk) -> chunk.bytes().length).sum();
		}

		PtySession.Output first() {
			return this.chunks.get(0);
		}

		void await(String text) {
			org.awaitility.Awaitility.await()
				.atMost(Duration.ofSeconds(30))
				.until(() -> text().contains(text) || this.failure.get() != null);
			assertThat(this.failure.get()).isNull();
			assertThat(text()).contains(text);
		}

		void awaitEnd() {
			org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> this.ended);
		}

		OpenSandboxException awaitFailure() {
			org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> this.failure.get() != null);
			assertThat(this.failure.get()).isInstanceOf(OpenSandboxException.class);
			return (OpenSandboxException) this.failure.get();
		}

		void assertContiguous() {
			for (int i = 1; i < this.chunks.size(); i++) {
				assertThat(this.chunks.get(i).offset()).isEqualTo(this.chunks.get(i - 1).end());
			}
		}

	}

	/**
	 * A TCP proxy on loopback whose connections can be cut, as a network drop does.
	 */
	static final class CuttableProxy implements AutoCloseable {

		private final ServerSocket listener;

		private final int target;

		private final List<Socket> sockets = new CopyOnWriteArrayList<>();

		private volatile int connections;

		CuttableProxy(int target) throws IOException {
			this.target = target;
			this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			Thread acceptor = new Thread(this::accept, "cuttable-proxy");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		int port() {
			return this.listener.getLocalPort();
		}

		int connections() {
			return this.connections;
		}

		private void accept() {
			while (!this.listener.isClosed()) {
				try {
					Socket client = this.listener.accept();
					Socket upstream = new Socket(InetAddress.getLoopbackAddress(), this.target);
					this.sockets.add(client);
					this.sockets.add(upstream);
					this.connections++;
					pump(client, upstream);
					pump(upstream, client);
				}
				catch (IOException ex) {
					return;
				}
			}
		}

		private void pump(Socket from, Socket to) {
			Thread thread = new Thread(() -> {
				try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
					in.transferTo(out);
				}
				catch (IOException ex) {
					// cut
				}
				finally {
					close(from);
					close(to);
				}
			}, "cuttable-proxy-pump");
			thread.setDaemon(true);
			thread.start();
		}

		void cut() {
			this.sockets.forEach(CuttableProxy::close);
			this.sockets.clear();
		}

		private static void close(Socket socket) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// closed already
			}
		}

		@Override
		public void close() throws IOException {
			cut();
			this.listener.close();
		}

	}

}
