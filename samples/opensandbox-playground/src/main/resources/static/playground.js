// OpenSandbox Playground page. Plain browser JavaScript, no build step, nothing loaded
// from elsewhere. Output arrives as server-sent events on the response of a POST, read
// with fetch (EventSource can only GET).
'use strict';

const $ = (id) => document.getElementById(id);

const state = {
	info: null,
	running: null, // AbortController of the command being run
	agentBusy: false, // whether the agent is answering a message
	agentCall: null, // the tool call whose result is awaited
};

const examples = {
	shell: 'echo hello from the sandbox; uname -a',
	python: 'import sys, time\nfor i in range(3):\n    print("line", i)\n    time.sleep(0.5)\nprint("done", file=sys.stderr)',
};

function formatBytes(bytes) {
	const units = ['KiB', 'MiB', 'GiB'];
	if (bytes < 1024) {
		return bytes + ' bytes';
	}
	let value = bytes;
	let unit = -1;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	return (Number.isInteger(value) ? value : value.toFixed(1)) + ' ' + units[unit];
}

function showMessage(id, text, isError) {
	const element = $(id);
	element.textContent = text || '';
	element.classList.toggle('error', Boolean(isError));
}

// The sentence of an RFC 9457 problem, or the status line when the body is something else.
// A problem answered to a stream request may arrive framed as a server-sent event.
async function problemOf(response) {
	try {
		const text = (await response.text()).trim();
		const json = text.startsWith('{') ? text : text.split('\n')
			.filter((line) => line.startsWith('data:'))
			.map((line) => line.slice(5))
			.join('\n');
		const problem = JSON.parse(json);
		if (problem && problem.detail) {
			return problem.detail;
		}
	}
	catch (ignored) {
		// not a problem document
	}
	return 'The request failed: HTTP ' + response.status;
}

async function loadInfo() {
	try {
		const response = await fetch('api/info', { headers: { Accept: 'application/json' } });
		if (!response.ok) {
			throw new Error(await problemOf(response));
		}
		const info = await response.json();
		state.info = info;
		const server = $('server');
		server.dataset.kind = info.server.kind;
		server.textContent = info.server.description + ' \u2014 ' + info.server.protocol + '://' + info.server.domain;
		$('image').textContent = info.image;
		$('timeout').value = info.commandTimeoutSeconds;
		$('timeout').max = info.maxCommandTimeoutSeconds;
		$('max-timeout').textContent = info.maxCommandTimeoutSeconds;
		$('max-upload').textContent = formatBytes(info.maxUploadBytes);
		document.body.dataset.ready = 'true';
	}
	catch (error) {
		showMessage('run-message', 'Cannot reach the playground: ' + error.message, true);
	}
}

function appendOutput(text, kind) {
	const output = $('output');
	const line = document.createElement('span');
	line.className = kind;
	line.textContent = text + '\n';
	output.appendChild(line);
	output.scrollTop = output.scrollHeight;
}

function setExit(text, exitState) {
	const exit = $('exit');
	exit.textContent = text;
	exit.dataset.state = exitState;
}

function setRunning(controller) {
	state.running = controller;
	$('run').disabled = controller !== null;
	$('stop').disabled = controller === null;
}

function handleEvent(name, data) {
	switch (name) {
		case 'status':
			setExit(data.message + '\u2026', 'running');
			break;
		case 'started':
			setExit('Running in sandbox ' + data.sandboxId + ' (stopped after ' + data.timeoutSeconds + ' s)\u2026',
				'running');
			break;
		case 'stdout':
			appendOutput(data.text, 'stdout');
			break;
		case 'stderr':
			appendOutput(data.text, 'stderr');
			break;
		case 'exit': {
			const seconds = (data.durationMillis / 1000).toFixed(2);
			if (data.exitCode === null || data.exitCode === undefined) {
				setExit('Failed after ' + seconds + ' s: ' + (data.error || 'unknown error'), 'failed');
				for (const line of data.traceback || []) {
					appendOutput(line, 'stderr');
				}
			}
			else {
				setExit('Exit code ' + data.exitCode + ' after ' + seconds + ' s', data.exitCode === 0 ? 'success' : 'failed');
			}
			break;
		}
		case 'timeout':
			setExit(data.message, 'timeout');
			break;
		case 'failure':
			setExit(data.message, 'failure');
			break;
		default:
			break;
	}
}

