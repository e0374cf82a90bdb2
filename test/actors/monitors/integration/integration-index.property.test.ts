import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ClassFacts, IntegrationFacts } from "../../../../src/actors/monitors/analysis/integration/integration-facts.js";
import { IntegrationIndex } from "../../../../src/actors/monitors/integration/integration-index.js";

// Few names, so that classes in different files inherit from, derive from and drain one another.
const className = fc.constantFrom("Base", "Worker", "Queue", "Mixin", "Missing");
const attr = fc.constantFrom("queue", "sock", "items", "bus");
const attrs = fc.uniqueArray(attr, { maxLength: 3 });
const uses = fc.uniqueArray(fc.record({ attr, line: fc.integer({ min: 1, max: 50 }) }), { maxLength: 3, selector: (use) => use.attr });

const classFacts: fc.Arbitrary<ClassFacts> = fc.record({
  name: className,
  line: fc.integer({ min: 1, max: 50 }),
  bases: fc.uniqueArray(className, { maxLength: 2 }),
  dynamic: fc.boolean(),
  assigned: attrs,
  used: uses,
  pushed: uses,
  read: attrs,
});

const facts: fc.Arbitrary<IntegrationFacts> = fc.record({
  language: fc.constant("python" as const),
  messages: fc.constant([]),
  endpoints: fc.constant([]),
  unresolved: fc.constant([]),
  constants: fc.constant([]),
  classes: fc.array(classFacts, { maxLength: 3 }),
  foreignReads: attrs,
  syntaxErrors: fc.constant([]),
});

const path = fc.constantFrom("a.py", "b.py", "c.py", "d.py");
const step = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant("set" as const), path, facts }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("delete" as const), path }) },
);

const ids = (index: IntegrationIndex): string[] =>
  index
    .findings()
    .map((finding) => finding.id)
    .sort();

describe("the integration index, updated file by file", () => {
  it("always reports what an index built from scratch over the same files reports", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), (steps) => {
        const live = new IntegrationIndex();
        const files = new Map<string, IntegrationFacts>();
        for (const change of steps) {
          if (change.op === "set") {
            live.set(change.path, change.facts);
            files.set(change.path, change.facts);
          } else {
            live.delete(change.path);
            files.delete(change.path);
          }
          // Evaluated after every step, so verdicts kept from one evaluation meet the next change.
          const fresh = new IntegrationIndex();
          for (const [file, content] of files) fresh.set(file, content);
          expect(ids(live)).toEqual(ids(fresh));
        }
      }),
      { numRuns: 300 },
    );
  });
});
