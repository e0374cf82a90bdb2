import { describe, expect, it } from "vitest";
import type { QuestionsBody } from "../../../src/actors/curiosity/actor.js";
import { defineExplorationMonitor } from "../../../src/actors/monitors/exploration/actor.js";
import type { QuestionMessage, ResolvedMessage } from "../../../src/actors/monitors/define-monitor.js";
import { makeFinding, type Severity } from "../../../src/actors/monitors/finding.js";
import { silentLogger } from "../../../src/common/logger.js";
import { createRuntime, type Runtime } from "../../../src/index.js";
import { runtimeScope } from "../../helpers/runtime-scope.js";
import { waitFor } from "../../helpers/wait.js";
import { RecordingLogger } from "../../runtime/recording-logger.js";
import { fakeGpu, fakeSample } from "../monitors/exploration/fake-host.js";

const scope = runtimeScope("plexus-curiosity-");

async function startRuntime(stateDir: string, capacity: number): Promise<Runtime> {
  scope.runtime = createRuntime({
    logger: silentLogger(),
    config: {
      runtime: { name: "curiosity", ops: { port: 0 }, stateDir },
      children: [{ id: "curiosity", kind: "curiosity", options: { capacity } }],
    },
  });
  await scope.runtime.start();
  return scope.runtime;
}

function ask(subject: string, severity: Severity, monitor = "integration"): QuestionMessage {
  const finding = makeFinding({
    kind: "orphaned-topic",
    severity,
    subject,
    question: `Who consumes ${subject}?`,
    evidence: [{ file: "a.py", line: 3 }],
  });
  return { ...finding, monitor };
}

async function questions(runtime: Runtime, query = ""): Promise<{ status: number; body: QuestionsBody & { error?: string } }> {
  const response = await fetch(`${runtime.opsAddress!.url}/questions${query}`);
  return { status: response.status, body: (await response.json()) as QuestionsBody & { error?: string } };
}

const subjects = (body: QuestionsBody) => body.questions.map((q) => q.subject);

describe("curiosity in a running runtime", () => {
  it("keeps a bounded, deduped, priority-ordered queue, applies resolutions, serves GET /questions, and restores it after a restart", async () => {
    const stateDir = await scope.stateDir();
    let runtime = await startRuntime(stateDir, 4);
    const low = ask("audit", "low");
    await runtime.bus.publish("curiosity.integration_question", low);
    await runtime.bus.publish("curiosity.integration_question", ask("orders", "high"));
    await runtime.bus.publish("curiosity.knowledge_question", ask("docs", "medium", "knowledge"));
    await runtime.bus.publish("curiosity.integration_question", ask("billing", "high"));
    await runtime.bus.publish("curiosity.integration_question", low); // duplicate
    await runtime.bus.publish("curiosity.integration_question", { nonsense: true }); // invalid
    await runtime.bus.publish("curiosity.chatter", { hello: 1 }); // ignored
    await waitFor(async () => (await questions(runtime)).body.queued === 4, "four questions queued");
    const all = (await questions(runtime)).body;
    expect(subjects(all)).toEqual(["orders", "billing", "docs", "audit"]);
    expect(all.questions[0]).toEqual({
      id: ask("orders", "high").id,
      monitor: "integration",
      kind: "orphaned-topic",
      severity: "high",
      subject: "orders",
      question: "Who consumes orders?",
      evidence: [{ file: "a.py", line: 3 }],
      firstSeen: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });

    // Full: a fifth question pushes out the lowest-severity oldest one.
    await runtime.bus.publish("curiosity.integration_question", ask("payments", "medium"));
    await waitFor(async () => (await questions(runtime)).body.evicted === 1, "the eviction");
    expect(subjects((await questions(runtime)).body)).toEqual(["orders", "billing", "docs", "payments"]);

    expect(subjects((await questions(runtime, "?severity=high")).body)).toEqual(["orders", "billing"]);
    expect(subjects((await questions(runtime, "?monitor=knowledge")).body)).toEqual(["docs"]);
    expect((await questions(runtime, "?limit=1")).body).toMatchObject({ total: 4, questions: [{ subject: "orders" }] });
    expect(await questions(runtime, "?severity=urgent")).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/severity must be one of/) },
    });
    expect(await questions(runtime, "?limit=0")).toMatchObject({ status: 400 });

    const resolved: ResolvedMessage = { id: ask("billing", "high").id, kind: "orphaned-topic", subject: "billing", monitor: "integration" };
    await runtime.bus.publish("curiosity.integration_resolved", resolved);
    await waitFor(async () => (await questions(runtime)).body.queued === 3, "the resolution applied");
    expect(subjects((await questions(runtime)).body)).toEqual(["orders", "docs", "payments"]);

    const health = (await (await fetch(`${runtime.opsAddress!.url}/health`)).json()) as {
      actors: Array<{ path: string; status?: unknown }>;
    };
    expect(health.actors.find((actor) => actor.path === "root/curiosity")?.status).toEqual({
      queued: 3,
      capacity: 4,
      bySeverity: { high: 1, medium: 2, low: 0 },
      received: 6,
      duplicates: 1,
      resolved: 1,
      unknownResolutions: 0,
      evicted: 1,
      ignored: 1,
      invalid: 1,
    });

    const before = (await questions(runtime)).body.questions;
    await runtime.stop();
    runtime = await startRuntime(stateDir, 4);
    expect((await questions(runtime)).body.questions).toEqual(before);
  });

  it("collects what an exploration monitor asks, and logs each new question (what plexus start prints)", async () => {
    const log = new RecordingLogger();
    const busyHost = defineExplorationMonitor(async (now) => fakeSample({ at: now, load: [8, 8, 8], gpus: [fakeGpu(0)] }));
    scope.runtime = createRuntime({
      logger: log,
      kinds: [busyHost],
      config: {
        runtime: { name: "curiosity", ops: { port: 0 }, stateDir: await scope.stateDir() },
        children: [
          { id: "curiosity", kind: "curiosity" },
          { id: "explorer", kind: "exploration-monitor", options: { window: 1 } },
        ],
      },
    });
    await scope.runtime.start();
    const runtime = scope.runtime;
    const body = await waitFor(async () => {
      const reply = (await questions(runtime)).body;
      return reply.queued === 1 ? reply : undefined;
    }, "the exploration question in /questions");
    expect(body.questions[0]).toMatchObject({ monitor: "explorer", kind: "gpu-idle-cpu-busy", severity: "medium" });
    expect(log.find("info", /^question: GPU 0 \(Fake GPU\) is 0% busy/).map((line) => line.fields)).toEqual([
      expect.objectContaining({ monitor: "explorer", kind: "gpu-idle-cpu-busy", severity: "medium", subject: "gpu 0 (Fake GPU)" }),
    ]);
  });
});
