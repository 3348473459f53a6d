/**
 * What `npm run mutate` mutates, folder by folder, and the tests that run against each folder's mutants: only the
 * test files of that code, so a run of one folder finishes in reasonable time on two cores. Tests that drive the
 * code through the `fleet` binary are left out: Stryker measures which tests reach a mutant in its own process
 * only, so they would slow every run without being counted.
 */
export interface MutationFolder {
  /** The name `npm run mutate -- <name>` selects and the README's table shows. */
  name: string;
  /** Globs of the files mutated (Stryker's `mutate`). */
  mutate: string[];
  /** The test files run against them (mocha's `spec`). */
  tests: string[];
  /**
   * `off` when the code runs in a child process of the tests (Stryker sees no coverage there): every mutant then
   * runs every test of the folder. Default `perTest`.
   */
  coverage?: "perTest" | "off";
}

export const mutationFolders: readonly MutationFolder[] = [
  {
    name: "rollout",
    mutate: ["rollout/rollout.ts", "rollout/bake.ts", "rollout/plans.ts", "rollout/waves.ts", "rollout/stack-lock.ts", "rollout/unfinished.ts", "rollout/retention.ts"],
    tests: ["test/rollout/rollout.test.ts", "test/rollout/progressive.test.ts", "test/rollout/waves.test.ts", "test/rollout/stack-lock.test.ts", "test/rollout/unfinished.test.ts", "test/rollout/retention.test.ts"],
  },
  { name: "smoke", mutate: ["rollout/smoke.ts", "rollout/probes.ts"], tests: ["test/rollout/smoke.test.ts"] },
  {
    name: "ledger-store",
    mutate: ["artifacts/ledger.ts", "artifacts/store/*.ts"],
    // The stack lock lives in the stores; the rollout tests write and read the ledger through a local store.
    tests: ["test/artifacts/ledger.test.ts", "test/artifacts/store.test.ts", "test/artifacts/s3-store.test.ts", "test/rollout/stack-lock.test.ts", "test/rollout/unfinished.test.ts", "test/rollout/rollout.test.ts"],
  },
  {
    name: "stage-schema",
    mutate: ["core/stage-schema.ts"],
    tests: ["test/core/stage-schema.test.ts", "test/core/stage-file.test.ts", "test/core/config-issues.test.ts", "test/robustness/stage-config-fuzz.test.ts"],
  },
  {
    name: "processors",
    mutate: ["lambda/processors/*.ts"],
    tests: ["test/lambda/request.test.ts", "test/lambda/response.test.ts", "test/lambda/event-checks.test.ts", "test/lambda/request-path.test.ts", "test/lambda/fixtures.test.ts", "test/lambda/alb-response-fixture.test.ts", "test/lambda/errors.test.ts"],
  },
  // The program runs in a process of its own under Pulumi's mocks (stacks/plan): each mutant runs the whole file.
  { name: "stack-components", mutate: ["stacks/components/*.ts"], tests: ["test/stacks/program.test.ts"], coverage: "off" },
];
