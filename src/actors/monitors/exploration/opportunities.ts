import { makeFinding, type Finding, type Severity } from "../finding.js";
import type { GpuSample, HostSample } from "./host-sample.js";

/** What {@link decideOpportunities} needs from the options. */
export interface OpportunityRules {
  window: number;
  cpuBusy: number;
  gpuIdlePercent: number;
  overloadPerCore: number;
  memoryAvailableBelow: number;
  workloads: ReadonlyArray<{ name: string; usesAvx?: boolean; usesGpu?: boolean }>;
}

/** One possible opportunity: the condition tested on each sample, and how to word it from the latest. */
interface Candidate {
  kind: string;
  severity: Severity;
  subject: string;
  holds(sample: HostSample): boolean;
  question(latest: HostSample, samples: number): string;
}

const WIDE_VECTOR_FLAGS = (flags: string[] | "unknown"): string[] =>
  flags === "unknown" ? [] : flags.filter((flag) => flag === "avx2" || flag.startsWith("avx512"));

/**
 * The opportunities the recent samples show. An opportunity is raised once it held in each of the
 * last `window` samples, and stays open (an id in `open`) until it held in none of them, so a
 * value hovering at a threshold does not raise and resolve on alternate ticks. Ids depend on kind
 * and subject only (no evidence: the host is the place), so the figures in a question can change
 * without making it a new question. Pure.
 */
export function decideOpportunities(samples: readonly HostSample[], rules: OpportunityRules, open: ReadonlySet<string>): Finding[] {
  const recent = samples.slice(-rules.window);
  const latest = recent.at(-1);
  if (latest === undefined) return [];
  const findings: Finding[] = [];
  for (const candidate of candidates(recent, rules)) {
    const finding = makeFinding({
      kind: candidate.kind,
      severity: candidate.severity,
      subject: candidate.subject,
      question: "",
      evidence: [],
    });
    const raised = recent.length >= rules.window && recent.every((sample) => candidate.holds(sample));
    const kept = open.has(finding.id) && recent.some((sample) => candidate.holds(sample));
    if (raised || kept) findings.push({ ...finding, question: candidate.question(latest, recent.length) });
  }
  return findings;
}

function candidates(recent: readonly HostSample[], rules: OpportunityRules): Candidate[] {
  const list: Candidate[] = [
    {
      kind: "memory-pressure",
      severity: "high",
      subject: "memory",
      holds: (sample) => sample.memory.availableBytes < sample.memory.totalBytes * rules.memoryAvailableBelow,
      question: (latest, samples) =>
        `Only ${percent(latest.memory.availableBytes / latest.memory.totalBytes)} of memory (${gib(latest.memory.availableBytes)} of ${gib(latest.memory.totalBytes)}) ` +
        `was available in ${samples} samples in a row: which process should give memory back, or does this host need more?`,
    },
    {
      kind: "load-above-cores",
      severity: "medium",
      subject: "cpu load",
      holds: (sample) => sample.load[2] > sample.cpu.cores * rules.overloadPerCore,
      question: (latest) =>
        `The 15-minute load is ${latest.load[2].toFixed(1)} on ${latest.cpu.cores} cores (${(latest.load[2] / latest.cpu.cores).toFixed(1)} per core): ` +
        `should some work move to another host, or run with less parallelism?`,
    },
  ];
  const cpuBusy = (sample: HostSample) => sample.load[0] >= sample.cpu.cores * rules.cpuBusy;
  for (const gpu of gpusSeen(recent)) {
    const idle = (sample: HostSample) => {
      const now = sample.gpus.find((candidate) => candidate.index === gpu.index);
      return now !== undefined && now.utilizationPercent <= rules.gpuIdlePercent;
    };
    list.push({
      kind: "gpu-idle-cpu-busy",
      severity: "medium",
      subject: `gpu ${gpu.index} (${gpu.name})`,
      holds: (sample) => idle(sample) && cpuBusy(sample),
      question: (latest) => {
        const now = latest.gpus.find((candidate) => candidate.index === gpu.index) ?? gpu;
        return (
          `GPU ${gpu.index} (${gpu.name}) is ${now.utilizationPercent}% busy while the CPUs carry a load of ${latest.load[0].toFixed(1)} on ${latest.cpu.cores} cores: ` +
          `could part of the CPU work run on the GPU?`
        );
      },
    });
  }
  for (const workload of rules.workloads) {
    if (workload.usesAvx === false) {
      list.push({
        kind: "avx-unused",
        severity: "low",
        subject: `workload ${workload.name}`,
        holds: (sample) => WIDE_VECTOR_FLAGS(sample.cpu.flags).length > 0,
        question: (latest) =>
          `This CPU (${latest.cpu.model}) supports ${WIDE_VECTOR_FLAGS(latest.cpu.flags).join(", ")}, but workload ${workload.name} is not built to use it: ` +
          `would a build with AVX2/AVX-512 make it faster?`,
      });
    }
    if (workload.usesGpu === false) {
      list.push({
        kind: "gpu-unused",
        severity: "low",
        subject: `workload ${workload.name}`,
        holds: (sample) => sample.gpus.length > 0,
        question: (latest) =>
          `This host has ${latest.gpus.length} GPU${latest.gpus.length === 1 ? "" : "s"} (${[...new Set(latest.gpus.map((gpu) => gpu.name))].join(", ")}), ` +
          `but workload ${workload.name} does not use one: could it?`,
      });
    }
  }
  return list;
}

/** Every GPU present in any recent sample, by index, as last seen. */
function gpusSeen(recent: readonly HostSample[]): GpuSample[] {
  const byIndex = new Map<number, GpuSample>();
  for (const sample of recent) for (const gpu of sample.gpus) byIndex.set(gpu.index, gpu);
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}
