/** The CPU facts read from `/proc/cpuinfo`. */
export interface CpuInfo {
  model: string;
  /** AVX-family flags only: the rest of the list does not bear on any opportunity. */
  flags: string[];
}

/** Reads the model name and the AVX-family flags of the first processor in `/proc/cpuinfo` text. Pure. */
export function parseCpuInfo(text: string): CpuInfo {
  let model = "unknown";
  let flags: string[] = [];
  for (const line of text.split("\n")) {
    const separator = line.indexOf(":");
    if (separator < 0) continue;
    const key = line.slice(0, separator).trim();
    const value = line.slice(separator + 1).trim();
    if (key === "model name" && model === "unknown") model = value;
    // x86 says `flags`, ARM says `Features`; every processor repeats them, the first is enough.
    else if ((key === "flags" || key === "Features") && flags.length === 0) {
      flags = value.split(/\s+/).filter((flag) => flag.startsWith("avx"));
    }
  }
  return { model, flags: [...new Set(flags)].sort() };
}
