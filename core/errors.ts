/**
 * A failure the user can act on (unknown stack or digest, a bad stage file, a refused promotion, an unwritable
 * store…): the CLI prints its message, which ends with the fix, without a stack, and exits non-zero.
 */
export class FleetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FleetError";
  }
}
