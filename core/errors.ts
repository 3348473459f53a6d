/**
 * A failure the user can act on (unknown digest, refused promotion, unwritable store…): the CLI prints its message
 * without a stack and exits non-zero.
 */
export class ReleaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReleaseError";
  }
}
