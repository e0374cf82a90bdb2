/**
 * The ZeroMQ proxy against pyzmq's C proxy, between the same publisher and subscriber programs.
 * Publisher, proxy and subscriber are separate processes (bench/lib/zmq-bench-roles.ts for the
 * Node roles, bench/lib/pyzmq-bench-peer.py for the pyzmq ones).
 *
 * Proxies, interleaved in every round, all with the same socket options (HWM both ways, NODROP):
 *   c-proxy          pyzmq's `zmq.proxy()` (libzmq's C loop; the baseline)
 *   zmq-native       zeromq.js's `Proxy` alone in a Node process (the limit for a Node proxy)
 *   plexus-native    the plexus proxy actor, default mode, hosted by a runtime
 *   plexus-counting  the plexus proxy actor, `mode: counting` (the JavaScript forwarder that was
 *                    the only mode before native existed: the "before" figure)
 * Peers: pyzmq (a PUB sending [topic, json] as fast as it can, a SUB receiving them: the setup the
 * proxy was measured with) and plexus (ZmqTransport publisher and subscriber, noDrop).
 * NODROP=1 (default) sets XPUB_NODROP on every proxy and publisher, so a full queue slows the
 * sender instead of dropping: runs are lossless and "delivered msg/s" is the rate each pipeline
 * sustains. NODROP=0 is libzmq's default: whoever falls behind loses messages (counted as lost).
 *
 * 1. Throughput: MESSAGES messages as fast as the publisher can, median of ROUNDS rounds: messages
 *    delivered per second (first to last arrival at the subscriber), lost, and the proxy process's
 *    CPU time over the run (/proc/<pid>/stat: user + system of all its threads, which is what
 *    process.cpuUsage() reports inside Node) and per delivered message.
 * 2. Latency: RATE msg/s offered for SECONDS s between LATENCY_PEERS peers, once per proxy: loss and
 *    p50/p99/max publish-to-receive time (both clocks are this machine's).
 *
 * Run: npx tsx bench/transport-zmq.ts
 *   ROUNDS=5 MESSAGES=200000 RATE=10000 SECONDS=30 HWM=10000 NODROP=1
 *   PEERS=pyzmq,plexus LATENCY_PEERS=plexus PROXIES=c-proxy,zmq-native,plexus-native,plexus-counting
 *   PYTHON=<a python with pyzmq> (default: the first of python3, /usr/bin/python3 that imports zmq;
 *   without one the c-proxy column and the pyzmq rows are skipped, loudly)
 */
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { recordHeadlines } from "./lib/headline.js";
import { BenchChild } from "./lib/bench-child.js";
import type { GoCommand, SubscriberReport } from "./lib/zmq-bench-roles.js";

const list = (value: string | undefined, fallback: string): string[] =>
  (value ?? fallback)
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const MESSAGES = Number(process.env.MESSAGES ?? 200_000);
const SECONDS = Number(process.env.SECONDS ?? 30);
const RATE = Number(process.env.RATE ?? 10_000);
const HWM = Number(process.env.HWM ?? 10_000);
const NODROP = process.env.NODROP !== "0";
const here = dirname(fileURLToPath(import.meta.url));
const ROLES = join(here, "lib", "zmq-bench-roles.ts");
const PY_PEER = join(here, "lib", "pyzmq-bench-peer.py");

type Proxy = "c-proxy" | "zmq-native" | "plexus-native" | "plexus-counting";
type Peers = "pyzmq" | "plexus";

