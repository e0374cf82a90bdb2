import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseCpuInfo } from "../../../../src/actors/monitors/exploration/cpu-info.js";
import { parseNvidiaSmi, queryGpus } from "../../../../src/actors/monitors/exploration/nvidia-smi.js";
import { hostSampler } from "../../../../src/actors/monitors/exploration/sample-host.js";

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

/** An executable shell script standing in for nvidia-smi. */
async function fakeCommand(body: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "plexus-nvidia-"));
  dirs.push(dir);
  const file = join(dir, "nvidia-smi");
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
  return file;
}

describe("host parsers", () => {
  it("reads the model and the AVX-family flags of /proc/cpuinfo (x86 and ARM)", () => {
    const x86 =
      "processor\t: 0\nmodel name\t: Fake Xeon\nflags\t\t: fpu sse avx2 avx avx512f avx512bw fma\n\nprocessor\t: 1\nmodel name\t: Other\nflags\t: fpu\n";
    expect(parseCpuInfo(x86)).toEqual({ model: "Fake Xeon", flags: ["avx", "avx2", "avx512bw", "avx512f"] });
    expect(parseCpuInfo("processor\t: 0\nFeatures\t: fp asimd\n")).toEqual({ model: "unknown", flags: [] });
  });

  it("parses nvidia-smi CSV, and reports what it cannot parse", () => {
    expect(parseNvidiaSmi("0, NVIDIA A100, 3, 512, 40960\n1, NVIDIA A100, 97, 30000, 40960\n")).toEqual({
      gpus: [
        { index: 0, name: "NVIDIA A100", utilizationPercent: 3, memoryUsedMb: 512, memoryTotalMb: 40960 },
        { index: 1, name: "NVIDIA A100", utilizationPercent: 97, memoryUsedMb: 30000, memoryTotalMb: 40960 },
      ],
    });
    expect(parseNvidiaSmi("")).toEqual({ gpus: [] });
    expect(parseNvidiaSmi("0, GPU, [N/A], 1, 2\n")).toMatchObject({ problem: expect.stringMatching(/unexpected nvidia-smi line/) });
    expect(parseNvidiaSmi("NVIDIA-SMI has failed because it couldn't communicate with the driver\n")).toMatchObject({
      problem: expect.any(String),
    });
  });

  it("treats a missing nvidia-smi as no GPUs, and a failing or hanging one as a problem", async () => {
    expect(await queryGpus(2_000, join(tmpdir(), `plexus-no-such-command-${process.pid}`))).toEqual({ absent: true });
    expect(await queryGpus(5_000, await fakeCommand('echo "0, Fake GPU, 4, 10, 100"'))).toEqual({
      gpus: [{ index: 0, name: "Fake GPU", utilizationPercent: 4, memoryUsedMb: 10, memoryTotalMb: 100 }],
    });
    expect(await queryGpus(5_000, await fakeCommand("echo driver gone >&2; exit 9"))).toMatchObject({
      problem: expect.stringMatching(/failed/),
    });
    expect(await queryGpus(100, await fakeCommand("exec sleep 30"))).toEqual({ problem: "nvidia-smi did not answer within 100 ms" });
  });

  it("samples the real host", async () => {
    const sample = await hostSampler({ gpuTimeoutMs: 5_000 })(123);
    expect(sample.at).toBe(123);
    expect(sample.cpu.cores).toBeGreaterThan(0);
    expect(sample.memory.totalBytes).toBeGreaterThan(0);
    expect(sample.memory.availableBytes).toBeGreaterThan(0);
    expect(sample.memory.availableBytes).toBeLessThanOrEqual(sample.memory.totalBytes);
    expect(sample.load).toHaveLength(3);
    if (process.platform === "linux") expect(Array.isArray(sample.cpu.flags)).toBe(true);
    else expect(sample.cpu.flags).toBe("unknown");
  });
});
