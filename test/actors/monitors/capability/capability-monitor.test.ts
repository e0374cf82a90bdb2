import { cp, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createRuntime, defineActor, type Runtime } from "../../../../src/index.js";
import { silentLogger } from "../../../../src/common/logger.js";
import type { QuestionMessage, ResolvedMessage } from "../../../../src/actors/monitors/define-monitor.js";
import { runtimeScope } from "../../../helpers/runtime-scope.js";
import { waitFor } from "../../../helpers/wait.js";

const fixtures = fileURLToPath(new URL("../../../fixtures/monitors/capability/", import.meta.url));
const scope = runtimeScope("plexus-capability-monitor-");
let tree: string | undefined;
afterEach(async () => {
  if (tree) await rm(tree, { recursive: true, force: true });
  tree = undefined;
});

const questions: QuestionMessage[] = [];
const resolutions: ResolvedMessage[] = [];
const recorder = defineActor({
  kind: "recorder",
  async start(ctx) {
    await ctx.bus.subscribe<QuestionMessage>("curiosity.capability_question", (envelope) => void questions.push(envelope.payload));
    await ctx.bus.subscribe<ResolvedMessage>("curiosity.capability_resolved", (envelope) => void resolutions.push(envelope.payload));
  },
});
const asked = (monitor: string) =>
  questions
    .filter((question) => question.monitor === monitor)
    .map((question) => question.subject)
    .sort();
const resolved = () => resolutions.map((resolution) => `${resolution.monitor} ${resolution.subject}`).sort();

const PYTHON = ["Api.list_orders", "OrderHandler", "billing_service", "reconcile"];
const TYPESCRIPT = ["Api.list", "OrderHandler", "Reconcile", "billingService", "orderProcessor"];

function capabilityRuntime(root: string, stateDir: string): Runtime {
  return createRuntime({
    logger: silentLogger(),
    kinds: [recorder],
    config: {
      runtime: { name: "capability", ops: { port: 0 }, stateDir },
      children: [
        { id: "recorder", kind: "recorder" },
        { id: "py", kind: "capability-monitor", options: { watch: join(root, "python"), debounce: "5ms" } },
        { id: "ts", kind: "capability-monitor", options: { watch: join(root, "typescript"), debounce: "5ms" } },
      ],
    },
  });
}

describe("kind: capability-monitor (built in)", () => {
  it("asks about each capability in planted Python and TypeScript trees, follows create, modify, delete and rename, and announces nothing again after a restart", async () => {
    tree = await mkdtemp(join(tmpdir(), "plexus-capability-tree-"));
    await cp(fixtures, tree, { recursive: true });
    questions.length = 0;
    resolutions.length = 0;
    const stateDir = await scope.stateDir();
    scope.runtime = capabilityRuntime(tree, stateDir);
    await scope.runtime.start();
    await waitFor(
      () => asked("py").length === PYTHON.length && asked("ts").length === TYPESCRIPT.length,
      () => `questions: ${JSON.stringify(questions.map((q) => [q.monitor, q.subject]))}`,
      20_000,
    );
    expect(asked("py")).toEqual(PYTHON);
    expect(asked("ts")).toEqual(TYPESCRIPT);
    const handler = questions.find((question) => question.monitor === "py" && question.subject === "OrderHandler")!;
    expect(handler).toMatchObject({
      kind: "new-capability",
      severity: "low",
      evidence: [{ file: join(tree, "python", "orders.py"), line: 5 }],
      question: expect.stringContaining('its name ends in "handler"'),
    });
    expect(handler.id).toMatch(/^[0-9a-f]{16}$/);
    const health = (await (await fetch(`${scope.runtime.opsAddress!.url}/health`)).json()) as {
      actors: Array<{ path: string; status?: Record<string, unknown> }>;
    };
    expect(health.actors.find((actor) => actor.path === "root/ts")?.status).toMatchObject({ filesTracked: 1, capabilities: 5, failed: 0 });

    // Create: a new file with a new capability.
    const payments = join(tree, "python", "payments.py");
    await writeFile(payments, "class PaymentService:\n    pass\n");
    await waitFor(() => asked("py").includes("PaymentService"), "the new capability is asked about");
    // Modify: a function loses its suffix (resolved); one added above the others moves them (not announced again).
    const orders = join(tree, "python", "orders.py");
    await writeFile(orders, "import os\n\n" + (await readFile(orders, "utf8")).replace("def billing_service(", "def billing("));
    await waitFor(
      () => resolutions.length === 1,
      () => `resolutions: ${JSON.stringify(resolutions)}`,
    );
    expect(resolved()).toEqual(["py billing_service"]);
    // Delete: every capability of the TypeScript file is resolved.
    await rm(join(tree, "typescript", "orders.ts"));
    await waitFor(
      () => resolutions.length === 6,
      () => `resolutions: ${JSON.stringify(resolutions)}`,
    );
    expect(resolved()).toEqual(["py billing_service", ...TYPESCRIPT.map((subject) => `ts ${subject}`)].sort());
    // Rename: the capability in the old file is resolved, the one in the new file is asked about (its evidence moved).
    const before = questions.length;
    await rename(payments, join(tree, "python", "billing.py"));
    await waitFor(() => resolutions.length === 7 && questions.length === before + 1, "the rename is resolved and asked again");
    expect(resolutions.at(-1)?.subject).toBe("PaymentService");
    expect(questions.at(-1)).toMatchObject({
      subject: "PaymentService",
      evidence: [{ file: join(tree, "python", "billing.py"), line: 1 }],
    });
    expect(questions.filter((question) => question.monitor === "py").length).toBe(PYTHON.length + 2);

    // Restart from the snapshot saved on stop: nothing is announced or resolved again. The witness
    // is a capability written after the restart: once it is asked, anything re-announced would be too.
    await scope.runtime.stop();
    const askedBefore = questions.length;
    const resolvedBefore = resolutions.length;
    scope.runtime = capabilityRuntime(tree, stateDir);
    await scope.runtime.start();
    await writeFile(join(tree, "python", "witness.py"), "def witness_agent():\n    return 1\n");
    await waitFor(() => questions.length > askedBefore, "the witness is asked about");
    await waitFor(async () => {
      const after = (await (await fetch(`${scope.runtime!.opsAddress!.url}/health`)).json()) as {
        actors: Array<{ path: string; status?: { queue?: { depth: number }; inFlight?: number } }>;
      };
      const py = after.actors.find((actor) => actor.path === "root/py")?.status;
      return py?.queue?.depth === 0 && py.inFlight === 0;
    }, "the restarted monitor is idle");
    expect(questions.slice(askedBefore).map((question) => question.subject)).toEqual(["witness_agent"]);
    expect(resolutions.length).toBe(resolvedBefore);
  });
});
