import { describe, expect, it } from "vitest";
import { DoctorExitCode, doctorExitCode, failed, passed, skipped, warned } from "../../src/doctor/check-result.js";
import { formatDoctorReport } from "../../src/doctor/run-doctor.js";

describe("doctor exit code", () => {
  it("is 0 when nothing failed, whatever the warnings and skips", () => {
    const results = [
      passed("config", "ok", DoctorExitCode.prerequisites),
      warned("ops health", "nothing answers", "start it", 0),
      skipped("consumer group", "memory", DoctorExitCode.consumerGroup),
    ];
    expect(doctorExitCode(results)).toBe(0);
  });

  it("takes the most fundamental failure: 1 before 2 before 3 before 4, regardless of check order", () => {
    const contracts = failed("contracts", "bad", "fix", DoctorExitCode.contracts);
    const group = failed("consumer group", "bad", "fix", DoctorExitCode.consumerGroup);
    const roundTrip = failed("round trip", "bad", "fix", DoctorExitCode.roundTrip);
    const transport = failed("transport", "bad", "fix", DoctorExitCode.prerequisites);
    expect(doctorExitCode([contracts])).toBe(4);
    expect(doctorExitCode([contracts, group])).toBe(3);
    expect(doctorExitCode([group, roundTrip, contracts])).toBe(2);
    expect(doctorExitCode([contracts, roundTrip, transport])).toBe(1);
  });
});

describe("formatDoctorReport", () => {
  it("marks each check, indents multi-line details, and prints a fix under failures and warnings only", () => {
    const text = formatDoctorReport(
      [
        passed("config", "plexus.yaml loads", DoctorExitCode.prerequisites),
        failed("transport", "redis is not reachable", "start Redis: redis-server --daemonize yes", DoctorExitCode.prerequisites),
        warned("ops health", "no runtime answers", "start it with plexus start -c x.yaml", 0),
        skipped("round trip", "not run: the redis transport is not reachable", DoctorExitCode.roundTrip),
        failed("contracts", "2 problems:\na.json: bad\nb.json: worse", "fix each schema", DoctorExitCode.contracts),
      ],
      1,
    );
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/^✓ config\s+plexus\.yaml loads$/);
    expect(lines[1]).toMatch(/^✗ transport\s+redis is not reachable$/);
    expect(lines[2]).toMatch(/^\s+→ start Redis: redis-server --daemonize yes$/);
    expect(lines[3]).toMatch(/^! ops health\s+no runtime answers$/);
    expect(lines[4]).toMatch(/^\s+→ start it with plexus start -c x\.yaml$/);
    expect(lines[5]).toMatch(/^- round trip\s+not run/);
    expect(lines[6]).toMatch(/^✗ contracts\s+2 problems:$/);
    expect(lines[7]).toMatch(/^\s+a\.json: bad$/);
    expect(lines[8]).toMatch(/^\s+b\.json: worse$/);
    expect(lines[9]).toMatch(/→ fix each schema/);
    expect(text).toMatch(/2 check\(s\) failed \(exit 1\)$/);
    expect(text.match(/→/g)).toHaveLength(3);
  });
});
