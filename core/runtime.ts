/** The Lambda runtime fleet deploys every function on (stacks/), records in each release, and the emulator names. */
export const lambdaRuntime = "nodejs22.x";

/** The Node.js major a Lambda runtime name runs (`nodejs22.x` → 22). */
export function runtimeNodeMajor(runtime: string = lambdaRuntime): number {
  const major = /^nodejs(\d+)\.x$/.exec(runtime)?.[1];
  if (major === undefined) throw new Error(`${runtime} is not a Node.js Lambda runtime (nodejs<major>.x)`);
  return Number(major);
}
