import { describe, expect, it } from "vitest";
import { parseRedisVersion } from "../../src/doctor/check-consumer-group.js";
import { tcpTarget } from "../../src/doctor/check-transport-reachable.js";
import { redisFix } from "../../src/doctor/redis-client.js";

describe("doctor parsing helpers", () => {
  it("turns zmq tcp endpoints into the address a client connects to", () => {
    expect(tcpTarget("tcp://127.0.0.1:5556")).toEqual({ host: "127.0.0.1", port: 5556 });
    expect(tcpTarget("tcp://*:5557")).toEqual({ host: "127.0.0.1", port: 5557 });
    expect(tcpTarget("tcp://0.0.0.0:5557")).toEqual({ host: "127.0.0.1", port: 5557 });
    expect(tcpTarget("tcp://[::1]:6000")).toEqual({ host: "::1", port: 6000 });
    expect(tcpTarget("tcp://bus.example:7000")).toEqual({ host: "bus.example", port: 7000 });
    expect(tcpTarget("tcp://127.0.0.1:*")).toBeUndefined();
    expect(tcpTarget("ipc:///tmp/bus")).toBeUndefined();
  });

  it("reads the server version from INFO server", () => {
    expect(parseRedisVersion("# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n")).toEqual([7, 0, 15]);
    expect(parseRedisVersion("# Server\r\nsomething_else:1\r\n")).toBeUndefined();
  });

  it("advises by cause: local server down, remote host, credentials, permissions", () => {
    expect(redisFix("redis://127.0.0.1:6379", "connect ECONNREFUSED")).toMatch(/^start Redis: redis-server --daemonize yes/);
    expect(redisFix("redis://cache.internal:6379", "connect ETIMEDOUT")).toMatch(/Redis runs on cache\.internal/);
    expect(redisFix("redis://127.0.0.1:6379", "NOAUTH Authentication required.")).toMatch(/credentials/);
    expect(redisFix("redis://127.0.0.1:6379", "NOPERM this user has no permissions")).toMatch(/ACL SETUSER/);
  });
});
