import { describe, expect, it } from "vitest";
import { assertSafeBinding, bearerMatches, isLoopbackHost } from "../../../src/runtime/ops/auth.js";

describe("ops auth", () => {
  it("tells loopback hosts from network-facing ones", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ["0.0.0.0", "::", "10.0.0.5", "192.168.1.2", "example.com", "::ffff:10.0.0.1", "128.0.0.1"])
      expect(isLoopbackHost(host), host).toBe(false);
  });

  it("requires a token beyond loopback only", () => {
    expect(() => assertSafeBinding("127.0.0.1", undefined)).not.toThrow();
    expect(() => assertSafeBinding("0.0.0.0", "t")).not.toThrow();
    expect(() => assertSafeBinding("0.0.0.0", undefined)).toThrow(/runtime\.ops\.token/);
    expect(() => assertSafeBinding("10.0.0.5", "")).toThrow(/127\.0\.0\.1/);
  });

  it("matches only the exact bearer token", () => {
    expect(bearerMatches("Bearer abc", "abc")).toBe(true);
    expect(bearerMatches("bearer   abc ", "abc")).toBe(true);
    for (const header of [undefined, "", "Bearer", "Bearer ab", "Bearer abcd", "Basic abc", "abc"])
      expect(bearerMatches(header, "abc"), String(header)).toBe(false);
  });
});
