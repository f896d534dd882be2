package io.opensandbox.spring.autoconfigure;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;

/**
 * A minimal HTTP proxy on the loopback interface that only speaks {@code CONNECT}, as
 * Reactor Netty uses it for every target (also {@code http://} ones). It requires
 * {@code Proxy-Authorization: Basic} with the given credentials, tunnels only to loopback
 * targets, and records what it saw.
 *
 * @author OpenSandbox Spring Boot
 */
final class ConnectTunnelProxy implements Closeable {

	private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "localhost");

	private final String expectedAuthorization;

	private final ServerSocket serverSocket;

	private final Thread acceptor;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final List<String> connectTargets = new CopyOnWriteArrayList<>();

	private final List<String> authorizations = new CopyOnWriteArrayList<>();

	private final List<Boolean> authorized = new CopyOnWriteArrayList<>();

	private volatile boolean closed;

	/**
	 * Start a proxy on {@code 127.0.0.1} and a free port.
	 * @param username the user name clients must send
	 * @param password the password clients must send
	 * @throws IOException if the server socket cannot be opened
	 */
	ConnectTunnelProxy(String username, String password) throws IOException {
		this.expectedAuthorization = "Basic "
				+ Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
		this.serverSocket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
		this.acceptor = new Thread(this::accept, "connect-tunnel-proxy-" + this.serverSocket.getLocalPort());
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	/**
	 * The port the proxy listens on.
	 * @return the port
	 */
	int getPort() {
		return this.serverSocket.getLocalPort();
	}

	/**
	 * The {@code host:port} of every {@code CONNECT} request received, in order.
	 * @return the targets
	 */
	List<String> getConnectTargets() {
		return new ArrayList<>(this.connectTargets);
	}

	/**
	 * The {@code Proxy-Authorization} values received (empty string when absent), in
	 * order.
	 * @return the header values
	 */
	List<String> getAuthorizations() {
		return new ArrayList<>(this.authorizations);
	}

	/**
	 * Whether a {@code CONNECT} request with the expected credentials was received.
	 * @return {@code true} if correct credentials were seen
	 */
	boolean sawValidAuthorization() {
		return this.authorized.contains(Boolean.TRUE);
	}

	/**
	 * Forget what was recorded so far.
	 */
	void reset() {
		this.connectTargets.clear();
		this.authorizations.clear();
		this.authorized.clear();
	}

	private void accept() {
		while (!this.closed) {
			try {
				Socket client = this.serverSocket.accept();
				this.sockets.add(client);
				Thread handler = new Thread(() -> handle(client), "connect-tunnel-proxy-connection");
				handler.setDaemon(true);
				handler.start();
			}
			catch (IOException ex) {
				if (this.closed) {
					return;
				}
			}
		}
	}

	private void handle(Socket client) {
		try {
			InputStream in = client.getInputStream();
			OutputStream out = client.getOutputStream();
			while (true) {
				List<String> head = readHead(in);
				if (head == null || head.isEmpty()) {
					closeQuietly(client);
					return;
				}
				String[] requestLine = head.get(0).split(" ");
				if (requestLine.length != 3 || !requestLine[0].equals("CONNECT")) {
					respond(out, "HTTP/1.1 405 Method Not Allowed", "Connection: close");
					closeQuietly(client);
					return;
				}
				String target = requestLine[1];
				this.connectTargets.add(target);
				String authorization = header(head, "proxy-authorization");
				this.authorizations.add((authorization != null) ? authorization : "");
				boolean valid = this.expectedAuthorization.equals(authorization);
				this.authorized.add(valid);
				if (!valid) {
					// Keep the connection open: a client may retry with credentials on it
					respond(out, "HTTP/1.1 407 Proxy Authentication Required",
							"Proxy-Authenticate: Basic realm=\"test\"", "Content-Length: 0");
					continue;
				}
				int colon = target.lastIndexOf(':');
				String host = target.substring(0, colon);
				int port = Integer.parseInt(target.substring(colon + 1));
				if (!LOOPBACK_HOSTS.contains(host.toLowerCase(Locale.ROOT))) {
					respond(out, "HTTP/1.1 403 Forbidden", "Content-Length: 0", "Connection: close");
					closeQuietly(client);
					return;
				}
				Socket upstream = new Socket();
				this.sockets.add(upstream);
				upstream.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
				respond(out, "HTTP/1.1 200 Connection Established");
				Thread upstreamToClient = new Thread(() -> pipe(upstream, client), "connect-tunnel-proxy-pipe");
				upstreamToClient.setDaemon(true);
				upstreamToClient.start();
				pipe(client, upstream);
				return;
			}
		}
		catch (IOException ex) {
			closeQuietly(client);
		}
	}

	private static @Nullable List<String> readHead(InputStream in) throws IOException {
		List<String> lines = new ArrayList<>();
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int previous = -1;
		while (true) {
			int next = in.read();
			if (next == -1) {
				return null;
			}
			if (previous == '\r' && next == '\n') {
				byte[] bytes = line.toByteArray();
				String text = new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
				if (text.isEmpty()) {
					return lines;
				}
				lines.add(text);
				line.reset();
				previous = -1;
				continue;
			}
			line.write(next);
			previous = next;
		}
	}

	private static @Nullable String header(List<String> head, String name) {
		for (String line : head.subList(1, head.size())) {
			int colon = line.indexOf(':');
			if (colon > 0 && line.substring(0, colon).strip().toLowerCase(Locale.ROOT).equals(name)) {
				return line.substring(colon + 1).strip();
			}
		}
		return null;
	}

	private static void respond(OutputStream out, String statusLine, String... headers) throws IOException {
		StringBuilder response = new StringBuilder(statusLine).append("\r\n");
		for (String header : headers) {
			response.append(header).append("\r\n");
		}
		response.append("\r\n");
		out.write(response.toString().getBytes(StandardCharsets.ISO_8859_1));
		out.flush();
	}

	private static void pipe(Socket from, Socket to) {
		byte[] buffer = new byte[8192];
		try {
			InputStream in = from.getInputStream();
			OutputStream out = to.getOutputStream();
			int read;
			while ((read = in.read(buffer)) != -1) {
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (IOException ex) {
			// The other side is gone
		}
		finally {
			closeQuietly(from);
			closeQuietly(to);
		}
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// Closing anyway
		}
	}

	@Override
	public void close() throws IOException {
		this.closed = true;
		try {
			this.serverSocket.close();
		}
		catch (SocketException ex) {
			// Already closed
		}
		this.sockets.forEach(ConnectTunnelProxy::closeQuietly);
		try {
			this.acceptor.join(5000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
