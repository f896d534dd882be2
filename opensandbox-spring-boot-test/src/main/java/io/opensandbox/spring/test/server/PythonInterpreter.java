package io.opensandbox.spring.test.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;

import org.jspecify.annotations.Nullable;

import io.opensandbox.spring.test.server.isolation.IsolatedSandbox;
import io.opensandbox.spring.test.server.isolation.SandboxProcess;

/**
 * A persistent {@code python3} process that runs code the way a notebook kernel does:
 * globals persist, output arrives line by line, the value of a final expression is the
 * run's {@code result}, an exception is an {@code error} with its traceback.
 *
 * @author OpenSandbox Spring Boot
 */
final class PythonInterpreter implements CodeContext.Interpreter {

	/**
	 * Longest output line held; the rest of a longer one is dropped, and the line says
	 * so.
	 */
	private static final int MAX_LINE = 8 * 1024 * 1024;

	/**
	 * Longest message line of the driver read (its output comes in pieces of at most 64 K
	 * characters); anything longer was not written by it and is skipped.
	 */
	private static final int MAX_MESSAGE = 4 * 1024 * 1024;

	/**
	 * The driver: reads one JSON request per line, runs it in persistent globals and
	 * writes one JSON message per line on a private copy of stdout (the process's own
	 * stdout and stderr, used by child processes, are read as stderr/stdout of the
	 * current run).
	 */
	private static final String DRIVER = """
			import ast, io, json, os, sys, traceback
			_channel = os.fdopen(os.dup(1), 'w', encoding='utf-8')
			os.dup2(2, 1)
			def _emit(message):
			    line = json.dumps(message)
			    if len(line) >= _MAX_LINE:
			        # the reader would cut the line and drop the message: refuse it instead
			        raise ValueError('a result of %d characters is longer than the %d this interpreter hands back'
			                         % (len(line), _MAX_LINE))
			    _channel.write(line + '\\n')
			    _channel.flush()
			class _Lines(io.TextIOBase):
			    def __init__(self, name):
			        self.name, self.buffer_text = name, ''
			    def writable(self):
			        return True
			    def write(self, text):
			        for start in range(0, len(text), 65536):
			            self.buffer_text += text[start:start + 65536]
			            while True:
			                at = self.buffer_text.find('\\n')
			                if 0 <= at < 65536:
			                    _emit({'t': self.name, 'text': self.buffer_text[:at + 1]})
			                    self.buffer_text = self.buffer_text[at + 1:]
			                elif len(self.buffer_text) >= 65536:
			                    _emit({'t': self.name, 'text': self.buffer_text[:65536]})
			                    self.buffer_text = self.buffer_text[65536:]
			                else:
			                    break
			        return len(text)
			    def end(self):
			        if self.buffer_text:
			            _emit({'t': self.name, 'text': self.buffer_text})
			            self.buffer_text = ''
			def _bundle(value):
			    data = {'text/plain': repr(value)}
			    for name, mime, binary in (('_repr_png_', 'image/png', True), ('_repr_jpeg_', 'image/jpeg', True),
			                               ('_repr_svg_', 'image/svg+xml', False), ('_repr_html_', 'text/html', False)):
			        method = getattr(value, name, None)
			        if callable(method):
			            shown = method()
			            if shown is not None:
			                data[mime] = _encoded(shown) if binary else str(shown)
			    return data
			def _encoded(raw):
			    import base64
			    if len(raw) > _MAX_MEDIA * 3 // 4:
			        raise ValueError('a result of %d bytes is larger than the %d this interpreter hands back'
			                         % (len(raw), _MAX_MEDIA * 3 // 4))
			    return base64.b64encode(raw).decode('ascii')
			def _figures():
			    plt = sys.modules.get('matplotlib.pyplot')
			    if plt is None:
			        return
			    for number in plt.get_fignums():
			        buffer = io.BytesIO()
			        plt.figure(number).savefig(buffer, format='png')
			        _emit({'t': 'result', 'data': {'text/plain': '<Figure %d>' % number,
			                                       'image/png': _encoded(buffer.getvalue())}, 'count': _count})
			    plt.close('all')
			_MAX_MEDIA = 3 * 1024 * 1024
			_MAX_LINE = @MAX_LINE@
			_globals = {'__name__': '__main__', '__builtins__': __builtins__}
			_count = 0
			_requests = sys.stdin
			while True:
			    _raw = _requests.readline()
			    if not _raw:
			        break
			    _count += 1
			    _out, _err = _Lines('stdout'), _Lines('stderr')
			    sys.stdout, sys.stderr, sys.stdin = _out, _err, io.StringIO('')
			    try:
			        _tree = ast.parse(json.loads(_raw)['code'], '<stdin>', 'exec')
			        _last = None
			        if _tree.body and isinstance(_tree.body[-1], ast.Expr):
			            _last = ast.Expression(_tree.body.pop().value)
			        exec(compile(_tree, '<stdin>', 'exec'), _globals)
			        if _last is not None:
			            _value = eval(compile(_last, '<stdin>', 'eval'), _globals)
			            if _value is not None:
			                _out.end()
			                _emit({'t': 'result', 'data': _bundle(_value), 'count': _count})
			        _figures()
			        _out.end(); _err.end()
			        _emit({'t': 'done', 'count': _count})
			    except BaseException as _e:
			        _out.end(); _err.end()
			        _emit({'t': 'error', 'ename': type(_e).__name__, 'evalue': str(_e),
			               'traceback': traceback.format_exception(type(_e), _e, _e.__traceback__)})
			        _emit({'t': 'done', 'count': _count})
			    finally:
			        sys.stdout, sys.stderr, sys.stdin = sys.__stdout__, sys.__stderr__, sys.__stdin__
			""".replace("@MAX_LINE@", Integer.toString(MAX_MESSAGE));