/** A python that can `import zmq`, or undefined. */
function findPython(): string | undefined {
  const candidates = process.env.PYTHON !== undefined ? [process.env.PYTHON] : ["python3", "/usr/bin/python3"];
  for (const candidate of candidates) {
    try {
      execFileSync(candidate, ["-c", "import zmq"], { stdio: "ignore" });
      return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

const PYTHON = findPython();
const PROXIES = list(process.env.PROXIES, "c-proxy,zmq-native,plexus-native,plexus-counting").filter(
  (proxy): proxy is Proxy => proxy !== "c-proxy" || PYTHON !== undefined,
) as Proxy[];
const PEERS = list(process.env.PEERS, "pyzmq,plexus").filter((peers) => peers !== "pyzmq" || PYTHON !== undefined) as Peers[];
const LATENCY_PEERS = (process.env.LATENCY_PEERS ?? "plexus") as Peers;

function startProxy(proxy: Proxy): BenchChild {
  if (proxy === "c-proxy") return BenchChild.lines(PYTHON ?? "python3", [PY_PEER, "proxy", NODROP ? "1" : "0", String(HWM)]);
  return BenchChild.node(ROLES, ["proxy", proxy]);
}

function startSubscriber(peers: Peers, endpoints: { xsub: string; xpub: string }, expected: number, mode: GoCommand["mode"]): BenchChild {
  if (peers === "pyzmq")
    return BenchChild.lines(PYTHON ?? "python3", [PY_PEER, "sub", endpoints.xpub, String(expected), mode, String(HWM)]);
  return BenchChild.node(ROLES, ["sub", "plexus", endpoints.xpub, String(expected), endpoints.xsub]);
}

function startPublisher(peers: Peers, endpoints: { xsub: string; xpub: string }): BenchChild {
  if (peers === "pyzmq") return BenchChild.lines(PYTHON ?? "python3", [PY_PEER, "pub", endpoints.xsub, String(HWM), NODROP ? "1" : "0"]);
  return BenchChild.node(ROLES, ["pub", "plexus", endpoints.xsub, endpoints.xpub]);
}

interface RunResult extends SubscriberReport {
  sent: number;
  /** CPU seconds the proxy process used from the go command to the subscriber's report. */
  proxyCpu: number;
}

/** One run: fresh proxy, subscriber and publisher processes. */
async function run(proxy: Proxy, peers: Peers, command: GoCommand): Promise<RunResult> {
  const sent = command.mode === "throughput" ? command.messages : command.perSecond * command.seconds;
  const children: BenchChild[] = [];
  try {
    const proxyChild = startProxy(proxy);
    children.push(proxyChild);
    const endpoints = await proxyChild.next<{ xsub: string; xpub: string }>();
    const sub = startSubscriber(peers, endpoints, sent, command.mode);
    children.push(sub);
    await sub.next((m) => m === "ready");
    const warm = sub.next((m) => m === "warm");
    const report = sub.next<SubscriberReport>((m) => typeof m === "object" && m !== null && "received" in m);
    const pub = startPublisher(peers, endpoints);
    children.push(pub);
    await warm;
    const cpuBefore = proxyChild.cpuSeconds();
    pub.send(command);
    const result = await report;
    return { ...result, sent, proxyCpu: proxyChild.cpuSeconds() - cpuBefore };
  } finally {
    await Promise.all(children.map((child) => child.kill()));
  }
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const fmt = (value: number, digits = 0): string =>
  Number.isFinite(value) ? value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "-";

interface Sample {
  rate: number;
  lost: number;
  cpu: number;
  /** Proxy CPU µs per delivered message. */
  cpuPerMessage: number;
}

async function main(): Promise<void> {
  console.log(
    `# zmq proxy bench: ${ROUNDS} rounds × ${fmt(MESSAGES)} messages, HWM ${fmt(HWM)}, noDrop ${NODROP}; latency at ${fmt(RATE)} msg/s for ${SECONDS} s (${LATENCY_PEERS} peers)`,
  );
  if (PYTHON === undefined) {
    console.log(
      "\n**SKIPPED: no python with pyzmq (set PYTHON=...); the c-proxy baseline and the pyzmq peers are missing from this run.**",
    );
  } else {
    const version = execFileSync(PYTHON, ["-c", "import zmq; print(zmq.__version__, zmq.zmq_version())"], { encoding: "utf8" }).trim();
    console.log(`# python: ${PYTHON} (pyzmq, libzmq ${version})\n`);
  }
  const samples = new Map<string, Sample[]>();
  const key = (peers: Peers, proxy: Proxy): string => `${peers}/${proxy}`;
  for (let round = 0; round < ROUNDS; round++) {
    for (const peers of PEERS) {
      for (const proxy of PROXIES) {
        const result = await run(proxy, peers, { mode: "throughput", messages: MESSAGES });
        const rate = (result.received / result.elapsedMs) * 1000;
        const sample = {
          rate,
          lost: result.sent - result.received,
          cpu: result.proxyCpu,
          cpuPerMessage: (result.proxyCpu / Math.max(1, result.received)) * 1e6,
        };
        samples.set(key(peers, proxy), [...(samples.get(key(peers, proxy)) ?? []), sample]);
        console.error(
          `round ${round + 1} ${peers} peers, ${proxy}: ${fmt(rate)} msg/s, lost ${fmt(sample.lost)}, proxy CPU ${fmt(sample.cpu, 2)} s (${fmt(sample.cpuPerMessage, 2)} µs/msg)`,
        );
      }
    }
  }
  const latency = new Map<Proxy, RunResult>();
  if (SECONDS > 0 && (LATENCY_PEERS !== "pyzmq" || PYTHON !== undefined)) {
    for (const proxy of PROXIES) latency.set(proxy, await run(proxy, LATENCY_PEERS, { mode: "rate", perSecond: RATE, seconds: SECONDS }));
  }

  const baseline = PROXIES.includes("c-proxy") ? "c-proxy" : undefined;
  const ratio = (value: number, base: number | undefined): string => (base === undefined ? "" : ` (${fmt(value / base, 2)}×)`);
  console.log(
    `\n| peers | proxy | delivered msg/s, median (× c-proxy) | lost, median | proxy CPU s, median | proxy CPU µs/msg, median (× c-proxy) |`,
  );
  console.log("|---|---|---:|---:|---:|---:|");
  for (const peers of PEERS) {
    const of = (proxy: Proxy): Sample[] => samples.get(key(peers, proxy)) ?? [];
    const baseRate = baseline !== undefined ? median(of(baseline).map((s) => s.rate)) : undefined;
    const baseCpu = baseline !== undefined ? median(of(baseline).map((s) => s.cpuPerMessage)) : undefined;
    for (const proxy of PROXIES) {
      const rate = median(of(proxy).map((s) => s.rate));
      const cpuPerMessage = median(of(proxy).map((s) => s.cpuPerMessage));
      console.log(
        `| ${peers} | ${proxy} | ${fmt(rate)}${proxy === baseline ? "" : ratio(rate, baseRate)} | ${fmt(median(of(proxy).map((s) => s.lost)))} | ${fmt(median(of(proxy).map((s) => s.cpu)), 2)} | ${fmt(cpuPerMessage, 2)}${proxy === baseline ? "" : ratio(cpuPerMessage, baseCpu)} |`,
      );
    }
  }
  if (latency.size > 0) {
    console.log(`\n| ${fmt(RATE)} msg/s × ${SECONDS} s, ${LATENCY_PEERS} peers | lost | p50 ms | p99 ms | max ms |`);
    console.log("|---|---:|---:|---:|---:|");
    for (const [proxy, result] of latency) {
      const l = result.latencyMs;
      console.log(
        `| ${proxy} | ${fmt(result.sent - result.received)} of ${fmt(result.sent)} | ${fmt(l?.p50 ?? Number.NaN, 2)} | ${fmt(l?.p99 ?? Number.NaN, 2)} | ${fmt(l?.max ?? Number.NaN, 2)} |`,
      );
    }
  }
  console.log(
    "\nTargets (plexus-native, pyzmq peers): delivered rate ≥ 1.0× c-proxy and proxy CPU per message ≤ 1.5× c-proxy; at the offered rate zero loss and p99 ≤ 5 ms.",
  );
  const pyzmq = (proxy: Proxy): Sample[] => samples.get(key("pyzmq", proxy)) ?? [];
  if (baseline !== undefined && pyzmq("plexus-native").length > 0) {
    const rate = { plexus: median(pyzmq("plexus-native").map((s) => s.rate)), c: median(pyzmq(baseline).map((s) => s.rate)) };
    const cpu = {
      plexus: median(pyzmq("plexus-native").map((s) => s.cpuPerMessage)),
      c: median(pyzmq(baseline).map((s) => s.cpuPerMessage)),
    };
    recordHeadlines("transport-zmq", [
      {
        measure: "proxy (native) between pyzmq peers, delivered msg/s",
        plexus: rate.plexus,
        baselineName: "pyzmq zmq.proxy()",
        baseline: rate.c,
        target: "≥ 1.0×",
        met: rate.plexus >= rate.c,
        digits: 0,
      },
      {
        measure: "proxy (native) CPU per message, µs",
        plexus: cpu.plexus,
        baselineName: "pyzmq zmq.proxy()",
        baseline: cpu.c,
        target: "≤ 1.5×",
        met: cpu.plexus <= 1.5 * cpu.c,
        digits: 2,
      },
    ]);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
