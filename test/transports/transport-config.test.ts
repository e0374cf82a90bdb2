import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/common/config-error.js";
import { resolveTransportConfig } from "../../src/transports/transport-config.js";
import type { TransportConfig } from "../../src/transports/transport-config.js";

/** The error `resolve` throws; fails the test when it throws nothing. */
function failure(resolve: () => unknown): ConfigError {
  try {
    resolve();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("resolveTransportConfig", () => {
  it("fills every redis default from the schema", () => {
    expect(resolveTransportConfig({ kind: "redis", url: "redis://example:6380" })).toEqual({
      kind: "redis",
      url: "redis://example:6380",
      prefix: "orion",
      layout: "events",
      maxLen: 10_000,
      maxLenHard: 100_000,
      claimIdleMs: 30_000,
      maxDeliveries: 5,
      blockMs: 1_000,
      batch: 100,
      dedupeWindow: 10_000,
      pack: 1,
      publishWindow: 4,
    });
  });

  it("fills every zmq default and turns durations into milliseconds", () => {
    expect(resolveTransportConfig({ kind: "zmq", connectWait: "250ms" })).toEqual({
      kind: "zmq",
      xsub: "tcp://127.0.0.1:5556",
      xpub: "tcp://127.0.0.1:5557",
      noDrop: false,
      sendHighWaterMark: 10_000,
      receiveHighWaterMark: 10_000,
      batchFrames: false,
      connectWaitMs: 250,
    });
    expect(resolveTransportConfig({ kind: "redis", claimIdleMs: "1.5s", blockMs: 20 })).toMatchObject({ claimIdleMs: 1_500, blockMs: 20 });
    expect(resolveTransportConfig({ kind: "memory" })).toEqual({ kind: "memory" });
  });

  it("leaves the caller's object as it was", () => {
    const input: TransportConfig = { kind: "redis", prefix: "mine" };
    resolveTransportConfig(input);
    expect(input).toEqual({ kind: "redis", prefix: "mine" });
  });

  it("names the caller and each bad key path, all at once, in a non-retryable CONFIG_INVALID error", () => {
    const error = failure(() =>
      resolveTransportConfig({ kind: "redis", maxLen: "x", blockMs: "soon", maxlen: 5 } as unknown as TransportConfig, {
        caller: "createTransport",
      }),
    );
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.retryable).toBe(false);
    expect(error.issues.map((issue) => `${issue.path}: ${issue.message}`).sort()).toEqual([
      'transport.blockMs: expected a duration such as "250ms", "1.5s", "30s", "5m", "1h", "1d", or a number of milliseconds, got "soon"',
      'transport.maxLen: expected an integer, got "x"',
      "transport.maxlen: unknown key 'maxlen' (did you mean 'maxLen'?)",
    ]);
    expect(error.message.split("\n")[0]).toBe("createTransport: 3 problems");
  });

  it("reads one problem on one line", () => {
    const error = failure(() =>
      resolveTransportConfig({ kind: "redis", maxLen: "x" } as unknown as TransportConfig, { caller: "createTransport" }),
    );
    expect(error.message).toBe('createTransport: transport.maxLen: expected an integer, got "x"');
  });

  it("rejects an unknown kind, suggesting the closest", () => {
    const error = failure(() => resolveTransportConfig({ kind: "rdis" } as unknown as TransportConfig));
    expect(error.message).toBe(
      "resolveTransportConfig: transport.kind: expected one of memory, zmq, redis, got \"rdis\" (did you mean 'redis'?)",
    );
  });
});
