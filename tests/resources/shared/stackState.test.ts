/**
 * Reading the stack's state for the burn line (provider/resources/shared/stackState.ts): which stack and
 * directory the running CLI was given, and what happens without a CLI above this process.
 */
import { exportInvocation, readStackState } from "../../../provider/resources/shared/stackState";

describe("the stack the running CLI deploys", () => {
  it("passes on the stack and directory flags, in every spelling", () => {
    expect(exportInvocation(["preview", "--stack", "org/proj/dev", "--non-interactive"])).toEqual(["--stack", "org/proj/dev"]);
    expect(exportInvocation(["up", "-s", "dev", "-C", "infra", "--yes"])).toEqual(["--stack", "dev", "--cwd", "infra"]);
    expect(exportInvocation(["up", "--stack=dev", "--cwd=infra", "--parallel", "8"])).toEqual(["--stack", "dev", "--cwd", "infra"]);
    expect(exportInvocation(["preview"])).toEqual([]);
  });

  it("gives up on a targeted run, where unchecked resources are not being deleted", () => {
    for (const flag of ["--target", "-t", "--exclude", "--target-dependents"]) {
      expect(exportInvocation(["preview", "--stack", "dev", flag, "urn:pulumi:dev::p::t::n"])).toBe("a targeted run");
    }
    expect(exportInvocation(["up", "--target=urn:pulumi:dev::p::t::n"])).toBe("a targeted run");
  });

  it("says why when no Pulumi CLI runs this process", async () => {
    expect(await readStackState()).toEqual({ unavailable: "no Pulumi CLI among this process's parents" });
  });
});
