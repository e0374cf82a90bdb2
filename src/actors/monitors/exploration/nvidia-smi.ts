import { execFile } from "node:child_process";
import type { GpuSample } from "./host-sample.js";

/** The fields asked of `nvidia-smi`, in the order {@link parseNvidiaSmi} reads them. */
export const NVIDIA_SMI_ARGS = [
  "--query-gpu=index,name,utilization.gpu,memory.used,memory.total",
  "--format=csv,noheader,nounits",
] as const;

/** What one GPU query found: GPUs, no nvidia-smi at all, or a problem worth reporting. */
export type GpuQuery = { gpus: GpuSample[] } | { absent: true } | { problem: string };

/** Parses `nvidia-smi` CSV output (no header, no units). Pure. */
export function parseNvidiaSmi(text: string): GpuQuery {
  const gpus: GpuSample[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const cells = line.split(",").map((cell) => cell.trim());
    const [index, name, utilization, used, total] = cells;
    const numbers = [index, utilization, used, total].map((cell) => Number(cell));
    if (cells.length !== 5 || name === undefined || numbers.some((value) => !Number.isFinite(value)) || cells.some((cell) => cell === "")) {
      // `[N/A]` or `[Not Supported]` in a field, or a driver message instead of CSV.
      return { problem: `unexpected nvidia-smi line: ${JSON.stringify(line.slice(0, 200))}` };
    }
    gpus.push({ index: numbers[0]!, name, utilizationPercent: numbers[1]!, memoryUsedMb: numbers[2]!, memoryTotalMb: numbers[3]! });
  }
  return { gpus };
}

/** Runs `nvidia-smi` with a timeout. A missing command means "no GPUs", not a problem. */
export function queryGpus(timeoutMs: number, command = "nvidia-smi"): Promise<GpuQuery> {
  return new Promise((resolve) => {
    execFile(command, NVIDIA_SMI_ARGS, { timeout: timeoutMs, windowsHide: true }, (error, stdout) => {
      if (error === null) return resolve(parseNvidiaSmi(stdout));
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return resolve({ absent: true });
      if (error.killed) return resolve({ problem: `nvidia-smi did not answer within ${timeoutMs} ms` });
      resolve({ problem: `nvidia-smi failed: ${error.message.split("\n")[0]}` });
    });
  });
}
