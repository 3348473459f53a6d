import { FleetError } from "./errors";

/**
 * Pulumi's own rule for a stack name: 1 to 100 letters, digits, `-`, `_` and `.` (pulumi/pulumi
 * pkg/backend/httpstate: `stackNameAndProjectRegexp = ^[A-Za-z0-9_.-]{1,100}$`, "stack names may only contain
 * alphanumeric, hyphens, underscores, or periods"). No `/`: a name that passes is never a path.
 */
const pulumiStackName = /^[A-Za-z0-9_.-]{1,100}$/;

/** A stack name Pulumi would refuse: refused here before it names any file (`Pulumi.<stack>.yaml`, `.fleet/local/<stack>.json`). */
export class InvalidStackNameError extends FleetError {
  constructor(readonly stackName: string) {
    const shown = stackName.length > 80 ? `${JSON.stringify(stackName.slice(0, 80))}… (${stackName.length} characters)` : JSON.stringify(stackName);
    super(
      `stack name ${shown} is not one Pulumi accepts: a stack name is 1 to 100 letters, digits, '-', '_' or '.' (no '/', so never a path). ` +
        "Fix: use the name of a Pulumi.<stack>.yaml, e.g. dev",
    );
    this.name = "InvalidStackNameError";
  }
}

/** Whether Pulumi would accept the name: for checks that report a bad one their own way (a ledger line, a lock). */
export function isStackName(stack: string): boolean {
  return pulumiStackName.test(stack);
}

/**
 * The stack name, when Pulumi would accept it: every command, the stage files, the local cloud and the Pulumi
 * program check a name here before using it. @throws InvalidStackNameError
 */
export function checkStackName(stack: string): string {
  if (!pulumiStackName.test(stack)) throw new InvalidStackNameError(stack);
  return stack;
}
