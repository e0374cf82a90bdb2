/**
 * One runtime of bench/monitor-live.ts, run by plain `node` (no tsx loader: its ~35 MB would count
 * in the RSS measured here) against the built package, as an application embeds it. Argument: a
 * JSON object { watcher, dir, files, soak, edits, pauseMs, soakMinutes, warmupSeconds, soakRate,
 * sampleEveryMs }. Prints one JSON line with what it measured.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const params = JSON.parse(process.argv[2]);
const { createRuntime, silentLogger } = await import(pathToFileURL(join(root, "dist", "index.js")).href);

/** The edited file's text: it publishes `topic`, which nothing subscribes to. */
const editedModule = (topic) => `"""Edited by the bench."""\n\n\ndef send(bus):\n    bus.publish("${topic}", {})\n`;

const stateDir = await mkdtemp(join(tmpdir(), "plexus-monitor-live-state-"));
const editDir = join(params.dir, "edits");
await mkdir(editDir, { recursive: true });
const runtime = createRuntime({
  logger: silentLogger(),
  config: {
    runtime: { name: "monitor-live", ops: { port: 0 }, stateDir },
    children: [
      { id: "curiosity", kind: "curiosity" },
      { id: "integration", kind: "integration-monitor", options: { watch: params.dir, watcher: params.watcher } },
    ],
  },
});
await runtime.start();
const waiting = new Map();
let questions = 0;
await runtime.bus.subscribe("curiosity.integration_question", (envelope) => {
  const at = performance.now();
  questions++;
  waiting.get(envelope.payload.subject)?.(at);
});
const health = async () => {
  const body = await (await fetch(`${runtime.opsAddress.url}/health`)).json();
  return body.actors.find((actor) => actor.path === "root/integration").status;
};
// The cold scan of the tree first: edits are measured against a settled monitor.
const settleStarted = performance.now();
for (;;) {
  const status = await health();
  if (status.filesTracked >= params.files && status.inFlight === 0 && status.queue.depth === 0) break;
  await new Promise((resolve) => setTimeout(resolve, 200));
}
const settleMs = performance.now() - settleStarted;

let edit = 0;
const run = Date.now().toString(36);
/** Rewrites one of 20 files to publish a fresh topic; resolves with the ms until its question arrived. */
const oneEdit = () => {
  const topic = `live.${run}.${edit}`;
  const file = join(editDir, `edit_${edit % 20}.py`);
  edit++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no question for ${topic} within 10 s`)), 10_000);
    const started = performance.now();
    waiting.set(topic, (at) => {
      clearTimeout(timer);
      waiting.delete(topic);
      resolve(at - started);
    });
    writeFile(file, editedModule(topic)).catch(reject);
  });
};

if (!params.soak) {
  for (let i = 0; i < 20; i++) await oneEdit(); // creates the 20 files and warms the workers' parsers
  const paced = [];
  for (let i = 0; i < params.edits; i++) {
    await new Promise((resolve) => setTimeout(resolve, params.pauseMs));
    paced.push(await oneEdit());
  }
  const burst = [];
  for (let i = 0; i < params.edits; i++) burst.push(await oneEdit());
  await runtime.stop();
  await rm(stateDir, { recursive: true, force: true });
  console.log(JSON.stringify({ paced, burst, settleMs, questions }));
} else {
  const warmupMs = params.warmupSeconds * 1000;
  const started = performance.now();
  const samples = [];
  let peakMb = 0;
  let peakAfterWarmupMb = 0;
  let late = 0;
  let lost = 0;
  const pending = new Set();
  // Edits are due by the clock, not by timer ticks: a tick delayed by a busy loop is made up at the next one.
  const editTimer = setInterval(
    () => {
      const due = Math.floor(((performance.now() - started) * params.soakRate) / 1000);
      while (edit < due) {
        const done = oneEdit().then(
          (ms) => void (ms > 1000 && late++),
          () => void lost++,
        );
        pending.add(done);
        void done.finally(() => pending.delete(done));
      }
    },
    1000 / params.soakRate / 2,
  );
  const peakTimer = setInterval(() => {
    const rssMb = process.memoryUsage.rss() / 2 ** 20;
    peakMb = Math.max(peakMb, rssMb);
    if (performance.now() - started >= warmupMs) peakAfterWarmupMb = Math.max(peakAfterWarmupMb, rssMb);
  }, 1000);
  const sampleTimer = setInterval(() => {
    const elapsed = performance.now() - started;
    if (elapsed >= warmupMs) samples.push({ atS: Math.round(elapsed / 1000), rssMb: process.memoryUsage.rss() / 2 ** 20 });
  }, params.sampleEveryMs);
  await new Promise((resolve) => setTimeout(resolve, params.soakMinutes * 60_000));
  clearInterval(editTimer);
  clearInterval(sampleTimer);
  clearInterval(peakTimer);
  await Promise.allSettled([...pending]);
  const status = await health();
  await runtime.stop();
  await rm(stateDir, { recursive: true, force: true });
  console.log(
    JSON.stringify({ samples, peakMb, peakAfterWarmupMb, settleMs, edits: edit, late, lost, questions, filesTracked: status.filesTracked }),
  );
}
