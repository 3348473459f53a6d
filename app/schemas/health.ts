import * as z from "zod/mini";

// Each schema is built on its first use (z.lazy), not when this module loads: a cold start builds only the
// schemas its first request parses.

/** GET /health: the function is up, and which stage, region and release answered. */
export const Health = z.lazy(() =>
  z.object({
    status: z.literal("ok"),
    stage: z.string(),
    region: z.string(),
    release: z.string().check(z.describe("sha256:<hex> of the deployed release, or dev")),
  }),
);
export type Health = z.infer<typeof Health>;
