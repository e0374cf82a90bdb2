import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ChildSpec, RestartType, Strategy } from "../../../src/runtime/supervision/child-spec.js";
import type { ActorTreeNode } from "../../../src/runtime/lifecycle-types.js";
import { createProbeTree, supervisorSpec, workerSpec, type ProbeTree } from "../../../src/testing/probe-tree.js";
import { waitFor } from "../../helpers/wait.js";

/**
 * Model-based suite of supervision: random trees (a root and at most one nested supervisor, every
 * strategy, intensities 0–4, workers of every restart type in start and machine form) and random
 * sequences of crashes (one at a time, or several one_for_one children at once), normal exits,
 * clock advances and dynamic start/stop. After each command the probe log's new entries must be
 * exactly what the OTP model predicts, in order (for crashes together: each actor's own entries
 * in order, as independent restarts may interleave).
 */

type Form = "start" | "machine";
interface WorkerModel {
  type: "worker";
  id: string;
  restart: RestartType;
  form: Form;
  running: boolean;
}
interface GroupModel {
  type: "group";
  id: string;
  restart: RestartType;
  strategy: Strategy;
  intensity: number;
  /** The spec's children: what a restart of this supervisor starts again. */
  template: WorkerModel[];
  children: NodeModel[];
  restartTimes: number[];
  running: boolean;
}
type NodeModel = WorkerModel | GroupModel;

const PERIOD_MS = 100;

interface Model {
  root: GroupModel;
  escalated: boolean;
  nextDynamic: number;
}

interface Real extends ProbeTree {
  clock: { now: number };
  /** Fake-clock times at which the root decided a restart. */
  restartDecisions: number[];
}

function stopNode(node: NodeModel, path: string, delta: string[]): void {
  if (node.type === "worker") {
    if (node.running) delta.push(`stop ${path}`);
  } else {
    for (const child of [...node.children].reverse()) stopNode(child, `${path}/${child.id}`, delta);
  }
  node.running = false;
}

function startNode(node: NodeModel, path: string, delta: string[]): void {
  node.running = true;
  if (node.type === "worker") {
    delta.push(`start ${path}`);
    return;
  }
  // A restarted supervisor is a new one: its spec's children, a fresh restart window.
  node.children = node.template.map((worker) => ({ ...worker }));
  node.restartTimes = [];
  for (const child of node.children) startNode(child, `${path}/${child.id}`, delta);
}

/** The OTP decision, as the model: `child` of `group` exited; false when `group` gave up. */
function exitIn(
  group: GroupModel,
  groupPath: string,
  child: NodeModel,
  reason: "failure" | "normal",
  now: number,
  delta: string[],
): boolean {
  if (child.restart === "temporary") {
    group.children = group.children.filter((c) => c !== child);
    return true;
  }
  if (child.restart === "transient" && reason === "normal") return true;
  const recent = group.restartTimes.filter((t) => t > now - PERIOD_MS).length;
  if (recent + 1 > group.intensity) {
    stopNode(group, groupPath, delta);
    return false;
  }
  group.restartTimes.push(now);
  const index = group.children.indexOf(child);
  const affected =
    group.strategy === "one_for_one" ? [child] : group.strategy === "one_for_all" ? [...group.children] : group.children.slice(index);
  for (const sibling of [...affected].reverse()) if (sibling !== child) stopNode(sibling, `${groupPath}/${sibling.id}`, delta);
  group.children = group.children.filter((c) => c === child || !affected.includes(c) || c.restart !== "temporary");
  for (const restarted of affected) {
    if (restarted === child || restarted.restart !== "temporary") startNode(restarted, `${groupPath}/${restarted.id}`, delta);
  }
  return true;
}

/** Every running worker with its path and the chain of groups above it (root first). */
function runningWorkers(model: Model, form?: Form): { worker: WorkerModel; path: string; chain: GroupModel[] }[] {
  const found: { worker: WorkerModel; path: string; chain: GroupModel[] }[] = [];
  const visit = (group: GroupModel, path: string, chain: GroupModel[]): void => {
    for (const child of group.children) {
      if (child.type === "group") visit(child, `${path}/${child.id}`, [...chain, child]);
      else if (child.running && (form === undefined || child.form === form))
        found.push({ worker: child, path: `${path}/${child.id}`, chain });
    }
  };
  visit(model.root, "root", [model.root]);
  return found;
}

