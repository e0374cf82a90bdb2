import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createRuntime, defineActor } from "../../../../src/index.js";
import { silentLogger } from "../../../../src/common/logger.js";
import type { QuestionMessage, ResolvedMessage } from "../../../../src/actors/monitors/define-monitor.js";
import { runtimeScope } from "../../../helpers/runtime-scope.js";
import { waitFor } from "../../../helpers/wait.js";
import { PLANTED_FINDINGS } from "./planted-findings.js";

const fixtures = fileURLToPath(new URL("../../../fixtures/monitors/integration/", import.meta.url));
const scope = runtimeScope("plexus-integration-monitor-");
let tree: string | undefined;
afterEach(async () => {
  if (tree) await rm(tree, { recursive: true, force: true });
  tree = undefined;
});

const questions: QuestionMessage[] = [];
const resolutions: ResolvedMessage[] = [];
// Started before the monitors (children start in order), so it sees everything they announce.
const recorder = defineActor({
  kind: "recorder",
  async start(ctx) {
    await ctx.bus.subscribe<QuestionMessage>("curiosity.integration_question", (envelope) => void questions.push(envelope.payload));
    await ctx.bus.subscribe<ResolvedMessage>("curiosity.integration_resolved", (envelope) => void resolutions.push(envelope.payload));
  },
});
const subjectsOf = (monitor: string) =>
  questions
    .filter((question) => question.monitor === monitor)
    .map((question) => `${question.kind} ${question.subject}`)
    .sort();

describe("kind: integration-monitor (built in)", () => {
  it("asks about planted Python and TypeScript trees through real workers, analyses the rest of a tree beside a syntax error, and resolves what an edit fixes", async () => {
    tree = await mkdtemp(join(tmpdir(), "plexus-integration-tree-"));
    await cp(fixtures, tree, { recursive: true });
    questions.length = 0;
    resolutions.length = 0;
    scope.runtime = createRuntime({
      logger: silentLogger(),
      kinds: [recorder],
      config: {
        runtime: { name: "integration", ops: { port: 0 }, stateDir: await scope.stateDir() },
        children: [
          { id: "recorder", kind: "recorder" },
          { id: "py", kind: "integration-monitor", options: { watch: join(tree, "python"), debounce: "5ms" } },
          { id: "ts", kind: "integration-monitor", options: { watch: join(tree, "typescript"), debounce: "5ms" } },
        ],
      },
    });
    await scope.runtime.start();
    await waitFor(
      () => subjectsOf("py").length === PLANTED_FINDINGS.length && subjectsOf("ts").length === PLANTED_FINDINGS.length,
      () => `questions: ${JSON.stringify(questions.map((q) => [q.monitor, q.kind, q.subject]))}`,
      20_000,
    );
    expect(subjectsOf("py")).toEqual(PLANTED_FINDINGS);
    expect(subjectsOf("ts")).toEqual(PLANTED_FINDINGS);
    const orphan = questions.find((question) => question.monitor === "py" && question.kind === "orphaned-topic")!;
    expect(orphan).toMatchObject({ severity: "medium", evidence: [{ file: expect.stringMatching(/producer\.py$/), line: 20 }] });

    const health = (await (await fetch(`${scope.runtime.opsAddress!.url}/health`)).json()) as {
      actors: Array<{ path: string; status?: Record<string, unknown> }>;
    };
    // broken.py and broken.ts parse in part: tracked, not failed, counted; a publish cut short is unresolved.
    for (const id of ["py", "ts"])
      expect(health.actors.find((actor) => actor.path === `root/${id}`)?.status).toMatchObject({
        filesTracked: 4,
        failed: 0,
        openFindings: 6,
        filesWithSyntaxErrors: 1,
        unresolved: id === "py" ? 1 : 0,
      });

    // A subscriber for the orphan (Python) and the missing field (TypeScript) resolve those findings.
    // Both edits keep the other findings' lines where they were: evidence is part of a finding's id.
    const consumer = join(tree, "python", "consumer.py");
    await writeFile(consumer, (await readFile(consumer, "utf8")) + '\n\ndef billing(bus):\n    bus.subscribe("billing.*", print)\n');
    const producer = join(tree, "typescript", "producer.ts");
    await writeFile(
      producer,
      (await readFile(producer, "utf8")).replace(
        "private pending: number[] = [];",
        "private pending: number[] = []; private cache = new Map();",
      ),
    );
    await waitFor(
      () => resolutions.length === 2,
      () => `resolutions: ${JSON.stringify(resolutions)}`,
      10_000,
    );
    expect(resolutions.map((resolution) => `${resolution.monitor} ${resolution.kind} ${resolution.subject}`).sort()).toEqual([
      "py orphaned-topic billing.invoice",
      "ts uninitialized-attribute Producer.cache",
    ]);
    expect(resolutions.find((resolution) => resolution.monitor === "py")?.id).toBe(orphan.id);
  });

  it("refuses a dialect it does not know, naming the known ones", async () => {
    tree = await mkdtemp(join(tmpdir(), "plexus-integration-tree-"));
    scope.runtime = createRuntime({
      logger: silentLogger(),
      config: {
        runtime: { name: "integration", ops: { enabled: false }, stateDir: await scope.stateDir() },
        children: [
          {
            id: "wires",
            kind: "integration-monitor",
            options: {
              watch: tree,
              dialects: ["plexus", "lab", "nats"],
              customDialects: [{ name: "lab", rules: [{ call: "announce", role: "publish" }] }],
            },
          },
        ],
      },
    });
    await expect(scope.runtime.start()).rejects.toThrow(/unknown dialect "nats"; known: .*lab/);
  });
});
