import { mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createRuntime, defineActor, type Runtime } from "../../../../src/index.js";
import { silentLogger } from "../../../../src/common/logger.js";
import type { QuestionMessage, ResolvedMessage } from "../../../../src/actors/monitors/define-monitor.js";
import { runtimeScope } from "../../../helpers/runtime-scope.js";
import { waitFor } from "../../../helpers/wait.js";
import { plantedKnowledgeFindings, plantKnowledgeTree } from "./planted-tree.js";

const scope = runtimeScope("plexus-knowledge-monitor-");
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
    await ctx.bus.subscribe<QuestionMessage>("curiosity.knowledge_question", (envelope) => void questions.push(envelope.payload));
    await ctx.bus.subscribe<ResolvedMessage>("curiosity.knowledge_resolved", (envelope) => void resolutions.push(envelope.payload));
  },
});
/** What a monitor has asked and not had resolved, as `kind subject`, sorted. */
const open = (monitor: string): string[] => {
  const gone = new Set(resolutions.filter((resolution) => resolution.monitor === monitor).map((resolution) => resolution.id));
  return questions
    .filter((question) => question.monitor === monitor && !gone.has(question.id))
    .map((question) => `${question.kind} ${question.subject}`)
    .sort();
};
const same = (a: readonly string[], b: readonly string[]): boolean => JSON.stringify(a) === JSON.stringify([...b].sort());
const explain = () =>
  `questions: ${JSON.stringify(questions.map((q) => [q.monitor, q.kind, q.subject]))}; resolved: ${JSON.stringify(resolutions.map((r) => [r.monitor, r.kind, r.subject]))}`;

function knowledgeRuntime(root: string, stateDir: string): Runtime {
  return createRuntime({
    logger: silentLogger(),
    kinds: [recorder],
    config: {
      runtime: { name: "knowledge", ops: { port: 0 }, stateDir },
      children: [
        { id: "recorder", kind: "recorder" },
        { id: "py", kind: "knowledge-monitor", options: { watch: join(root, "python"), debounce: "5ms" } },
        { id: "ts", kind: "knowledge-monitor", options: { watch: join(root, "typescript"), debounce: "5ms" } },
      ],
    },
  });
}

describe("kind: knowledge-monitor (built in)", () => {
  it("asks about planted Python and TypeScript trees, follows create, modify, delete and rename, and announces nothing again after a restart", async () => {
    tree = await mkdtemp(join(tmpdir(), "plexus-knowledge-tree-"));
    const py = join(tree, "python");
    const ts = join(tree, "typescript");
    await plantKnowledgeTree(py, "python");
    await plantKnowledgeTree(ts, "typescript");
    questions.length = 0;
    resolutions.length = 0;
    const stateDir = await scope.stateDir();
    scope.runtime = knowledgeRuntime(tree, stateDir);
    await scope.runtime.start();
    // Not asked: the linked guide, the documented module, the one-definition module, the existing
    // file and symbols, print(), config.yaml (a file the monitor does not track), anything in code fences.
    await waitFor(
      () => same(open("py"), plantedKnowledgeFindings("python")) && same(open("ts"), plantedKnowledgeFindings("typescript")),
      explain,
      20_000,
    );
    const stale = questions.find(
      (question) => question.monitor === "py" && question.kind === "stale-file-reference" && question.subject === "src/billing.py",
    )!;
    expect(stale).toMatchObject({ severity: "medium", evidence: [{ file: join(py, "README.md"), line: 6 }] });
    const undocumented = questions.find((question) => question.monitor === "ts" && question.kind === "undocumented-module")!;
    expect(undocumented).toMatchObject({ severity: "low", question: expect.stringContaining("3 of 3 public definitions in src/util.ts") });
    expect(undocumented.evidence.map((item) => item.line)).toEqual([1, 4, 5]);

    // Modify: the README links the orphan (resolved; the README's other findings keep their ids though its lines moved).
    const readme = join(py, "README.md");
    await writeFile(readme, "Also see [the orphan](docs/orphan.md).\n\n" + (await readFile(readme, "utf8")));
    await waitFor(() => !open("py").includes("unlinked-doc docs/orphan.md"), explain);
    expect(resolutions.map((resolution) => `${resolution.monitor} ${resolution.kind} ${resolution.subject}`)).toEqual([
      "py unlinked-doc docs/orphan.md",
    ]);
    // Create: the file and the class the README names appear.
    await writeFile(join(py, "src", "billing.py"), 'class LegacyBilling:\n    """Bills the old way."""\n');
    await waitFor(() => same(open("py"), ["stale-file-reference docs/removed.md", "undocumented-module src/util.py"]), explain);
    // Delete: the documents of the TypeScript tree now name a file and symbols that are gone.
    await rm(join(ts, "src", "orders.ts"));
    const gone = [
      "stale-file-reference ../src/orders.ts",
      "stale-file-reference src/orders.ts",
      "stale-symbol-reference OrderService",
      "stale-symbol-reference OrderService.place",
      "stale-symbol-reference placeOrder",
    ];
    await waitFor(() => same(open("ts"), [...plantedKnowledgeFindings("typescript"), ...gone]), explain);
    // Rename: a linked document and an undocumented module move.
    await rename(join(py, "docs", "guide.md"), join(py, "docs", "manual.md"));
    await rename(join(py, "src", "util.py"), join(py, "src", "helpers.py"));
    const renamed = [
      "stale-file-reference docs/guide.md",
      "stale-file-reference docs/removed.md",
      "undocumented-module src/helpers.py",
      "unlinked-doc docs/manual.md",
    ];
    await waitFor(() => same(open("py"), renamed), explain);

    // Restart from the snapshot saved on stop: nothing is announced or resolved again. The witness
    // is a document written after the restart: once it is asked about, anything re-announced would be too.
    await scope.runtime.stop();
    const askedBefore = questions.length;
    const resolvedBefore = resolutions.length;
    scope.runtime = knowledgeRuntime(tree, stateDir);
    await scope.runtime.start();
    await writeFile(join(py, "docs", "witness.md"), "# Witness\n");
    await waitFor(() => questions.length > askedBefore, "the witness is asked about");
    expect(questions.slice(askedBefore).map((question) => `${question.kind} ${question.subject}`)).toEqual([
      "unlinked-doc docs/witness.md",
    ]);
    expect(resolutions.length).toBe(resolvedBefore);
  });
});