/** A worker exits: applies the decisions up the chain of supervisors; returns the expected log. */
function expectExit(
  model: Model,
  target: { worker: WorkerModel; path: string; chain: GroupModel[] },
  reason: "failure" | "normal",
  now: number,
): string[] {
  const delta = [`stop ${target.path}`];
  target.worker.running = false;
  let exited: NodeModel = target.worker;
  let exitReason = reason;
  for (let level = target.chain.length - 1; level >= 0; level -= 1) {
    const group = target.chain[level] as GroupModel;
    const groupPath = ["root", ...target.chain.slice(1, level + 1).map((g) => g.id)].join("/");
    if (exitIn(group, groupPath, exited, exitReason, now, delta)) return delta;
    exited = group;
    exitReason = "failure";
  }
  model.escalated = true;
  return delta;
}

function flatten(node: ActorTreeNode, into = new Map<string, ActorTreeNode>()): Map<string, ActorTreeNode> {
  into.set(node.path, node);
  for (const child of node.children ?? []) flatten(child, into);
  return into;
}

/** Entries of a log delta grouped by path, each path's entries in their order. */
function byPath(entries: readonly string[]): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const entry of entries) {
    const path = entry.slice(entry.indexOf(" ") + 1);
    grouped.set(path, [...(grouped.get(path) ?? []), entry]);
  }
  return grouped;
}

/**
 * Waits until the tree matches the model, then checks the log delta and the invariants. With
 * `interleaved`, restarts of independent children may interleave: each path's own entries must
 * be the model's, in the model's order, and nothing else may happen.
 */
async function settle(model: Model, real: Real, mark: number, delta: string[], interleaved = false): Promise<void> {
  const expectedRunning = runningWorkers(model)
    .map((w) => w.path)
    .sort();
  if (model.escalated) {
    const { reason } = await real.tree.done;
    expect(reason?.message).toMatch(/gave up/);
  } else {
    await waitFor(
      () => {
        const nodes = flatten(real.tree.tree());
        if (nodes.get("root")?.state !== "running" || real.probe.log.length < mark + delta.length) return false;
        return expectedRunning.every((path) => nodes.get(path)?.state === "running");
      },
      `the tree to match the model after ${delta.join(", ")}`,
    );
  }
  await new Promise((resolve) => setImmediate(resolve));
  const actual = real.probe.since(mark).map((e) => `${e.type} ${e.path}`);
  if (interleaved) expect(byPath(actual)).toEqual(byPath(delta));
  else expect(actual).toEqual(delta);
  // Invariants: exactly the model's workers run; no period holds more root restarts than intensity.
  expect(real.probe.running().sort()).toEqual(expectedRunning);
  for (const t of real.restartDecisions) {
    expect(real.restartDecisions.filter((u) => u >= t && u < t + PERIOD_MS).length).toBeLessThanOrEqual(model.root.intensity);
  }
  if (!model.escalated) expect(real.tree.tree().children?.map((node) => node.id)).toEqual(model.root.children.map((c) => c.id));
}

class CrashCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pick: number,
    readonly how: "ctx.fail" | "machine error",
  ) {}
  private target(model: Readonly<Model>) {
    const candidates = runningWorkers(model as Model, this.how === "ctx.fail" ? undefined : "machine");
    return candidates[this.pick % Math.max(1, candidates.length)];
  }
  check(model: Readonly<Model>): boolean {
    return !model.escalated && this.target(model) !== undefined;
  }
  async run(model: Model, real: Real): Promise<void> {
    const target = this.target(model);
    if (target === undefined) throw new Error("no target");
    const mark = real.probe.log.length;
    const delta = expectExit(model, target, "failure", real.clock.now);
    if (this.how === "ctx.fail") real.probe.crash(target.path);
    else real.probe.explode(target.path);
    await settle(model, real, mark, delta);
  }
  toString(): string {
    return `crash(${this.pick}, ${this.how})`;
  }
}

/**
 * Several workers of a one_for_one root crash in the same tick. Their exits are judged in the
 * order they crashed (intensity included), but their restarts run on their own and may overlap.
 */
class CrashTogetherCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly picks: readonly number[]) {}
  private targets(model: Readonly<Model>) {
    if (model.root.strategy !== "one_for_one") return [];
    const direct = runningWorkers(model as Model).filter((target) => target.chain.length === 1);
    if (direct.length === 0) return [];
    return [...new Set(this.picks.map((pick) => direct[pick % direct.length]!))];
  }
  check(model: Readonly<Model>): boolean {
    return !model.escalated && this.targets(model).length >= 2;
  }
  async run(model: Model, real: Real): Promise<void> {
    const targets = this.targets(model);
    const mark = real.probe.log.length;
    const delta: string[] = [];
    for (const target of targets) {
      delta.push(`stop ${target.path}`);
      target.worker.running = false;
    }
    for (const target of targets) {
      if (model.escalated) break;
      if (!exitIn(model.root, "root", target.worker, "failure", real.clock.now, delta)) model.escalated = true;
    }
    for (const target of targets) real.probe.crash(target.path);
    await settle(model, real, mark, delta, true);
  }
  toString(): string {
    return `crashTogether(${this.picks.join(", ")})`;
  }
}

class ExitNormallyCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  private target(model: Readonly<Model>) {
    const candidates = runningWorkers(model as Model, "machine");
    return candidates[this.pick % Math.max(1, candidates.length)];
  }
  check(model: Readonly<Model>): boolean {
    return !model.escalated && this.target(model) !== undefined;
  }
  async run(model: Model, real: Real): Promise<void> {
    const target = this.target(model);
    if (target === undefined) throw new Error("no target");
    const mark = real.probe.log.length;
    const delta = expectExit(model, target, "normal", real.clock.now);
    real.probe.exitNormally(target.path);
    await settle(model, real, mark, delta);
  }
  toString(): string {
    return `exitNormally(${this.pick})`;
  }
}

class AdvanceClockCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly ms: number) {}
  check(): boolean {
    return true;
  }
  async run(_model: Model, real: Real): Promise<void> {
    real.clock.now += this.ms;
  }
  toString(): string {
    return `advance(${this.ms})`;
  }
}

class StartChildCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly restart: RestartType,
    readonly form: Form,
  ) {}
  check(model: Readonly<Model>): boolean {
    return !model.escalated && model.root.children.length < 6;
  }
  async run(model: Model, real: Real): Promise<void> {
    const child: WorkerModel = { type: "worker", id: `d${model.nextDynamic++}`, restart: this.restart, form: this.form, running: true };
    const mark = real.probe.log.length;
    await real.tree.startChild("root", toSpec(child));
    model.root.children.push(child);
    await settle(model, real, mark, [`start root/${child.id}`]);
  }
  toString(): string {
    return `startChild(${this.restart}, ${this.form})`;
  }
}

class StopChildCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check(model: Readonly<Model>): boolean {
    return !model.escalated && model.root.children.length > 0;
  }
  async run(model: Model, real: Real): Promise<void> {
    const child = model.root.children[this.pick % model.root.children.length] as NodeModel;
    const mark = real.probe.log.length;
    await real.tree.stopChild("root", child.id);
    const delta: string[] = [];
    stopNode(child, `root/${child.id}`, delta);
    model.root.children = model.root.children.filter((c) => c !== child);
    await settle(model, real, mark, delta);
  }
  toString(): string {
    return `stopChild(${this.pick})`;
  }
}

function toSpec(node: NodeModel): ChildSpec {
  if (node.type === "worker") return workerSpec(node.id, node.form === "start" ? "probe" : "probe-machine", { restart: node.restart });
  return supervisorSpec(
    node.id,
    node.template.map(toSpec),
    { strategy: node.strategy, intensity: node.intensity, periodMs: PERIOD_MS },
    { restart: node.restart },
  );
}

const restartTypes = fc.constantFrom<RestartType>("permanent", "transient", "temporary");
const strategies = fc.constantFrom<Strategy>("one_for_one", "one_for_all", "rest_for_one");
const forms = fc.constantFrom<Form>("start", "machine");
const workers = (prefix: string, max: number) =>
  fc
    .array(fc.record({ restart: restartTypes, form: forms }), { minLength: 1, maxLength: max })
    .map((list) =>
      list.map((w, i): WorkerModel => ({ type: "worker", id: `${prefix}${i}`, restart: w.restart, form: w.form, running: true })),
    );
