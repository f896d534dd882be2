// The official OpenSandbox JavaScript SDK against the embedded server: every step checks
// what a real server would answer. Usage: node scenario.mjs <domain> <api-key>
import assert from "node:assert/strict";
import { ConnectionConfig, Sandbox, SandboxManager } from "@alibaba-group/opensandbox";

const [domain, apiKey] = process.argv.slice(2);
if (!domain || !apiKey) {
  console.error("usage: node scenario.mjs <domain> <api-key>");
  process.exit(2);
}

const connectionConfig = new ConnectionConfig({ domain, protocol: "http", apiKey, disableMetrics: true });
const steps = [];
async function step(name, action) {
  const started = Date.now();
  await action();
  steps.push(name);
  console.log(`ok ${steps.length} - ${name} (${Date.now() - started} ms)`);
}

async function waitFor(condition, what, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

let sandbox;
const manager = SandboxManager.create({ connectionConfig });
try {
  await step("create a sandbox and wait until it is ready", async () => {
    sandbox = await Sandbox.create({
      connectionConfig,
      image: "python:3.12-slim",
      timeoutSeconds: 600,
      resource: { cpu: "1", memory: "512Mi" },
      entrypoint: ["tail", "-f", "/dev/null"],
      metadata: { scenario: "js-sdk" },
    });
    assert.match(sandbox.id, /^[0-9a-f-]{36}$/);
  });

  await step("run a command: stdout and exit code", async () => {
    const ok = await sandbox.commands.run("echo hello from $GREETER; pwd", {
      workingDirectory: "/tmp",
      envs: { GREETER: "js" },
    });
    assert.deepEqual(ok.logs.stdout.map((line) => line.text), ["hello from js", "/tmp"]);
    assert.equal(ok.exitCode, 0);
    const failed = await sandbox.commands.run("echo broken >&2; exit 7");
    assert.equal(failed.exitCode, 7);
    assert.deepEqual(failed.logs.stderr.map((line) => line.text), ["broken"]);
    assert.equal(failed.error.name, "CommandExecError");
  });

  await step("write a file, read it back, and run it", async () => {
    await sandbox.files.writeFiles([{ path: "/tmp/hello.py", data: "print(6 * 7)\n", mode: 644 }]);
    assert.equal(await sandbox.files.readFile("/tmp/hello.py"), "print(6 * 7)\n");
    const run = await sandbox.commands.run("python3 /tmp/hello.py");
    assert.deepEqual(run.logs.stdout.map((line) => line.text), ["42"]);
    const info = await sandbox.files.getFileInfo(["/tmp/hello.py"]);
    assert.equal(info["/tmp/hello.py"].size, 13);
  });

  await step("background command: status and logs", async () => {
    const started = await sandbox.commands.run("echo first; sleep 0.3; echo second", { background: true });
    assert.ok(started.id);
    await waitFor(async () => !(await sandbox.commands.getCommandStatus(started.id)).running,
      "the background command to finish");
    const status = await sandbox.commands.getCommandStatus(started.id);
    assert.equal(status.exitCode, 0);
    const logs = await sandbox.commands.getBackgroundCommandLogs(started.id, 0);
    assert.equal(logs.content, "first\nsecond\n");
    assert.equal(Number(logs.cursor), 13);
  });

  await step("bash session keeps exported variables and the working directory", async () => {
    const session = await sandbox.commands.createSession({ workingDirectory: "/tmp" });
    await sandbox.commands.runInSession(session, "export FOO=bar; cd /workspace");
    const run = await sandbox.commands.runInSession(session, "echo $FOO; pwd");
    assert.deepEqual(run.logs.stdout.map((line) => line.text), ["bar", "/workspace"]);
    assert.equal(run.exitCode, 0);
    await sandbox.commands.deleteSession(session);
  });

  await step("getInfo", async () => {
    const info = await sandbox.getInfo();
    assert.equal(info.id, sandbox.id);
    assert.equal(info.status.state, "Running");
    assert.equal(info.metadata.scenario, "js-sdk");
    assert.ok(info.createdAt instanceof Date);
    assert.ok(info.expiresAt instanceof Date);
  });

  await step("renew", async () => {
    const before = (await sandbox.getInfo()).expiresAt;
    const renewed = await sandbox.renew(1800);
    assert.ok(renewed.expiresAt.getTime() > before.getTime());
  });

  await step("list with state and metadata filters", async () => {
    const running = await manager.listSandboxInfos({ states: ["Running"], metadata: { scenario: "js-sdk" } });
    assert.deepEqual(running.items.map((item) => item.id), [sandbox.id]);
    const paused = await manager.listSandboxInfos({ states: ["Paused"], metadata: { scenario: "js-sdk" } });
    assert.equal(paused.items.length, 0);
  });

  await step("kill", async () => {
    await sandbox.kill();
    const after = await manager.listSandboxInfos({ metadata: { scenario: "js-sdk" } });
    assert.equal(after.items.length, 0);
    sandbox = undefined;
  });
} finally {
  if (sandbox) {
    await sandbox.kill().catch(() => {});
  }
  await manager.close?.();
}
console.log(`all ${steps.length} steps passed`);
