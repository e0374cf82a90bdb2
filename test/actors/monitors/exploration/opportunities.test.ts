import { describe, expect, it } from "vitest";
import { decideOpportunities, type OpportunityRules } from "../../../../src/actors/monitors/exploration/opportunities.js";
import type { HostSample } from "../../../../src/actors/monitors/exploration/host-sample.js";
import { fakeGpu, fakeSample } from "./fake-host.js";

const rules: OpportunityRules = {
  window: 3,
  cpuBusy: 0.9,
  gpuIdlePercent: 10,
  overloadPerCore: 1.5,
  memoryAvailableBelow: 0.1,
  workloads: [],
};

const busyCpuIdleGpu = fakeSample({ load: [8, 8, 8], gpus: [fakeGpu(2)] });
const kinds = (samples: HostSample[], options = rules, open: ReadonlySet<string> = new Set()) =>
  decideOpportunities(samples, options, open).map((finding) => finding.kind);

describe("decideOpportunities", () => {
  it("raises nothing on an idle host or before the window is full", () => {
    expect(kinds([fakeSample(), fakeSample(), fakeSample()])).toEqual([]);
    expect(kinds([busyCpuIdleGpu, busyCpuIdleGpu])).toEqual([]);
    expect(kinds([])).toEqual([]);
  });

  it("raises gpu-idle-cpu-busy only when every sample of the window shows it", () => {
    const findings = decideOpportunities([busyCpuIdleGpu, busyCpuIdleGpu, busyCpuIdleGpu], rules, new Set());
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ kind: "gpu-idle-cpu-busy", severity: "medium", subject: "gpu 0 (Fake GPU)", evidence: [] });
    expect(findings[0]!.question).toMatch(/GPU 0 \(Fake GPU\) is 2% busy while the CPUs carry a load of 8\.0 on 8 cores/);
    const busyGpu = fakeSample({ load: [8, 8, 8], gpus: [fakeGpu(90)] });
    expect(kinds([busyCpuIdleGpu, busyGpu, busyCpuIdleGpu])).toEqual([]);
    expect(kinds([fakeSample({ gpus: [fakeGpu(2)] }), fakeSample({ gpus: [fakeGpu(2)] }), fakeSample({ gpus: [fakeGpu(2)] })])).toEqual([]);
  });

  it("keeps an open opportunity while any sample of the window shows it, and drops it when none does", () => {
    const [open] = decideOpportunities([busyCpuIdleGpu, busyCpuIdleGpu, busyCpuIdleGpu], rules, new Set());
    const ids = new Set([open!.id]);
    const idle = fakeSample({ gpus: [fakeGpu(2)] });
    expect(decideOpportunities([busyCpuIdleGpu, busyCpuIdleGpu, idle], rules, ids).map((f) => f.id)).toEqual([open!.id]);
    expect(decideOpportunities([busyCpuIdleGpu, idle, idle], rules, ids).map((f) => f.id)).toEqual([open!.id]);
    expect(decideOpportunities([idle, idle, idle], rules, ids)).toEqual([]);
  });

  it("gives the same id whatever the figures, so a changed figure is not a new question", () => {
    const a = decideOpportunities([busyCpuIdleGpu, busyCpuIdleGpu, busyCpuIdleGpu], rules, new Set());
    const other = fakeSample({ load: [12, 9, 9], gpus: [fakeGpu(7)] });
    const b = decideOpportunities([other, other, other], rules, new Set());
    expect(b.map((f) => f.id)).toEqual(a.map((f) => f.id));
    expect(b[0]!.question).not.toEqual(a[0]!.question);
  });

  it("raises memory pressure (high) and load above cores (medium) at their thresholds", () => {
    const tight = fakeSample({ availableFraction: 0.05 });
    expect(decideOpportunities([tight, tight, tight], rules, new Set())).toEqual([
      expect.objectContaining({ kind: "memory-pressure", severity: "high", subject: "memory" }),
    ]);
    const overloaded = fakeSample({ load: [13, 13, 12.5] });
    const atLimit = fakeSample({ load: [12, 12, 12] });
    expect(kinds([overloaded, overloaded, overloaded])).toEqual(["load-above-cores"]);
    expect(kinds([atLimit, atLimit, atLimit])).toEqual([]);
    expect(kinds([overloaded, overloaded, overloaded], { ...rules, overloadPerCore: 2 })).toEqual([]);
  });

  it("asks about AVX and GPUs a configured workload does not use, and only when the host has them", () => {
    const workloads = [
      { name: "scorer", usesAvx: false, usesGpu: false },
      { name: "trainer", usesAvx: true, usesGpu: true },
      { name: "misc" },
    ];
    const withGpu = fakeSample({ gpus: [fakeGpu(50)], flags: ["avx", "avx2", "avx512f"] });
    const findings = decideOpportunities([withGpu, withGpu, withGpu], { ...rules, workloads }, new Set());
    expect(findings.map((f) => [f.kind, f.subject, f.severity])).toEqual([
      ["avx-unused", "workload scorer", "low"],
      ["gpu-unused", "workload scorer", "low"],
    ]);
    expect(findings[0]!.question).toMatch(/supports avx2, avx512f, but workload scorer/);
    const plain = fakeSample({ flags: ["avx"] });
    const unknown = fakeSample({ flags: "unknown" });
    expect(kinds([plain, plain, plain], { ...rules, workloads })).toEqual([]);
    expect(kinds([unknown, unknown, unknown], { ...rules, workloads })).toEqual([]);
  });

  it("drops a GPU's opportunity once that GPU is gone from the window", () => {
    const [open] = decideOpportunities([busyCpuIdleGpu, busyCpuIdleGpu, busyCpuIdleGpu], rules, new Set());
    const gone = fakeSample({ load: [8, 8, 8] });
    expect(decideOpportunities([gone, gone, gone], rules, new Set([open!.id]))).toEqual([]);
  });
});
