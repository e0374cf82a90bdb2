import type { GpuSample, HostSample } from "../../../../src/actors/monitors/exploration/host-sample.js";

/** A host sample with overridable parts: 8 cores with AVX2, 16 GiB with half free, idle. */
export function fakeSample(
  overrides: {
    at?: number;
    load?: [number, number, number];
    availableFraction?: number;
    gpus?: GpuSample[];
    flags?: string[] | "unknown";
  } = {},
): HostSample {
  const total = 16 * 2 ** 30;
  return {
    at: overrides.at ?? 0,
    cpu: { model: "Fake CPU @ 3 GHz", flags: overrides.flags ?? ["avx", "avx2"], cores: 8 },
    memory: { totalBytes: total, availableBytes: Math.round(total * (overrides.availableFraction ?? 0.5)) },
    load: overrides.load ?? [0.5, 0.5, 0.5],
    gpus: overrides.gpus ?? [],
  };
}

/** One GPU at `utilizationPercent`. */
export function fakeGpu(utilizationPercent: number, index = 0): GpuSample {
  return { index, name: "Fake GPU", utilizationPercent, memoryUsedMb: 100, memoryTotalMb: 16_000 };
}