// Calls onEvent(name, data) for each complete event in the text; returns what is left.
function parseEvents(text, onEvent) {
	const blocks = text.split(/\r\n\r\n|\n\n|\r\r/);
	const rest = blocks.pop();
	for (const block of blocks) {
		let name = 'message';
		const data = [];
		for (const line of block.split(/\r\n|\n|\r/)) {
			if (line.startsWith(':')) {
				continue; // comment (keep-alive ping)
			}
			const colon = line.indexOf(':');
			const field = colon < 0 ? line : line.slice(0, colon);
			let value = colon < 0 ? '' : line.slice(colon + 1);
			if (value.startsWith(' ')) {
				value = value.slice(1);
			}
			if (field === 'event') {
				name = value;
			}
			else if (field === 'data') {
				data.push(value);
			}
		}
		if (data.length > 0) {
			onEvent(name, JSON.parse(data.join('\n')));
		}
	}
	return rest;
}

// Reads a response of server-sent events to its end, calling onEvent(name, data) for each.
async function readEvents(response, onEvent) {
	const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
	let buffer = '';
	for (;;) {
		const { value, done } = await reader.read();
		if (done) {
			return;
		}
		buffer = parseEvents(buffer + value, onEvent);
	}
}

async function run() {
	if (state.running) {
		return;
	}
	showMessage('run-message', '');
	const controller = new AbortController();
	setRunning(controller);
	const language = $('language').value;
	appendOutput('$ ' + (language === 'python' ? 'python3 main.py' : $('code').value), 'info');
	setExit('Starting\u2026', 'running');
	let finished = false;
	try {
		const response = await fetch('api/runs', {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream, application/problem+json' },
			body: JSON.stringify({
				language: language,
				code: $('code').value,
				timeoutSeconds: $('timeout').value === '' ? null : Number($('timeout').value),
			}),
			signal: controller.signal,
		});
		if (!response.ok) {
			const problem = await problemOf(response);
			showMessage('run-message', problem, true);
			setExit('Not run: ' + problem, 'failure');
			finished = true;
			return;
		}
		await readEvents(response, (name, data) => {
			finished = finished || ['exit', 'timeout', 'failure'].includes(name);
			handleEvent(name, data);
		});
		if (!finished) {
			setExit('The connection to the playground ended before the command did', 'failure');
		}
	}
	catch (error) {
		if (error.name === 'AbortError') {
			setExit('Stopped by you (the command was interrupted)', 'timeout');
		}
		else {
			setExit('The connection to the playground failed: ' + error.message, 'failure');
		}
	}
	finally {
		setRunning(null);
		loadSandboxes();
	}
}

// The agent: one conversation per browser session; tool calls and their output arrive as
// events while the model works, then its answer.
function agentTurn(className, text) {
	const turn = document.createElement('div');
	turn.className = 'turn ' + className;
	turn.textContent = text;
	$('agent-transcript').append(turn);
	return turn;
}

// A tool call's arguments as a person reads them: the code or command itself, else the JSON.
function toolInput(text) {
	try {
		const input = JSON.parse(text);
		const main = input.code || input.command;
		if (typeof main === 'string') {
			const rest = Object.entries(input).filter(([key]) => key !== 'code' && key !== 'command');
			const header = rest.map(([key, value]) => key + ': ' + value).join(', ');
			return (header ? '# ' + header + '\n' : '') + main;
		}
		return JSON.stringify(input, null, 2);
	}
	catch (error) {
		return text;
	}
}

