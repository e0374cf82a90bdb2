import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadLifecycleFile, parseLifecycle, SEED_LIFECYCLE_FILE } from "../../../src/actors/control/lifecycle-definition.js";
import { LifecycleRules } from "../../../src/actors/control/lifecycle-rules.js";
import { ConfigError } from "../../../src/common/config-error.js";
import { checkMachine } from "../../../src/testing/index.js";

const seed = await loadLifecycleFile(SEED_LIFECYCLE_FILE);

describe("lifecycle definitions", () => {
  it("ships the seed lifecycle with the package's config files", () => {
    expect(seed.name).toBe("seed");
    expect(seed.initial).toBe("DORMANT");
    expect(seed.terminal).toEqual(["FOSSILIZED", "TERMINATED"]);
    expect(seed.operations).toEqual(
      expect.arrayContaining([
        "GERMINATE",
        "START_TRAINING",
        "START_GRAFTING",
        "STABILIZE",
        "EVALUATE",
        "FINE_TUNE",
        "FOSSILIZE",
        "CULL",
        "CANCEL",
        "TERMINATE",
      ]),
    );
  });

  it("compiles the seed lifecycle to a machine that takes each move of the table and nothing else", () => {
    const rules = new LifecycleRules(seed);
    const path = [
      ["DORMANT", "GERMINATE", "GERMINATED"],
      ["GERMINATED", "START_TRAINING", "TRAINING"],
      ["TRAINING", "START_GRAFTING", "BLENDING"],
      ["BLENDING", "STABILIZE", "SHADOWING"],
      ["SHADOWING", "EVALUATE", "PROBATIONARY"],
      ["PROBATIONARY", "FINE_TUNE", "TRAINING"],
      ["PROBATIONARY", "FOSSILIZE", "FOSSILIZED"],
      ["GERMINATED", "CANCEL", "DORMANT"],
      ["SHADOWING", "CULL", "CULLED"],
      ["CULLED", "EMBARGO", "EMBARGOED"],
      ["EMBARGOED", "LIFT_EMBARGO", "RESETTING"],
      ["RESETTING", "RESET_COMPLETE", "DORMANT"],
      ["RESETTING", "TERMINATE", "TERMINATED"],
      ["DORMANT", "TERMINATE", "TERMINATED"],
    ] as const;
    for (const [from, operation, to] of path) expect(rules.decide(from, operation)).toEqual({ allowed: true, to });
    expect(rules.decide("DORMANT", "CULL")).toEqual({
      allowed: false,
      reason: "CULL is not allowed from DORMANT (allowed: GERMINATE, TERMINATE)",
    });
    expect(rules.decide("FOSSILIZED", "TERMINATE")).toMatchObject({ allowed: false, reason: expect.stringContaining("terminal") });
    expect(rules.decide("TERMINATED", "GERMINATE")).toMatchObject({ allowed: false });
    expect(rules.decide("TRAINING", "LAUNCH")).toMatchObject({
      allowed: false,
      reason: expect.stringContaining("unknown operation LAUNCH"),
    });
  });

  it("passes plexus/testing's model-based machine check: every state reachable, terminal states final", async () => {
    const rules = new LifecycleRules(seed);
    const report = await checkMachine(rules.machine, {
      numRuns: 150,
      requireCoverage: "states",
      seed: 7,
      invariants: {
        "terminal states stay terminal": ({ previous, snapshot }) =>
          previous === undefined || !["FOSSILIZED", "TERMINATED"].includes(String(previous.value)) || snapshot.value === previous.value,
      },
    });
    expect(report.states.missed).toEqual([]);
  });

  it("rejects a malformed lifecycle file with the file and every reason (a config error)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "plexus-lifecycle-"));
    const file = join(dir, "bad.yaml");
    await writeFile(
      file,
      [
        "name: broken",
        "initial: IDLE",
        "states: [A, B]",
        "terminal: [B]",
        "operations: [GO, STOP]",
        "transitions:",
        "  - { from: A, operation: GO, to: C }",
        "  - { from: A, operation: GO, to: B }",
        "  - { from: B, operation: GO, to: A }",
      ].join("\n"),
    );
    const error = await loadLifecycleFile(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain(file);
    expect(message).toContain("initial: 'IDLE' is not one of the states");
    expect(message).toContain("transitions[0].to: 'C' is not one of the states");
    expect(message).toContain("GO from A is already defined by transitions[0]");
    expect(message).toContain("'B' is terminal: nothing leaves it");
    expect(message).toContain("operation 'STOP' has no transition");
    expect((error as ConfigError).retryable).toBe(false);
  });

  it("reports schema problems and unparsable YAML with the source", async () => {
    expect(() => parseLifecycle({ name: "x", states: ["A"] }, "inline")).toThrow(/inline.*initial/s);
    const dir = await mkdtemp(join(tmpdir(), "plexus-lifecycle-"));
    const file = join(dir, "torn.yaml");
    await writeFile(file, "name: [unclosed\n");
    await expect(loadLifecycleFile(file)).rejects.toThrow(/torn\.yaml.*not valid YAML/s);
    await expect(loadLifecycleFile(join(dir, "missing.yaml"))).rejects.toThrow(/missing\.yaml.*cannot read/s);
  });
});
