import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineActor } from "../../../src/runtime/define-actor.js";
import type { AnyActorDefinition } from "../../../src/runtime/define-actor.js";
import { ConfigError } from "../../../src/common/config-error.js";
import { loadConfig } from "../../../src/runtime/config/load-config.js";
import type { PlexusConfig } from "../../../src/runtime/config/plexus-config.js";
import { isSupervisorSpec } from "../../../src/runtime/supervision/child-spec.js";
import type { SupervisorChildSpec, WorkerChildSpec } from "../../../src/runtime/supervision/child-spec.js";
import { isNonRetryable } from "../../../src/common/errors.js";
import { tickerOptionsKind as ticker } from "../ticker-options-kind.js";

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "fixtures", "config");
const fixture = (name: string): string => path.join(fixtures, name);

const echo = defineActor({ kind: "echo", start() {} });
const kinds = new Map<string, AnyActorDefinition>([
  ["ticker", ticker],
  ["echo", echo],
]);

/** Loads and returns the ConfigError it must throw. */
async function loadFailure(source: string | Record<string, unknown>, env: NodeJS.ProcessEnv = {}): Promise<ConfigError> {
  try {
    await loadConfig(source, { kinds, env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected ${typeof source === "string" ? source : "the object config"} to be rejected`);
}

describe("loadConfig: valid configs", () => {
  it("fills every default for an empty file", async () => {
    const config = await loadConfig(fixture("empty.yaml"), { kinds, env: {} });
    expect(config.runtime).toEqual({
      name: "plexus",
      ops: { host: "127.0.0.1", port: 8001, enabled: true, maxBodyBytes: 1_048_576 },
      stateDir: path.join(fixtures, ".plexus"),
      log: { level: "info" },
    });
    expect(config.transport).toEqual({ kind: "memory" });
    expect(config.supervisor).toEqual({
      strategy: "one_for_one",
      intensity: 5,
      periodMs: 30_000,
      backoff: { minMs: 100, maxMs: 30_000, jitter: 0.2 },
      stableMs: 30_000,
    });
    expect(config.bus).toEqual({
      mailbox: { capacity: 10_000, overflow: "drop-oldest", crashRetries: 2 },
      outbox: { capacity: 100_000, overflow: "drop-oldest", flushTimeoutMs: 5_000 },
      claimCheck: {
        enabled: false,
        thresholdBytes: 262_144,
        maxBlobBytes: 67_108_864,
        store: "auto",
        dir: "blobs",
        ttlMs: 86_400_000,
        maxPending: 64,
      },
      maxPayloadBytes: 4 * 1_048_576,
      maxDepth: 64,
    });
    expect(config.children).toEqual([]);
    expect(config.contracts).toBeUndefined();
    expect(config.source).toBe(fixture("empty.yaml"));
  });

  it("normalises nested supervisors, durations, kind option defaults and transport defaults", async () => {
    const config = await loadConfig(fixture("valid.yaml"), { kinds, env: {} });
    expect(config.runtime.name).toBe("demo");
    expect(config.runtime.ops.port).toBe(0);
    expect(config.runtime.ops.token).toBeUndefined();
    expect(config.transport).toMatchObject({
      kind: "redis",
      prefix: "orion",
      claimIdleMs: 45_000,
      blockMs: 1_000,
      layout: "events",
      maxDeliveries: 5,
    });
    const [first, second] = config.children;
    expect(first).toEqual({
      id: "ticker",
      kind: "ticker",
      restart: "permanent",
      shutdownMs: 5_000,
      options: { everyMs: 1000, label: "tick" },
    });
    expect(second && isSupervisorSpec(second)).toBe(true);
    const group = second as SupervisorChildSpec;
    expect(group.restart).toBe("transient");
    expect(group.supervisor).toEqual({
      strategy: "rest_for_one",
      intensity: 3,
      periodMs: 10_000,
      backoff: { minMs: 100, maxMs: 30_000, jitter: 0.2 },
      stableMs: 10_000,
    });
    expect(group.children.map((child) => child.id)).toEqual(["inner", "echo"]);
    expect((group.children[0] as WorkerChildSpec).shutdownMs).toBe(1_500);
    expect((group.children[1] as WorkerChildSpec).options).toEqual({});
    // Children stop one after another, so the group's default budget is the sum of theirs.
    expect(group.shutdownMs).toBe(6_500);
  });

  it("resolves relative stateDir and contracts.dir against the config file's directory, not the cwd", async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), "plexus-config-"));
    try {
      await copyFile(fixture("valid.yaml"), path.join(directory, "plexus.yaml"));
      await mkdir(path.join(directory, "contracts"));
      const config = await loadConfig("plexus.yaml", { kinds, env: {}, cwd: directory });
      expect(config.runtime.stateDir).toBe(path.join(directory, "state"));
      expect(config.contracts).toEqual({ dir: path.join(directory, "contracts"), mode: "enforce" });
      expect(config.source).toBe(path.join(directory, "plexus.yaml"));
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("loads a JSON file (tabs and all) through the same pipeline", async () => {
    const config = await loadConfig(fixture("valid.json"), { kinds, env: {} });
    expect(config.runtime.name).toBe("from-json");
    expect(config.runtime.stateDir).toBe("/tmp/plexus-json-state");
    expect(config.transport).toEqual({
      batchFrames: false,
      connectWaitMs: 1000,
      kind: "zmq",
      xsub: "tcp://127.0.0.1:5556",
      xpub: "tcp://127.0.0.1:5557",
      noDrop: true,
      sendHighWaterMark: 10_000,
      receiveHighWaterMark: 10_000,
    });
    expect(config.children).toEqual([
      { id: "ticker", kind: "ticker", restart: "permanent", shutdownMs: 5_000, options: { everyMs: 250, label: "tick" } },
    ]);
  });

  it("accepts an object config without mutating it, resolving paths against cwd", async () => {
    const raw: PlexusConfig = {
      runtime: { stateDir: "var/state" },
      contracts: { mode: "warn" },
      children: [{ id: "t", kind: "ticker", options: { everyMs: 5 } }],
    };
    const before = structuredClone(raw);
    const cwd = await mkdtemp(path.join(os.tmpdir(), "plexus-object-config-"));
    await mkdir(path.join(cwd, "contracts"));
    const config = await loadConfig(raw, { kinds, cwd }).finally(() => rm(cwd, { recursive: true, force: true }));
    expect(raw).toEqual(before);
    expect(config.runtime.stateDir).toBe(path.join(cwd, "var/state"));
    expect(config.contracts).toEqual({ dir: path.join(cwd, "contracts"), mode: "warn" });
    expect(config.children[0]).toMatchObject({ id: "t", options: { everyMs: 5, label: "tick" } });
    expect(config.source).toBeUndefined();
  });

  it("interpolates ${VAR} and ${VAR:-default} in values, typing unquoted numbers", async () => {
    const env = { PLEXUS_TEST_NAME: "from-env", PLEXUS_TEST_TOKEN: "s3cret", PLEXUS_TEST_LEVEL: "debug" };
    const config = await loadConfig(fixture("env.yaml"), { kinds, env });
    expect(config.runtime.name).toBe("from-env");
    expect(config.runtime.ops.port).toBe(8123);
    expect(config.runtime.ops.token).toBe("s3cret");
    expect(config.runtime.log.level).toBe("debug");
    expect(config.transport).toMatchObject({ url: "redis://127.0.0.1:6379", prefix: "${literal}" });
  });
});

describe("loadConfig: interpolated values reach their fields typed", () => {
  async function loadText(text: string, env: Record<string, string>) {
    const directory = await mkdtemp(path.join(os.tmpdir(), "plexus-config-env-"));
    try {
      await writeFile(path.join(directory, "plexus.yaml"), text);
      return await loadConfig("plexus.yaml", { kinds, env, cwd: directory });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }

  it("a quoted ${VAR} holding a whole number fills an integer field, in flow mappings too", async () => {
    const config = await loadText(
      'runtime: { ops: { port: "${PORT}" } }\nbus: { mailbox: { capacity: "${CAPACITY:-250}" } }\nchildren:\n  - { id: t, kind: ticker, options: { everyMs: "${EVERY}" } }\n',
      { PORT: "42417", EVERY: "75" },
    );
    expect(config.runtime.ops.port).toBe(42417);
    expect(config.bus.mailbox.capacity).toBe(250);
    expect(config.children[0]).toMatchObject({ options: { everyMs: 75 } });
  });

  it("a quoted ${VAR} holding a number of milliseconds fills a duration", async () => {
    const config = await loadText('transport: { kind: redis, blockMs: "${BLOCK}" }\n', { BLOCK: "250" });
    expect(config.transport).toMatchObject({ blockMs: 250 });
  });

  it("a string that is not wholly a number still fails, naming what it got", async () => {
    const error = await loadText('runtime: { ops: { port: "${PORT}" } }\n', { PORT: "42417x" }).catch((thrown: ConfigError) => thrown);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/runtime\.ops\.port: expected an integer, got "42417x"/);
  });

  it("a nested default reaches its field", async () => {
    const config = await loadText("runtime:\n  name: ${NAME:-${HOSTNAME_FOR_TEST}}\n", { HOSTNAME_FOR_TEST: "box-1" });
    expect(config.runtime.name).toBe("box-1");
  });
});

describe("loadConfig: problems", () => {
  it("hints that a ${VAR} inside a flow mapping must be quoted when YAML cannot parse that line", async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), "plexus-config-flow-"));
    try {
      await writeFile(path.join(directory, "plexus.yaml"), "runtime:\n  ops: { host: 127.0.0.1, port: ${PORT:-8001} }\n");
      const error = (await loadConfig("plexus.yaml", { kinds, env: {}, cwd: directory }).catch((thrown: unknown) => thrown)) as ConfigError;
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.issues[0]?.line).toBe(2);
      expect(error.issues[0]?.message).toMatch(/\$\{\.\.\.\} inside a flow mapping .* must be quoted: port: "\$\{PORT:-8001\}"/);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("is a non-retryable CONFIG_INVALID error", async () => {
    const error = await loadFailure(fixture("unknown-kind.yaml"));
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.retryable).toBe(false);
    expect(isNonRetryable(error)).toBe(true);
  });

  it("reports bad YAML syntax with line and column", async () => {
    const error = await loadFailure(fixture("bad-syntax.yaml"));
    expect(error.issues.length).toBeGreaterThan(0);
    const [issue] = error.issues;
    expect(issue?.file).toBe(fixture("bad-syntax.yaml"));
    expect(issue?.line).toBe(6);
    expect(issue?.column).toBeGreaterThan(0);
    expect(error.message).toMatch(/^invalid config .*bad-syntax\.yaml: \d+ problems?\n/);
  });

  it("lists the known kinds, sorted, for an unknown kind", async () => {
    const error = await loadFailure(fixture("unknown-kind.yaml"));
    expect(error.issues).toEqual([
      {
        file: fixture("unknown-kind.yaml"),
        line: 3,
        column: 11,
        path: "children[0].kind",
        message: "unknown kind 'tikcer' (did you mean 'ticker'?); known kinds: echo, ticker",
      },
    ]);
    expect(error.message).toBe(
      `invalid config ${fixture("unknown-kind.yaml")}: 1 problem\n  ${fixture("unknown-kind.yaml")}:3:11 children[0].kind: unknown kind 'tikcer' (did you mean 'ticker'?); known kinds: echo, ticker`,
    );
  });

  it("reports a bad kind option with its full key path and what was expected", async () => {
    const error = await loadFailure(fixture("bad-option.yaml"));
    expect(error.issues).toEqual([
      {
        file: fixture("bad-option.yaml"),
        line: 8,
        column: 20,
        path: "children[0].children[0].options.everyMs",
        message: "expected a number >= 1, got -5",
      },
    ]);
  });

  it("positions kind option problems in JSON files too", async () => {
    const error = await loadFailure(fixture("bad-json-option.json"));
    expect(error.issues).toEqual([
      {
        file: fixture("bad-json-option.json"),
        line: 3,
        column: 65,
        path: "children[0].options.everyMs",
        message: 'expected an integer, got "often"',
      },
    ]);
  });

  it("names the accepted forms for a bad duration", async () => {
    const error = await loadFailure(fixture("bad-duration.yaml"));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ line: 2, column: 11, path: "supervisor.period" });
    expect(error.issues[0]?.message).toContain('got "5 parsecs"');
    expect(error.issues[0]?.message).toMatch(/"250ms".*"30s".*number of milliseconds/);
  });

  it("reports every problem at once, in file order", async () => {
    const error = await loadFailure(fixture("many-errors.yaml"));
    const lines = error.issues.map((issue) => `${issue.line}:${issue.column} ${issue.path}: ${issue.message}`);
    expect(lines).toEqual([
      "3:11 runtime.ops.port: expected a number <= 65535, got 99999",
      '6:11 transport.layout: expected one of events, per-topic, got "sideways"',
      "8:13 supervisor.strategy: expected one of one_for_one, one_for_all, rest_for_one, got \"one_for_none\" (did you mean 'one_for_one'?)",
      "12:5 children[0].restrat: unknown key 'restrat' (did you mean 'restart'?)",
      "14:9 children[1].id: duplicate id 'ticker': already used by children[0]; ids must be unique among siblings",
      "16:14 children[1].options.everyMs: required key 'everyMs' is missing",
      "17:9 children[2].id: expected an id made of letters, digits, '_' and '-', got \"bad id!\"",
    ]);
    expect(error.message.split("\n")[0]).toBe(`invalid config ${fixture("many-errors.yaml")}: 7 problems`);
    expect(error.message.split("\n")).toHaveLength(8);
  });

  it("reports each unset variable without a default at its value, and nothing more about it", async () => {
    const error = await loadFailure(fixture("missing-env.yaml"));
    expect(error.issues.map((issue) => [issue.line, issue.path])).toEqual([
      [4, "runtime.ops.port"],
      [5, "runtime.stateDir"],
    ]);
    expect(error.issues[0]?.message).toContain("PLEXUS_TEST_UNSET_PORT is not set and has no default");
    expect(error.issues[1]?.message).toContain("PLEXUS_TEST_UNSET_DIR");
  });

  it("reports object-config problems with paths and no positions", async () => {
    const error = await loadFailure({
      children: [
        { id: "a", kind: "echo" },
        { id: "g", supervisor: { period: "soon" }, children: [{ id: "x", kind: "nope" }] },
      ],
    });
    expect(error.issues).toEqual([
      { path: "children[1].supervisor.period", message: expect.stringContaining('got "soon"') as unknown as string },
      { path: "children[1].children[0].kind", message: "unknown kind 'nope'; known kinds: echo, ticker" },
    ]);
    expect(error.message.split("\n")[0]).toBe("invalid config (object): 2 problems");
  });

  it("rejects a document that is not a mapping", async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), "plexus-config-"));
    try {
      await writeFile(path.join(directory, "list.yaml"), "- a\n- b\n");
      const error = await loadFailure(path.join(directory, "list.yaml"));
      expect(error.issues[0]).toMatchObject({ line: 1, column: 1, path: "(root)" });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("names the missing file", async () => {
    const error = await loadFailure("/nonexistent/plexus.yaml");
    expect(error.issues[0]?.message).toContain("cannot read /nonexistent/plexus.yaml: file not found");
  });
});

describe("loadConfig: supervisor children", () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), "plexus-config-"));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("checks duplicate ids per sibling group, not across the tree", async () => {
    const file = path.join(directory, "nested.yaml");
    await writeFile(
      file,
      [
        "children:",
        "  - id: a",
        "    kind: echo",
        "  - id: g",
        "    supervisor: { strategy: one_for_all, backoff: { min: 2s, max: 1s } }",
        "    children:",
        "      - { id: a, kind: echo }",
        "      - { id: a, kind: echo }",
        "",
      ].join("\n"),
    );
    const error = await loadFailure(file);
    expect(error.issues.map((issue) => `${issue.line}:${issue.column} ${issue.path}`)).toEqual([
      "5:58 children[1].supervisor.backoff.min",
      "8:15 children[1].children[1].id",
    ]);
    expect(error.issues[1]?.message).toContain("already used by children[1].children[0]");
  });
});

describe("loadConfig: object configs that are not plain data", () => {
  it("rejects functions with a ConfigError instead of a clone failure", async () => {
    const error = await loadFailure({ runtime: { name: () => "x" } });
    expect(error.issues[0]?.message).toMatch(/must be plain data/);
  });
});
