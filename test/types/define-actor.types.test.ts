// Type-level tests: `npm run typecheck` (tsc over test/) is what proves them. Each
// `@ts-expect-error` line must fail to compile, or tsc reports the directive as unused; the
// `expectTypeOf` lines fail to compile when the inferred type differs. vitest runs the file too,
// so that the definitions are also checked at run time.
import { fastify, type FastifyBaseLogger } from "fastify";
import { pino } from "pino";
import { describe, expect, expectTypeOf, it } from "vitest";
import { setup } from "xstate";
import type { Logger } from "../../src/common/logger.js";
import type { ActorContext } from "../../src/runtime/actor-context.js";
import {
  defineActor,
  type ActorOptions,
  type MachineActorDefinition,
  type MachineKindInput,
  type OptionsFromSchema,
  type OptionsSchema,
  type StartActorDefinition,
} from "../../src/runtime/define-actor.js";
import type { RuntimeOptions } from "../../src/runtime/runtime.js";
import { MemoryTransport } from "../../src/transports/memory/transport.js";

const ticker = defineActor({
  kind: "ticker",
  options: {
    type: "object",
    additionalProperties: false,
    required: ["topic"],
    properties: {
      everyMs: { type: "integer", default: 1000 },
      topic: { type: "string" },
      jitterMs: { type: "number" },
      mode: { enum: ["burst", "steady"], default: "steady" },
    },
  } as const,
  start(ctx) {
    // A property with a default is present: defaults are applied before start.
    expectTypeOf(ctx.options.everyMs).toEqualTypeOf<number>();
    expectTypeOf(ctx.options.mode).toEqualTypeOf<"burst" | "steady">();
    // Required: present. Neither required nor defaulted: optional.
    expectTypeOf(ctx.options.topic).toEqualTypeOf<string>();
    expectTypeOf(ctx.options.jitterMs).toEqualTypeOf<number | undefined>();
    // @ts-expect-error a number is not a string
    const wrong: string = ctx.options.everyMs;
    // @ts-expect-error additionalProperties: false, so there is no such option
    void ctx.options.everyMS;
    // @ts-expect-error the enum has no such member
    const mode: typeof ctx.options.mode = "fast";
    void wrong;
    void mode;
    return () => undefined;
  },
});

describe("defineActor types", () => {
  it("infers ctx.options from an inline schema, without `as const`", () => {
    const inline = defineActor({
      kind: "inline",
      options: { type: "object", properties: { everyMs: { type: "integer", default: 1000 }, name: { type: "string" } } },
      start(ctx) {
        expectTypeOf(ctx.options.everyMs).toEqualTypeOf<number>();
        expectTypeOf(ctx.options.name).toEqualTypeOf<string | undefined>();
        // @ts-expect-error everyMs is a number
        ctx.options.everyMs.toUpperCase();
      },
    });
    expect(inline.kind).toBe("inline");
  });

  it("returns the specific form: start(...) and machine(...) need no `!`", () => {
    expectTypeOf(ticker).toExtend<StartActorDefinition<ActorOptions<typeof ticker>>>();
    expectTypeOf(ticker.start).toBeFunction();
    expectTypeOf(ticker.machine).toEqualTypeOf<undefined>();
    const machineKind = defineActor({
      kind: "counter",
      options: { type: "object", properties: { step: { type: "integer", default: 1 } } },
      machine(ctx) {
        expectTypeOf(ctx.options.step).toEqualTypeOf<number>();
        return setup({ types: { input: {} as MachineKindInput<{ step: number }> } }).createMachine({});
      },
    });
    expectTypeOf(machineKind).toExtend<MachineActorDefinition<ActorOptions<typeof machineKind>>>();
    expectTypeOf(machineKind.machine).toBeFunction();
    expectTypeOf(machineKind.start).toEqualTypeOf<undefined>();
    // @ts-expect-error a start-form kind has no machine to call
    expect(() => ticker.machine()).toThrow();
  });

  it("exposes the options type of a definition and of a schema", () => {
    expectTypeOf<ActorOptions<typeof ticker>["everyMs"]>().toEqualTypeOf<number>();
    type Schema = { type: "object"; properties: { port: { type: "integer" } }; required: ["port"] };
    expectTypeOf<OptionsFromSchema<Schema>>().toExtend<{ port: number }>();
    // No schema, or one whose literal type is lost: a plain record.
    expectTypeOf<OptionsFromSchema<undefined>>().toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf<OptionsFromSchema<OptionsSchema>>().toEqualTypeOf<Record<string, unknown>>();
    const free = defineActor({
      kind: "free",
      start(ctx) {
        expectTypeOf(ctx.options).toEqualTypeOf<Record<string, unknown>>();
      },
    });
    expect(free.kind).toBe("free");
  });

  it("rejects a schema that is not JSON Schema, and machine-only fields on a start kind", () => {
    // @ts-expect-error "int" is not a JSON Schema type
    expect(() => defineActor({ kind: "bad", options: { type: "object", properties: { n: { type: "int" } } }, start() {} })).not.toThrow();
    // @ts-expect-error persist belongs to machine kinds (and is rejected at run time too)
    expect(() => defineActor({ kind: "bad", persist: true, start() {} })).toThrow(/belong to machine\(ctx\) kinds/);
  });

  it("start's ctx is an ActorContext of the inferred options", () => {
    expectTypeOf<Parameters<typeof ticker.start>[0]>().toEqualTypeOf<ActorContext<ActorOptions<typeof ticker>>>();
  });
});

describe("Logger type", () => {
  it("is satisfied by a pino logger and a fastify logger", async () => {
    expectTypeOf<FastifyBaseLogger>().toExtend<Logger>();
    expectTypeOf<pino.Logger>().toExtend<Logger>();
    const app = fastify({ logger: { level: "silent" } });
    const fromFastify: Logger = app.log;
    const fromPino: Logger = pino({ level: "silent" });
    // @ts-expect-error console has no child() and no level
    const fromConsole: Logger = console;
    expect(typeof fromFastify.child({ a: 1 }).info).toBe("function");
    expect(fromPino.level).toBe("silent");
    void fromConsole;
    await app.close();
  });
});

describe("RuntimeOptions.transport type", () => {
  it("takes a transport instance or a factory, sync or async", () => {
    expectTypeOf(new MemoryTransport()).toExtend<RuntimeOptions["transport"]>();
    expectTypeOf(() => new MemoryTransport()).toExtend<RuntimeOptions["transport"]>();
    expectTypeOf(async () => new MemoryTransport()).toExtend<RuntimeOptions["transport"]>();
    // @ts-expect-error a transport config is not a transport
    const wrong: RuntimeOptions["transport"] = { kind: "memory" };
    void wrong;
  });
});
