/**
 * What API Gateway and Lambda enforce in front of the function, as documented quotas.
 * The emulator answers the same way so a local run fails where the cloud would.
 */

/** API Gateway's request payload quota (REST and HTTP APIs): 10 MB. */
export const maxRequestBytes = 10 * 1024 * 1024;

/** Lambda's synchronous invocation response payload quota: 6 MB of serialized JSON. */
export const maxResponseBytes = 6 * 1024 * 1024;

/** API Gateway's maximum integration timeout, per API kind. */
export const integrationTimeoutMs = { rest: 29_000, http: 30_000 } as const;

/** The bodies API Gateway itself sends when it answers instead of the function. */
export const gatewayErrors = {
  forbidden: { status: 403, message: "Forbidden" },
  tooLarge: { status: 413, message: "Request Too Long" },
  internal: { status: 502, message: "Internal server error" },
  timeout: { status: 504, message: "Endpoint request timed out" },
} as const;

export type GatewayError = (typeof gatewayErrors)[keyof typeof gatewayErrors];
