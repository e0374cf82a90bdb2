import { DURATION_SCHEMA } from "../../../common/durations.js";
import type { OptionsFromSchema } from "../../../runtime/define-actor.js";

/** Options of the `exploration-monitor` kind; each `default` is the one source of that default. */
export const explorationOptionsSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    every: {
      ...DURATION_SCHEMA,
      default: "300s",
      description: "How often the host is sampled and the opportunities decided (at least 1s).",
    },
    window: {
      type: "integer",
      minimum: 1,
      maximum: 100,
      default: 3,
      description:
        "Samples an opportunity must hold in, every one of them, before it is raised; it is resolved once it holds in none of the last `window` samples.",
    },
    cpuBusy: {
      type: "number",
      exclusiveMinimum: 0,
      default: 0.9,
      description: "1-minute load per core at or above which the CPU counts as saturated (for gpu-idle-cpu-busy).",
    },
    gpuIdlePercent: {
      type: "number",
      minimum: 0,
      maximum: 100,
      default: 10,
      description: "GPU utilisation (percent) at or below which a GPU counts as idle.",
    },
    overloadPerCore: {
      type: "number",
      exclusiveMinimum: 0,
      default: 1.5,
      description: "15-minute load per core above which the host is overloaded (load-above-cores).",
    },
    memoryAvailableBelow: {
      type: "number",
      exclusiveMinimum: 0,
      maximum: 1,
      default: 0.1,
      description: "Fraction of memory available below which the host is under memory pressure.",
    },
    gpuTimeout: { ...DURATION_SCHEMA, default: "5s", description: "How long nvidia-smi may take before the GPU query counts as failed." },
    workloads: {
      type: "array",
      default: [],
      description:
        "What runs on this host, so unused hardware can be asked about: `usesAvx: false` on a host with AVX2/AVX-512 and `usesGpu: false` on a host with a GPU each raise a question.",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name"],
        properties: {
          name: { type: "string", minLength: 1, description: "The workload's name, as questions name it." },
          usesAvx: { type: "boolean", description: "Whether its hot code is built for AVX2/AVX-512 (unknown when absent)." },
          usesGpu: { type: "boolean", description: "Whether it runs on the GPU (unknown when absent)." },
        },
      },
    },
  },
} as const;

/** The options an exploration monitor gets (defaults applied). */
export type ExplorationOptions = OptionsFromSchema<typeof explorationOptionsSchema>;
