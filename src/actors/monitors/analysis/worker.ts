/**
 * The one worker module of the built-in file-watching monitors: each task names its analysis, so
 * the integration, capability and knowledge monitors of a process share one pool of threads (and
 * each thread loads tree-sitter once) instead of a pool each.
 */
import analyseCapabilities, { type CapabilityTask } from "./capability/worker.js";
import analyseIntegration, { type IntegrationTask } from "./integration/worker.js";
import analyseKnowledge, { type KnowledgeTask } from "./knowledge/worker.js";

/** A task for the shared worker: a monitor's own task, tagged with the analysis to run. */
export type AnalysisTask =
  | ({ analysis: "integration" } & IntegrationTask)
  | ({ analysis: "capability" } & CapabilityTask)
  | ({ analysis: "knowledge" } & KnowledgeTask);

export default function analyse(task: AnalysisTask): Promise<unknown> {
  switch (task.analysis) {
    case "integration":
      return analyseIntegration(task);
    case "capability":
      return analyseCapabilities(task);
    case "knowledge":
      return analyseKnowledge(task);
    default:
      return Promise.reject(new Error(`unknown analysis ${JSON.stringify((task as { analysis?: unknown }).analysis)}`));
  }
}