function agentEvent(name, data) {
	if (name === 'tool') {
		const call = document.createElement('details');
		call.className = 'tool-call';
		call.open = true;
		const summary = document.createElement('summary');
		summary.textContent = 'Tool ' + data.name;
		const input = document.createElement('pre');
		input.className = 'tool-input';
		input.textContent = toolInput(data.arguments);
		call.append(summary, input);
		$('agent-transcript').append(call);
		state.agentCall = call;
	}
	else if (name === 'tool-result') {
		const call = state.agentCall || agentTurn('tool-call', '');
		const output = document.createElement('pre');
		output.className = 'tool-output';
		output.textContent = data.text;
		call.append(output);
		for (const url of data.images) {
			const image = document.createElement('img');
			image.src = url;
			image.alt = 'Produced by the agent\'s code';
			call.append(image);
		}
		state.agentCall = null;
	}
	else if (name === 'answer') {
		agentTurn('answer', data.text);
	}
	else if (name === 'failure') {
		agentTurn('failure', 'The agent failed: ' + data.message);
	}
}

async function sendToAgent() {
	const text = $('agent-message').value.trim();
	if (state.agentBusy || text === '') {
		return;
	}
	state.agentBusy = true;
	$('agent-send').disabled = true;
	showMessage('agent-state', 'The agent is working\u2026');
	agentTurn('user', text);
	$('agent-message').value = '';
	let finished = false;
	try {
		const response = await fetch('api/agent/messages', {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream, application/problem+json' },
			body: JSON.stringify({ text: text }),
		});
		if (!response.ok) {
			agentTurn('failure', await problemOf(response));
			finished = true;
			return;
		}
		await readEvents(response, (name, data) => {
			finished = finished || name === 'answer' || name === 'failure';
			agentEvent(name, data);
		});
		if (!finished) {
			agentTurn('failure', 'The connection to the playground ended before the agent answered');
		}
	}
	catch (error) {
		agentTurn('failure', 'The connection to the playground failed: ' + error.message);
	}
	finally {
		state.agentBusy = false;
		$('agent-send').disabled = false;
		showMessage('agent-state', '');
		loadSandboxes();
	}
}

async function loadAgent() {
	try {
		const response = await fetch('api/agent', { headers: { Accept: 'application/json' } });
		const status = await response.json();
		if (!status.configured) {
			$('agent-setup').hidden = false;
			$('agent-setup').textContent = status.setup;
			$('agent-send').disabled = true;
			$('agent-message').disabled = true;
		}
	}
	catch (error) {
		showMessage('agent-state', 'Could not ask the playground about its agent: ' + error.message, true);
	}
}

async function upload() {
	const file = $('upload-file').files[0];
	if (!file) {
		showMessage('files-message', 'Choose a file to upload first', true);
		return;
	}
	const limit = state.info ? state.info.maxUploadBytes : Infinity;
	if (file.size > limit) {
		showMessage('files-message', 'The file is ' + formatBytes(file.size) + '; uploads are limited to '
			+ formatBytes(limit), true);
		return;
	}
	const path = $('upload-path').value.trim() || file.name;
	showMessage('files-message', 'Uploading ' + file.name + '\u2026');
	try {
		const response = await fetch('api/files?path=' + encodeURIComponent(path), { method: 'PUT', body: file });
		if (!response.ok) {
			showMessage('files-message', await problemOf(response), true);
			return;
		}
		const stored = await response.json();
		showMessage('files-message', 'Uploaded ' + formatBytes(stored.size) + ' to ' + stored.path);
		if (!$('download-path').value) {
			$('download-path').value = stored.path;
		}
		loadSandboxes();
	}
	catch (error) {
		showMessage('files-message', 'Upload failed: ' + error.message, true);
	}
}

