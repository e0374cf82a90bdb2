import type { Severity } from "../monitors/finding.js";
import type { QuestionFilter } from "./question-queue.js";

const SEVERITIES: readonly Severity[] = ["low", "medium", "high"];

/**
 * The filter of a `GET /questions` query (`severity`, `monitor`, `kind`, `limit`), or what is
 * wrong with it. Unknown parameters are refused, so a typo does not silently return everything. Pure.
 */
export function parseQuestionsQuery(query: Record<string, string>): { filter: QuestionFilter } | { error: string } {
  const filter: QuestionFilter = {};
  for (const [key, value] of Object.entries(query)) {
    if (key === "severity") {
      if (!SEVERITIES.includes(value as Severity))
        return { error: `severity must be one of ${SEVERITIES.join(", ")}; got ${JSON.stringify(value)}` };
      filter.severity = value as Severity;
    } else if (key === "limit") {
      const limit = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
      if (!(limit >= 1)) return { error: `limit must be a whole number of at least 1; got ${JSON.stringify(value)}` };
      filter.limit = limit;
    } else if (key === "monitor" || key === "kind") {
      if (value === "") return { error: `${key} must not be empty` };
      filter[key] = value;
    } else {
      return { error: `unknown parameter ${JSON.stringify(key)}; accepted: severity, monitor, kind, limit` };
    }
  }
  return { filter };
}
