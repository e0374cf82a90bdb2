import { selectDialects } from "../analysis/integration/dialect.js";
import { isIntegrationFacts, type IntegrationFacts } from "../analysis/integration/integration-facts.js";
import type { StartActorDefinition } from "../../../runtime/define-actor.js";
import { defineMonitor } from "../define-monitor.js";
import type { MonitorOptions } from "../monitor-options.js";
import { IntegrationIndex } from "./integration-index.js";
import { INTEGRATION_OPTION_PROPERTIES, type IntegrationOptions } from "./integration-options.js";

/** Python, TypeScript and JavaScript sources. */
const SOURCES = ["**/*.{py,pyi,ts,mts,cts,tsx,js,mjs,cjs,jsx}"];

/** The dialect list of a validated config as JSON, resolved once per options object (the worker gets it with every file). */
const resolved = new WeakMap<object, string>();
function dialectsOf(options: IntegrationOptions): string {
  let dialects = resolved.get(options);
  if (!dialects) {
    const selected = selectDialects(options.dialects, options.customDialects);
    if ("error" in selected) throw new Error(selected.error);
    resolved.set(options, (dialects = JSON.stringify(selected)));
  }
  return dialects;
}

/**
 * `kind: integration-monitor`: watches Python and TypeScript/JavaScript sources and asks about
 * wiring that does not meet: topics published but never subscribed and the reverse, endpoints
 * bound twice or connected but never bound, attributes used but never assigned, queues filled but
 * never drained.
 */
export const integrationMonitor: StartActorDefinition<MonitorOptions & IntegrationOptions> = defineMonitor<
  IntegrationFacts,
  IntegrationOptions
>({
  kind: "integration-monitor",
  description: "asks about topics, endpoints, attributes and queues that do not meet across Python and TypeScript sources",
  options: INTEGRATION_OPTION_PROPERTIES,
  include: SOURCES,
  worker: "worker",
  check: (options) => {
    const selected = selectDialects(options.dialects, options.customDialects);
    return "error" in selected ? `dialects: ${selected.error}` : undefined;
  },
  task: (path, content, options) => ({ analysis: "integration", path, content, dialects: dialectsOf(options) }),
  isFacts: isIntegrationFacts,
  factsBytes: (facts) => JSON.stringify(facts).length * 2,
  createIndex: () => new IntegrationIndex(),
  topics: { question: "curiosity.integration_question", resolved: "curiosity.integration_resolved" },
});
