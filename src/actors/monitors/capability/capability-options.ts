/** The capability monitor's own options, beside the shared monitor options. */
export const CAPABILITY_OPTION_PROPERTIES = {
  suffixes: {
    type: "array",
    items: { type: "string", minLength: 1 },
    uniqueItems: true,
    default: ["analyzer", "handler", "manager", "service", "monitor", "worker", "agent", "controller", "processor"],
    description:
      "Name endings that make a class or function a capability, compared case-insensitively (`handler` matches OrderHandler and order_handler, not Handler alone).",
  },
  decorators: {
    type: "array",
    items: { type: "string", minLength: 1 },
    uniqueItems: true,
    default: ["route", "task", "shared_task", "Injectable", "Controller"],
    description:
      "Decorators that make a class, function or method a capability (Python `@x`, TypeScript `@x()`): `route` matches `@route` and `@app.route`, `app.route` only the latter.",
  },
} as const;

/** The capability monitor's own options as it receives them (defaults applied). */
export interface CapabilityOptions {
  /** @defaultValue analyzer, handler, manager, service, monitor, worker, agent, controller, processor */
  suffixes: string[];
  /** @defaultValue route, task, shared_task, Injectable, Controller */
  decorators: string[];
}