const groups = fc.record({
  strategy: strategies,
  intensity: fc.integer({ min: 0, max: 3 }),
  restart: restartTypes,
  template: workers("g", 3),
});
const configs = fc.record({
  strategy: strategies,
  intensity: fc.integer({ min: 0, max: 4 }),
  workers: workers("c", 4),
  group: fc.option(groups, { nil: undefined }),
});
const commands = fc.commands(
  [
    fc
      .tuple(fc.nat(), fc.constantFrom<"ctx.fail" | "machine error">("ctx.fail", "machine error"))
      .map(([pick, how]) => new CrashCommand(pick, how)),
    fc.nat().map((pick) => new ExitNormallyCommand(pick)),
    fc.array(fc.nat(), { minLength: 2, maxLength: 4 }).map((picks) => new CrashTogetherCommand(picks)),
    fc.constantFrom(10, 60, 120).map((ms) => new AdvanceClockCommand(ms)),
    fc.tuple(restartTypes, forms).map(([restart, form]) => new StartChildCommand(restart, form)),
    fc.nat().map((pick) => new StopChildCommand(pick)),
  ],
  { maxCommands: 25 },
);

describe("supervision (model-based)", () => {
  it("restarts, stops and escalates exactly as the OTP model says", async () => {
    await fc.assert(
      fc.asyncProperty(configs, commands, async (config, cmds) => {
        // Fresh copies: fast-check reuses generated values while shrinking, and the model mutates.
        const children: NodeModel[] = config.workers.map((worker) => ({ ...worker }));
        if (config.group) {
          const template = config.group.template.map((worker) => ({ ...worker }));
          children.push({
            type: "group",
            id: "grp",
            restart: config.group.restart,
            strategy: config.group.strategy,
            intensity: config.group.intensity,
            template,
            children: template.map((w) => ({ ...w })),
            restartTimes: [],
            running: true,
          });
        }
        const root: GroupModel = {
          type: "group",
          id: "root",
          restart: "permanent",
          strategy: config.strategy,
          intensity: config.intensity,
          template: [],
          children,
          restartTimes: [],
          running: true,
        };
        const clock = { now: 0 };
        const restartDecisions: number[] = [];
        const probeTree = createProbeTree({
          root: supervisorSpec("root", children.map(toSpec), {
            strategy: config.strategy,
            intensity: config.intensity,
            periodMs: PERIOD_MS,
          }),
          now: () => clock.now,
          onLifecycle: (event) => {
            if (event.path === "root" && event.state === "restarting") restartDecisions.push(clock.now);
          },
        });
        const real: Real = { ...probeTree, clock, restartDecisions };
        const model: Model = { root, escalated: false, nextDynamic: 0 };
        await real.tree.start();
        expect(real.probe.log.map((e) => e.path)).toEqual(runningWorkers(model).map((w) => w.path));
        try {
          await fc.asyncModelRun(() => ({ model, real }), cmds);
        } finally {
          const mark = real.probe.log.length;
          await real.tree.stop();
          // Stop order is the reverse of start order; after escalation nothing was left to stop.
          const expected: string[] = [];
          if (!model.escalated) stopNode(model.root, "root", expected);
          expect(real.probe.since(mark).map((e) => `${e.type} ${e.path}`)).toEqual(expected);
          expect(real.probe.running()).toEqual([]);
          // Every incarnation was stopped exactly once: nothing survives a restart.
          const starts = real.probe.log
            .filter((e) => e.type === "start")
            .map((e) => `${e.path}#${e.incarnation}`)
            .sort();
          const stops = real.probe.log
            .filter((e) => e.type === "stop")
            .map((e) => `${e.path}#${e.incarnation}`)
            .sort();
          expect(stops).toEqual(starts);
        }
      }),
      { numRuns: 300 },
    );
    // 300 runs take a few seconds alone and over 10 s on a loaded 2-core machine: room to spare.
  }, 90_000);
});
