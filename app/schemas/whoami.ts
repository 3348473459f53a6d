import * as z from "zod/mini";

// Each schema is built on its first use (z.lazy), not when this module loads: a cold start builds only the
// schemas its first request parses.

/** GET /v1/whoami query: anything goes (it is echoed back); `remember=1` also sets cookies. */
export const WhoamiQuery = z.lazy(() =>
  z.looseObject({
    remember: z.optional(
      z.enum(["0", "1"]).check(z.describe("1: also set the fleet_seen and fleet_region cookies")),
    ),
  }),
);
export type WhoamiQuery = z.infer<typeof WhoamiQuery>;

/** GET /v1/whoami: the request as the app saw it. */
export const Whoami = z.lazy(() =>
  z.object({
    region: z.string(),
    stage: z.string(),
    requestId: z.string(),
    sourceIp: z.nullable(z.string()),
    method: z.string(),
    path: z.string().check(z.describe("The path as routed, without the stage or base path prefix")),
    query: z
      .record(z.string(), z.union([z.string(), z.array(z.string())]))
      .check(z.describe("Repeated keys become arrays")),
    cookies: z.record(z.string(), z.string()),
  }),
);
export type Whoami = z.infer<typeof Whoami>;
