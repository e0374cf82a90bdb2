/** One GPU as `nvidia-smi` reports it. */
export interface GpuSample {
  index: number;
  name: string;
  /** Percent of time a kernel ran over the driver's last sample period. */
  utilizationPercent: number;
  memoryUsedMb: number;
  memoryTotalMb: number;
}

/** What the exploration monitor learns about the host in one tick. */
export interface HostSample {
  /** `clock.now()` when the sample was taken. */
  at: number;
  cpu: {
    model: string;
    /** AVX-family flags (`avx`, `avx2`, `avx512f`, …), or "unknown" where /proc/cpuinfo does not exist. */
    flags: string[] | "unknown";
    /** Logical cores this process may use. */
    cores: number;
  };
  memory: { totalBytes: number; availableBytes: number };
  /** Load averages over 1, 5 and 15 minutes (zeros on Windows). */
  load: [number, number, number];
  /** GPUs seen by `nvidia-smi`; empty when the command does not exist or failed. */
  gpus: GpuSample[];
  /** Why the GPU query failed (timeout, unparseable output); absent when it worked or there is no nvidia-smi. */
  gpuProblem?: string;
}

/** Takes one sample of the host; injected so tests run on fake hosts. */
export type HostSampler = (now: number) => Promise<HostSample>;