async function download() {
	const path = $('download-path').value.trim();
	try {
		const response = await fetch('api/files?path=' + encodeURIComponent(path));
		if (!response.ok) {
			showMessage('files-message', await problemOf(response), true);
			return;
		}
		const blob = await response.blob();
		const link = document.createElement('a');
		link.href = URL.createObjectURL(blob);
		link.download = path.split('/').pop() || 'download';
		document.body.appendChild(link);
		link.click();
		link.remove();
		setTimeout(() => URL.revokeObjectURL(link.href), 10000);
		showMessage('files-message', 'Downloaded ' + path + ' (' + formatBytes(blob.size) + ')');
	}
	catch (error) {
		showMessage('files-message', 'Download failed: ' + error.message, true);
	}
}

function cell(row, text, className) {
	const td = document.createElement('td');
	td.textContent = text;
	if (className) {
		td.className = className;
	}
	row.appendChild(td);
	return td;
}

function formatTime(instant) {
	return instant ? new Date(instant).toLocaleTimeString() : '\u2014';
}

async function loadSandboxes() {
	try {
		const response = await fetch('api/sandboxes', { headers: { Accept: 'application/json' } });
		if (!response.ok) {
			showMessage('sandboxes-message', await problemOf(response), true);
			return;
		}
		const sandboxes = await response.json();
		const body = $('sandboxes');
		body.replaceChildren();
		for (const sandbox of sandboxes) {
			const row = document.createElement('tr');
			row.dataset.id = sandbox.id;
			if (sandbox.mine) {
				row.className = 'mine';
			}
			cell(row, sandbox.id, 'id');
			cell(row, sandbox.state || 'unknown');
			cell(row, sandbox.image || '\u2014');
			cell(row, formatTime(sandbox.createdAt));
			cell(row, formatTime(sandbox.expiresAt));
			const kill = document.createElement('button');
			kill.type = 'button';
			kill.textContent = 'Kill';
			kill.className = 'kill';
			kill.addEventListener('click', () => killSandbox(sandbox.id));
			cell(row, '').appendChild(kill);
			body.appendChild(row);
		}
		if (sandboxes.length === 0) {
			const row = document.createElement('tr');
			row.className = 'empty';
			cell(row, 'No sandboxes yet: the first command creates yours.').colSpan = 6;
			body.appendChild(row);
		}
	}
	catch (error) {
		showMessage('sandboxes-message', 'Cannot list the sandboxes: ' + error.message, true);
	}
}

async function killSandbox(id) {
	try {
		const response = await fetch('api/sandboxes/' + encodeURIComponent(id), { method: 'DELETE' });
		if (!response.ok) {
			showMessage('sandboxes-message', await problemOf(response), true);
		}
		else {
			await loadSandboxes();
			showMessage('sandboxes-message', 'Killed ' + id);
			return;
		}
	}
	catch (error) {
		showMessage('sandboxes-message', 'Kill failed: ' + error.message, true);
	}
	loadSandboxes();
}

document.addEventListener('DOMContentLoaded', () => {
	$('code').value = examples.shell;
	$('language').addEventListener('change', (event) => {
		const current = $('code').value;
		if (current === '' || Object.values(examples).includes(current)) {
			$('code').value = examples[event.target.value];
		}
	});
	$('run').addEventListener('click', run);
	$('stop').addEventListener('click', () => state.running && state.running.abort());
	$('clear').addEventListener('click', () => $('output').replaceChildren());
	$('code').addEventListener('keydown', (event) => {
		if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
			event.preventDefault();
			run();
		}
	});
	$('upload').addEventListener('click', upload);
	$('download').addEventListener('click', download);
	$('refresh').addEventListener('click', loadSandboxes);
	$('agent-send').addEventListener('click', sendToAgent);
	$('agent-message').addEventListener('keydown', (event) => {
		if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
			event.preventDefault();
			sendToAgent();
		}
	});
	loadAgent();
	loadInfo().then(loadSandboxes);
});
