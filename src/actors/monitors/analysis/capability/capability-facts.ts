/** One definition the capability monitor recognises as a capability. */
export interface Capability {
  /** As written: `OrderHandler`, `order_handler`. */
  name: string;
  /** With its class for a method: `OrderController.list`. */
  qualifiedName: string;
  form: "class" | "function" | "method";
  line: number;
  /** The configured suffix its name ends in (lower case), when that is why it counts. */
  suffix?: string;
  /** The configured decorators it carries, as written (dotted, without arguments). */
  decorators: string[];
}

/** What the capability analysis extracts from one file. */
export interface CapabilityFacts {
  language: "python" | "typescript";
  capabilities: Capability[];
  /** Lines with syntax errors (the rest of the file is still analysed). */
  syntaxErrors: number[];
}

/** A light structural check of facts from a worker or a snapshot. */
export function isCapabilityFacts(value: unknown): value is CapabilityFacts {
  if (typeof value !== "object" || value === null) return false;
  const facts = value as Partial<CapabilityFacts>;
  return (
    (facts.language === "python" || facts.language === "typescript") &&
    Array.isArray(facts.capabilities) &&
    facts.capabilities.every(
      (item) => typeof item === "object" && item !== null && typeof (item as Capability).qualifiedName === "string",
    ) &&
    Array.isArray(facts.syntaxErrors)
  );
}
