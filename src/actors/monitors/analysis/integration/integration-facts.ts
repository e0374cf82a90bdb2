/** How a subscription pattern consumes topics. */
export type TopicMatch = "exact" | "wildcard" | "prefix" | "glob";

/** A topic published or subscribed at one line of a file. */
export interface MessageFact {
  role: "publish" | "subscribe";
  /** The topic, or for a subscription its pattern. */
  topic: string;
  /** exact; wildcard (`*` one dot-separated segment, `>` or `#` the rest); prefix (ZeroMQ); glob (Redis PSUBSCRIBE). */
  match: TopicMatch;
  dialect: string;
  line: number;
}

/** An endpoint bound or connected at one line of a file. */
export interface EndpointFact {
  role: "bind" | "connect";
  endpoint: string;
  dialect: string;
  line: number;
}

/** A place where a topic or endpoint could not be resolved to a string; counted, never guessed. */
export interface UnresolvedFact {
  role: "publish" | "subscribe" | "bind" | "connect";
  dialect: string;
  line: number;
}

/** An attribute of `self` / `this` at a line. */
export interface AttributeUse {
  attr: string;
  line: number;
}

/** What one class does with the attributes of its instances. */
export interface ClassFacts {
  name: string;
  line: number;
  /** Base class names (last dotted part, type arguments dropped). */
  bases: string[];
  /** Attributes can appear without assignment (`__getattr__`, `setattr(self, …)`, `Object.assign(this, …)`). */
  dynamic: boolean;
  /** Assigned (`self.x = …`, `this.x = …`), declared (class fields, parameter properties) or defined (methods). */
  assigned: string[];
  /** `self.x.m()` / `this.x.m()`: the first line per attribute. */
  used: AttributeUse[];
  /** Appended or pushed to (`append`, `push`, `put`, …). */
  pushed: AttributeUse[];
  /** Read in any other way: popped, iterated, measured, indexed, passed on. */
  read: string[];
}

/** The compact facts of one source file, as the integration monitor's worker returns them. */
export interface IntegrationFacts {
  language: "python" | "typescript";
  messages: MessageFact[];
  endpoints: EndpointFact[];
  unresolved: UnresolvedFact[];
  /** Module-level string constants that resolved a topic or an endpoint. */
  constants: string[];
  classes: ClassFacts[];
  /** Attribute names read on something other than `self` / `this` (`worker.queue.pop()`), so a queue drained from outside its class is not reported. */
  foreignReads: string[];
  /** Lines where the parser met a syntax error (the rest of the file is still analysed). */
  syntaxErrors: number[];
}

const isArray = (value: unknown): value is unknown[] => Array.isArray(value);

/** A light structural check of facts from a worker or a snapshot. */
export function isIntegrationFacts(value: unknown): value is IntegrationFacts {
  if (typeof value !== "object" || value === null) return false;
  const facts = value as Partial<IntegrationFacts>;
  return (
    (facts.language === "python" || facts.language === "typescript") &&
    isArray(facts.messages) &&
    isArray(facts.endpoints) &&
    isArray(facts.unresolved) &&
    isArray(facts.constants) &&
    isArray(facts.classes) &&
    isArray(facts.foreignReads) &&
    isArray(facts.syntaxErrors)
  );
}
