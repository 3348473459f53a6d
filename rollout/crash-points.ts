/**
 * The named steps of a rollout where a test can make the fleet process die, as a crash or `kill -9` would:
 * `FLEET_TEST_CRASH_AT=<step>` (the first time the step is reached) or `<step>:<n>` (the n-th time, e.g. the
 * second wave's). Test-only: nothing reads it but {@link crashPoint}.
 */
export const crashSteps = ["before-intent", "after-intent", "after-shift", "during-bake", "after-change", "after-smoke", "after-outcome", "during-revert"] as const;
export type CrashStep = (typeof crashSteps)[number];

const reached = new Map<CrashStep, number>();

/** Kills this process with SIGKILL (no handler, no cleanup, no flush) when `FLEET_TEST_CRASH_AT` names this step. */
export function crashPoint(step: CrashStep, env: NodeJS.ProcessEnv = process.env): void {
  const wanted = env.FLEET_TEST_CRASH_AT;
  if (!wanted) return;
  const [name, nth = "1"] = wanted.split(":");
  if (name !== step) return;
  const count = (reached.get(step) ?? 0) + 1;
  reached.set(step, count);
  if (count === Number(nth)) process.kill(process.pid, "SIGKILL");
}
