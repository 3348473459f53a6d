/**
 * A request the adapter answers itself, before the app runs: the client's fault (a body flagged base64 that is
 * not, a query past the bounds), answered with `status` as problem+json whose detail is the message.
 */
export class RejectedRequestError extends Error {
  override name = "RejectedRequestError";
  constructor(
    readonly status: 400 | 413 | 414,
    message: string,
  ) {
    super(message);
  }
}
