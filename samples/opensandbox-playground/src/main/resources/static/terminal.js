// The playground's terminal: xterm.js (built into the application from the npm registry)
// on a WebSocket to the browser session's PTY session. Every output message carries its
// offset, so that after a dropped connection the page comes back with ?since= and shows
// exactly what it missed, nothing twice.
'use strict';

(() => {
	const terminal = {
		xterm: null,
		fit: null,
		socket: null,
		session: null,
		offset: -1, // just past the last byte shown; -1 before the first
		exited: false,
		retries: 0,
		reconnects: 0,
	};

	const element = () => document.getElementById('terminal');

	function status(text, isError) {
		const line = document.getElementById('terminal-state');
		line.textContent = text;
		line.classList.toggle('error', Boolean(isError));
	}

	function send(message) {
		if (terminal.socket && terminal.socket.readyState === WebSocket.OPEN) {
			terminal.socket.send(JSON.stringify(message));
		}
	}

	function show(data) {
		const view = new DataView(data);
		const offset = Number(view.getBigUint64(0));
		const bytes = new Uint8Array(data, 8);
		const skip = (terminal.offset > offset) ? terminal.offset - offset : 0;
		if (skip < bytes.length) {
			terminal.xterm.write(bytes.subarray(skip));
		}
		terminal.offset = Math.max(terminal.offset, offset + bytes.length);
	}

	function message(text) {
		const event = JSON.parse(text);
		if (event.type === 'exit') {
			terminal.exited = true;
			status(`The shell ended with exit code ${event.code}. Open the terminal again for a new one.`);
		}
		else if (event.type === 'error') {
			if (/no longer keeps/.test(event.message)) {
				// what was missed is gone: start again from what the server has
				terminal.offset = -1;
				terminal.xterm.write('\r\n[output was lost while disconnected]\r\n');
			}
			status(event.message, true);
		}
	}

	function schedule() {
		terminal.retries++;
		setTimeout(connect, Math.min(250 * 2 ** terminal.retries, 5000));
	}

	async function connect() {
		if (terminal.socket) {
			return;
		}
		status('Connecting\u2026');
		let answer;
		try {
			const response = await fetch('api/terminal', { headers: { Accept: 'application/json' } });
			if (!response.ok) {
				throw new Error(`HTTP ${response.status}`);
			}
			answer = await response.json();
		}
		catch (error) {
			status(`Cannot reach the terminal (${error.message}); trying again\u2026`, true);
			schedule();
			return;
		}
		if (answer.session !== terminal.session) {
			terminal.session = answer.session;
			terminal.offset = -1;
			terminal.xterm.reset();
		}
		const url = new URL('api/terminal/ws', window.location.href);
		url.protocol = url.protocol.replace('http', 'ws');
		if (terminal.offset >= 0) {
			url.searchParams.set('since', String(terminal.offset));
		}
		const socket = new WebSocket(url);
		socket.binaryType = 'arraybuffer';
		terminal.socket = socket;
		terminal.exited = false;
		socket.onopen = () => {
			terminal.retries = 0;
			status(`Connected to a shell in sandbox ${answer.sandboxId}.`);
			send({ type: 'resize', cols: terminal.xterm.cols, rows: terminal.xterm.rows });
		};
		socket.onmessage = (event) => (typeof event.data === 'string') ? message(event.data) : show(event.data);
		socket.onclose = () => {
			if (terminal.socket !== socket) {
				return;
			}
			terminal.socket = null;
			if (!terminal.exited) {
				terminal.reconnects++;
				status('The connection dropped: reconnecting\u2026', true);
				schedule();
			}
		};
	}

	function open() {
		if (!terminal.xterm) {
			terminal.xterm = new Terminal({ cursorBlink: true, fontSize: 14, scrollback: 5000 });
			terminal.fit = new FitAddon.FitAddon();
			terminal.xterm.loadAddon(terminal.fit);
			terminal.xterm.open(element());
			terminal.fit.fit();
			terminal.xterm.onData((data) => send({ type: 'input', data }));
			terminal.xterm.onResize(({ cols, rows }) => send({ type: 'resize', cols, rows }));
			window.addEventListener('resize', () => terminal.fit.fit());
			// what the browser test reads and drops
			element().terminal = terminal;
		}
		terminal.xterm.focus();
		connect();
	}

	document.addEventListener('DOMContentLoaded', () => {
		document.getElementById('terminal-open').addEventListener('click', open);
	});
})();
