/**
 * What API Gateway and Lambda enforce in front of the function, as documented quotas and captured answers.
 * The emulator answers the same way so a local run fails where the cloud would.
 */

/** API Gateway's request payload quota (REST and HTTP APIs): 10 MB. */
export const maxRequestBytes = 10 * 1024 * 1024;

/**
 * Lambda's synchronous invocation request quota ("6 MB"): the event's JSON may be at most 6,291,456 bytes
 * (RequestEntityTooLargeException: "Request must be smaller than 6291456 bytes for the InvokeFunction operation").
 * A body is in the event as UTF-8 text or as base64, so a body over this many bytes can never be invoked: the
 * emulator buffers no more of a request than this.
 */
export const maxInvokeRequestBytes = 6 * 1024 * 1024;

/** Lambda's synchronous invocation response quota: 6 MiB and 100 bytes of serialized JSON (6,291,556). */
export const maxResponseBytes = 6 * 1024 * 1024 + 100;

/** API Gateway's maximum integration timeout, per API kind. */
export const integrationTimeoutMs = { rest: 29_000, http: 30_000 } as const;

/** An answer API Gateway gives itself instead of the function's. */
export interface GatewayError {
  status: number;
  message: string;
  /** `x-amzn-ErrorType`, when API Gateway names the error. */
  errorType?: string;
  /** The message alone as `text; charset=utf-8`, not `{"message": …}` JSON, as API Gateway sends a few of its answers. */
  plainText?: true;
}

/** The bodies API Gateway itself sends when it answers instead of the function. */
export const gatewayErrors = {
  forbidden: { status: 403, message: "Forbidden" },
  /**
   * A body over API Gateway's 10 MB payload quota: 413 in plain text, before any request id or error type, as
   * captured from a REST API (koki-develop/lgtm-generator#10: `HTTP/2 413`, `content-type: text; charset=utf-8`,
   * `HTTP content length exceeded 10485760 bytes.`). No capture of an HTTP API's answer was found; it gets the same.
   */
  tooLarge: { status: 413, message: `HTTP content length exceeded ${maxRequestBytes} bytes.`, plainText: true },
  /**
   * An event over Lambda's invoke quota: Lambda refuses it and API Gateway answers 413 with its own body and
   * error type, as captured from a REST API (the same issue: `HTTP/2 413`, `x-amzn-errortype: BadRequestException`,
   * `{"message": "Request Too Long"}`). No capture of an HTTP API's answer was found; it gets the same.
   */
  invokeTooLarge: { status: 413, message: "Request Too Long", errorType: "BadRequestException" },
  internal: { status: 502, message: "Internal server error" },
  timeout: { status: 504, message: "Endpoint request timed out" },
} as const satisfies Record<string, GatewayError>;
