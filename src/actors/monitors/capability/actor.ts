import { isCapabilityFacts, type CapabilityFacts } from "../analysis/capability/capability-facts.js";
import type { StartActorDefinition } from "../../../runtime/define-actor.js";
import { defineMonitor } from "../define-monitor.js";
import type { MonitorOptions } from "../monitor-options.js";
import { CapabilityIndex } from "./capability-index.js";
import { CAPABILITY_OPTION_PROPERTIES, type CapabilityOptions } from "./capability-options.js";

/** Python, TypeScript and JavaScript sources. */
const SOURCES = ["**/*.{py,pyi,ts,mts,cts,tsx,js,mjs,cjs,jsx}"];

/**
 * `kind: capability-monitor`: watches Python and TypeScript/JavaScript sources for capabilities —
 * classes and functions named like services (`OrderHandler`, `order_handler`) or carrying a
 * configured decorator — and asks about each new one; removing it resolves the question.
 */
export const capabilityMonitor: StartActorDefinition<MonitorOptions & CapabilityOptions> = defineMonitor<
  CapabilityFacts,
  CapabilityOptions
>({
  kind: "capability-monitor",
  description:
    "asks about each capability (a class or function named like a handler, service, worker, … or carrying a configured decorator)",
  options: CAPABILITY_OPTION_PROPERTIES,
  include: SOURCES,
  worker: "worker",
  task: (path, content, options) => ({
    analysis: "capability",
    path,
    content,
    suffixes: options.suffixes.map((suffix) => suffix.toLowerCase()),
    decorators: options.decorators,
  }),
  isFacts: isCapabilityFacts,
  factsBytes: (facts) => JSON.stringify(facts).length * 2,
  createIndex: () => new CapabilityIndex(),
  rules: {
    "new-capability": {
      title: "Capability defined",
      help: "A class or function named like a capability (handler, service, worker, …) or carrying a configured decorator: say what it does, what starts it, and document it.",
    },
  },
  topics: { question: "curiosity.capability_question", resolved: "curiosity.capability_resolved" },
});
