import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { QuestionsBody } from "../../src/actors/curiosity/actor.js";
import type { QuestionMessage } from "../../src/actors/monitors/define-monitor.js";
import { makeFinding, type Severity } from "../../src/actors/monitors/finding.js";
import { silentLogger } from "../../src/common/logger.js";
import { createRuntime, type Runtime } from "../../src/index.js";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "../helpers/wait.js";
import { runCliProcess } from "./cli-process.js";
import { runInProcess } from "./memory-io.js";

let runtime: Runtime;
let bare: Runtime;
let dir: string;

function ask(subject: string, severity: Severity, monitor: string, evidence = [{ file: "svc/a.py", line: 12 }]): QuestionMessage {
  return { ...makeFinding({ kind: "orphaned-topic", severity, subject, question: `Who consumes ${subject}?`, evidence }), monitor };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "plexus-cli-questions-"));
  runtime = createRuntime({
    logger: silentLogger(),
    config: {
      runtime: { name: "questions", ops: { port: 0 }, stateDir: join(dir, "with") },
      children: [{ id: "curiosity", kind: "curiosity" }],
    },
  });
  bare = createRuntime({
    logger: silentLogger(),
    config: { runtime: { name: "bare", ops: { port: 0 }, stateDir: join(dir, "bare") }, children: [] },
  });
  await Promise.all([runtime.start(), bare.start()]);
  const many = Array.from({ length: 5 }, (_, i) => ({ file: `svc/m${i}.ts`, line: i + 1 }));
  await runtime.bus.publish("curiosity.integration_question", ask("audit", "low", "integration", many));
  await runtime.bus.publish("curiosity.integration_question", ask("orders", "high", "integration"));
  await runtime.bus.publish("curiosity.exploration_question", {
    ...makeFinding({
      kind: "memory-pressure",
      severity: "medium",
      subject: "memory",
      question: "Only 3% of memory is available: which process should give memory back?",
      evidence: [],
    }),
    monitor: "explorer",
  });
  await waitFor(async () => {
    const body = (await (await fetch(`${runtime.opsAddress!.url}/questions`)).json()) as QuestionsBody;
    return body.queued === 3;
  }, "three questions queued");
});

afterAll(async () => {
  await Promise.all([runtime?.stop(), bare?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

describe("plexus questions", () => {
  it("prints the questions of a running runtime as a table, most important first", async () => {
    const result = await runInProcess(["questions", "--url", runtime.opsAddress!.url]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("3 questions; 3 queued of 1000");
    expect(lines[1]).toMatch(/^SEVERITY\s+MONITOR\s+KIND\s+SUBJECT\s+QUESTION$/);
    expect(lines[2]).toMatch(/^high\s+integration\s+orphaned-topic\s+orders\s+Who consumes orders\? \[svc\/a\.py:12\]$/);
    expect(lines[3]).toMatch(
      /^medium\s+explorer\s+memory-pressure\s+memory\s+Only 3% of memory is available: which process should give memory back\?$/,
    );
    expect(lines[4]).toMatch(
      /^low\s+integration\s+orphaned-topic\s+audit\s+Who consumes audit\? \[svc\/m0\.ts:1, svc\/m1\.ts:2, svc\/m2\.ts:3, \+2 more\]$/,
    );
    // Columns line up: each row's QUESTION starts where the header's does.
    const column = lines[1]!.indexOf("QUESTION");
    for (const line of lines.slice(2)) expect(line.slice(column)).toMatch(/^(Who|Only)/);
  });

  it("filters with --severity, --monitor and --limit, and prints JSON with --json", async () => {
    const url = runtime.opsAddress!.url;
    const [high, explorer, limited, json] = await Promise.all([
      runInProcess(["questions", "--url", url, "--severity", "medium"]),
      runInProcess(["questions", "--url", url, "--monitor", "explorer"]),
      runInProcess(["questions", "--url", url, "--limit", "1"]),
      runInProcess(["questions", "--url", url, "--json", "--severity", "high"]),
    ]);
    expect(high.stdout.split("\n")[0]).toBe("2 questions; 3 queued of 1000");
    expect(high.stdout).not.toContain("audit");
    expect(explorer.stdout).toContain("memory-pressure");
    expect(explorer.stdout).not.toContain("orders");
    expect(limited.stdout.split("\n")[0]).toBe("3 questions (showing 1); 3 queued of 1000");
    const body = JSON.parse(json.stdout) as QuestionsBody;
    expect(body).toMatchObject({ total: 1, queued: 3, capacity: 1000, evicted: 0 });
    expect(body.questions.map((q) => q.subject)).toEqual(["orders"]);
  });

  it("finds the ops server from -c", async () => {
    const config = join(dir, "questions.yaml");
    await writeFile(config, `runtime:\n  name: q\n  ops: { host: 127.0.0.1, port: "\${TEST_OPS_PORT}" }\nchildren: []\n`);
    const result = await runInProcess(["questions", "-c", config, "--limit", "1"], {
      env: { TEST_OPS_PORT: String(runtime.opsAddress!.port) },
    });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toContain("orders");
  });

  it("runs as the plexus bin", async () => {
    const result = await runCliProcess(["questions", "--url", runtime.opsAddress!.url, "--severity", "high"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toContain("orders");
  });

  it("says what is wrong: no curiosity actor, unreachable runtime, bad options", async () => {
    const [none, unreachable, badSeverity, badLimit, help] = await Promise.all([
      runInProcess(["questions", "--url", bare.opsAddress!.url]),
      runInProcess(["questions", "--url", "http://127.0.0.1:1"]),
      runInProcess(["questions", "--severity", "urgent"]),
      runInProcess(["questions", "--limit", "0"]),
      runInProcess(["questions", "--help"]),
    ]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/runs no curiosity actor; add a child \{ id: curiosity, kind: curiosity \}/);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/cannot reach the plexus ops server/);
    expect(badSeverity.code).toBe(64);
    expect(badSeverity.stderr).toMatch(/Allowed choices are low, medium, high/);
    expect(badLimit.code).toBe(64);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("plexus questions --severity high --limit 10");
  });
});
