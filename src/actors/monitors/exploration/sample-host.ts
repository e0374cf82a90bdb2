import { readFile } from "node:fs/promises";
import { availableParallelism, cpus, freemem, loadavg, totalmem } from "node:os";
import { parseCpuInfo } from "./cpu-info.js";
import type { HostSample, HostSampler } from "./host-sample.js";
import { queryGpus } from "./nvidia-smi.js";

/**
 * The real host: /proc/cpuinfo and /proc/meminfo on Linux (elsewhere the CPU flags are
 * "unknown" and memory comes from `os`), load averages, and GPUs from `nvidia-smi` when it exists.
 */
export function hostSampler(options: { gpuTimeoutMs: number; nvidiaSmi?: string }): HostSampler {
  return async (now) => {
    const [cpuInfo, available, gpus] = await Promise.all([
      readFile("/proc/cpuinfo", "utf8").then(parseCpuInfo, () => undefined),
      readMemAvailable(),
      queryGpus(options.gpuTimeoutMs, options.nvidiaSmi),
    ]);
    const [one = 0, five = 0, fifteen = 0] = loadavg();
    return {
      at: now,
      cpu: {
        model: cpuInfo?.model ?? cpus()[0]?.model ?? "unknown",
        flags: cpuInfo?.flags ?? "unknown",
        cores: availableParallelism(),
      },
      memory: { totalBytes: totalmem(), availableBytes: available ?? freemem() },
      load: [one, five, fifteen],
      gpus: "gpus" in gpus ? gpus.gpus : [],
      ...("problem" in gpus ? { gpuProblem: gpus.problem } : {}),
    } satisfies HostSample;
  };
}

/** MemAvailable counts reclaimable page cache, which `os.freemem()` does not on every platform. */
async function readMemAvailable(): Promise<number | undefined> {
  try {
    const match = /^MemAvailable:\s+(\d+)\s+kB/m.exec(await readFile("/proc/meminfo", "utf8"));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