	private final SandboxProcess process;

	private final OutputStream stdin;

	private final Semaphore turn = new Semaphore(1);

	private final Object lock = new Object();

	private @Nullable Run current;

	private volatile boolean closed;

	private PythonInterpreter(SandboxProcess process) {
		this.process = process;
		this.stdin = process.stdin();
	}

	static PythonInterpreter start(IsolatedSandbox isolated, Executor io) throws IOException {
		SandboxProcess process = isolated.start(List.of("python3", "-u", "-c", DRIVER), null,
				Map.of("PYTHONUNBUFFERED", "1", "PYTHONIOENCODING", "utf-8"));
		PythonInterpreter interpreter = new PythonInterpreter(process);
		io.execute(interpreter::readChannel);
		io.execute(interpreter::readStderr);
		process.onExit().whenComplete((code, ex) -> interpreter.ended());
		return interpreter;
	}

	@Override
	public void run(String code, EventSink events, String executionId) {
		this.turn.acquireUninterruptibly();
		Run run = new Run(events, System.currentTimeMillis());
		synchronized (this.lock) {
			if (this.closed) {
				this.turn.release();
				events.emit(
						EventSink.error("RuntimeError", "the Python interpreter of this context has ended", List.of()));
				events.complete();
				return;
			}
			this.current = run;
		}
		events.emit(EventSink.event("init", "text", executionId));
		events.emit(EventSink.ping());
		try {
			this.stdin.write((Json.write(Map.of("code", code)) + "\n").getBytes(StandardCharsets.UTF_8));
			this.stdin.flush();
		}
		catch (IOException ex) {
			ended();
		}
	}

	private void readChannel() {
		try (InputStream channel = this.process.stdout()) {
			String line;
			while ((line = OutputPipe.readLine(channel, MAX_MESSAGE)) != null) {
				Map<String, Object> message;
				try {
					message = Json.readObject(line);
				}
				catch (RuntimeException ex) {
					continue;
				}
				Run run;
				synchronized (this.lock) {
					run = this.current;
				}
				if (run != null) {
					handle(run, message);
				}
			}
		}
		catch (IOException ex) {
			// the interpreter was killed; ended() finishes the current run
		}
	}

	@SuppressWarnings("unchecked")
	/*
	 * A result's representations as execd sends them: the MIME bundle, with text/plain
	 * renamed to text.
	 */
	private static Map<String, Object> bundle(Map<String, Object> message) {
		Map<String, Object> bundle = new LinkedHashMap<>();
		if (message.get("data") instanceof Map<?, ?> data) {
			data.forEach((type, value) -> bundle.put("text/plain".equals(type) ? "text" : String.valueOf(type),
					String.valueOf(value)));
		}
		else {
			bundle.put("text", String.valueOf(message.get("text")));
		}
		return bundle;
	}

	private void handle(Run run, Map<String, Object> message) {
		String type = String.valueOf(message.get("t"));
		switch (type) {
			case "stdout", "stderr" ->
				run.events.emit(EventSink.event(type, "text", String.valueOf(message.get("text"))));
			case "result" -> {
				run.events.emit(EventSink.event("execution_count", "execution_count", message.get("count")));
				run.events.emit(EventSink.event("result", "results", bundle(message)));
			}
			case "error" -> {
				List<String> traceback = new ArrayList<>();
				if (message.get("traceback") instanceof List<?> lines) {
					lines.forEach((item) -> traceback.add(String.valueOf(item).stripTrailing()));
				}
				run.events.emit(EventSink.event("status", "text", "error"));
				run.events.emit(EventSink.error(String.valueOf(message.get("ename")),
						String.valueOf(message.get("evalue")), traceback));
			}
			case "done" -> finish(run);
			default -> {
			}
		}
	}

	private void readStderr() {
		try (InputStream input = this.process.stderr()) {
			String line;
			while ((line = OutputPipe.readLine(input, MAX_LINE)) != null) {
				Run run;
				synchronized (this.lock) {
					run = this.current;
				}
				if (run != null) {
					run.events.emit(EventSink.line("stderr", line));
				}
			}
		}
		catch (IOException ex) {
			// the interpreter was killed
		}
	}

	private void finish(Run run) {
		synchronized (this.lock) {
			if (this.current != run) {
				return;
			}
			this.current = null;
		}
		if (!run.failed) {
			run.events.emit(
					EventSink.event("execution_complete", "execution_time", System.currentTimeMillis() - run.started));
		}
		run.events.complete();
		this.turn.release();
	}

	private void ended() {
		Run run;
		synchronized (this.lock) {
			this.closed = true;
			run = this.current;
		}
		if (run != null) {
			run.failed = true;
			run.events
				.emit(EventSink.error("RuntimeError", "the Python interpreter of this context has ended", List.of()));
			finish(run);
		}
	}

	@Override
	public void interrupt() {
		close();
	}

	@Override
	public void close() {
		this.closed = true;
		this.process.kill();
	}

	private static final class Run {

		private final EventSink events;

		private final long started;

		private volatile boolean failed;

		Run(EventSink events, long started) {
			this.events = events;
			this.started = started;
		}

	}

}
