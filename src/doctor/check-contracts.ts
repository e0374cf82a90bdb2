import type { ResolvedContractsConfig } from "../transports/bus/bus-config.js";
import { toError } from "../common/errors.js";
import { compileContracts, formatContractProblem } from "../transports/bus/contracts.js";
import { DoctorExitCode, failed, passed, skipped, type DoctorCheckResult } from "./check-result.js";

const NAME = "contracts";

/** Check 6: every contract file in `contracts.dir` compiles; every problem is listed at once. */
export async function checkContracts(contracts: ResolvedContractsConfig | undefined): Promise<DoctorCheckResult> {
  if (contracts === undefined) return skipped(NAME, "no contracts section in the config", DoctorExitCode.contracts);
  try {
    const { contracts: compiled, problems } = await compileContracts(contracts.dir);
    if (problems.length === 0) {
      const topics = compiled.reduce((count, contract) => count + contract.patterns.length, 0);
      return passed(
        NAME,
        `${compiled.length} contract(s) in ${contracts.dir} compile (${topics} topic pattern(s), mode ${contracts.mode})`,
        DoctorExitCode.contracts,
      );
    }
    const list = problems.map(formatContractProblem).join("\n");
    return failed(
      NAME,
      `${problems.length} contract problem(s) in ${contracts.dir}:\n${list}`,
      'fix each schema named above (JSON Schema draft 2020-12 with an "x-topic" pattern), then rerun plexus doctor',
      DoctorExitCode.contracts,
    );
  } catch (error) {
    return failed(
      NAME,
      `compiling ${contracts.dir} failed: ${toError(error).message}`,
      `check that ${contracts.dir} is readable`,
      DoctorExitCode.contracts,
    );
  }
}
