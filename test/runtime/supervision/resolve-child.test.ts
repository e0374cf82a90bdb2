import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/common/config-error.js";
import type { AnyActorDefinition } from "../../../src/runtime/define-actor.js";
import { KindOptionsValidator } from "../../../src/runtime/config/kind-options.js";
import type { ChildConfig } from "../../../src/runtime/supervision/child-config.js";
import { resolveChildConfig } from "../../../src/runtime/supervision/resolve-child.js";
import { tickerOptionsKind as ticker } from "../ticker-options-kind.js";

const validator = new KindOptionsValidator(new Map<string, AnyActorDefinition>([["ticker", ticker]]));
const context = { validator, caller: 'startChild("root")' };

function failure(spec: ChildConfig): ConfigError {
  try {
    resolveChildConfig(spec, context);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("resolveChildConfig", () => {
  it("resolves a worker as a config file's children[] entry: defaults, durations, kind option defaults", () => {
    expect(resolveChildConfig({ id: "t", kind: "ticker", shutdown: "2s", options: { everyMs: 10 } }, context)).toEqual({
      id: "t",
      kind: "ticker",
      restart: "permanent",
      shutdownMs: 2_000,
      options: { everyMs: 10, label: "tick" },
    });
  });

  it("resolves a nested supervisor, its budget the sum of its children's", () => {
    const spec = resolveChildConfig(
      {
        id: "group",
        supervisor: { strategy: "one_for_all", period: "10s" },
        children: [
          { id: "a", kind: "ticker", options: { everyMs: 1 } },
          { id: "b", kind: "ticker", shutdown: 3_000, restart: "transient", options: { everyMs: 1 } },
        ],
      },
      context,
    );
    expect(spec).toMatchObject({
      id: "group",
      restart: "permanent",
      shutdownMs: 8_000,
      supervisor: {
        strategy: "one_for_all",
        intensity: 5,
        periodMs: 10_000,
        stableMs: 10_000,
        backoff: { minMs: 100, maxMs: 30_000, jitter: 0.2 },
      },
      children: [
        { id: "a", shutdownMs: 5_000, restart: "permanent" },
        { id: "b", shutdownMs: 3_000, restart: "transient" },
      ],
    });
  });

  it("leaves the caller's spec as it was", () => {
    const spec: ChildConfig = { id: "t", kind: "ticker", options: { everyMs: 10 } };
    resolveChildConfig(spec, context);
    expect(spec).toEqual({ id: "t", kind: "ticker", options: { everyMs: 10 } });
  });

  it("reports every problem at once, each with its key path, as the config loader does", () => {
    const error = failure({
      id: "bad id",
      kind: "ticker",
      shutdownMs: 1000,
      shutdown: "2 parsecs",
      options: { everyMs: 0 },
    } as unknown as ChildConfig);
    expect(error.message.split("\n")).toEqual([
      'startChild("root"): 4 problems',
      "  shutdownMs: unknown key 'shutdownMs' (did you mean 'shutdown'?)",
      `  id: expected an id made of letters, digits, '_' and '-', got "bad id"`,
      '  shutdown: expected a duration such as "250ms", "1.5s", "30s", "5m", "1h", "1d", or a number of milliseconds, got "2 parsecs"',
      "  options.everyMs: expected a number >= 1, got 0",
    ]);
    expect(error.retryable).toBe(false);
  });

  it("finds what a schema cannot: unknown kinds, duplicate ids, backoff min above max", () => {
    const error = failure({
      id: "group",
      supervisor: { backoff: { min: "2s", max: "1s" } },
      children: [
        { id: "a", kind: "tikcer" },
        { id: "a", kind: "ticker", options: { everyMs: 1 } },
      ],
    });
    expect(error.issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      "supervisor.backoff.min: backoff.min (2000 ms) is greater than backoff.max (1000 ms): lower min or raise max",
      "children[0].kind: unknown kind 'tikcer' (did you mean 'ticker'?); known kinds: ticker",
      "children[1].id: duplicate id 'a': already used by children[0]; ids must be unique among siblings",
    ]);
  });
});
