import * as z from "zod/mini";

// Each schema is built on its first use (z.lazy), not when this module loads: a cold start builds only the
// schemas its first request parses.

/** POST /v1/echo body. Unknown keys are rejected. */
export const EchoRequest = z.lazy(() =>
  z.strictObject({
    message: z.string().check(z.minLength(1), z.maxLength(1000)),
    tags: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(32))).check(z.maxLength(10))),
  }),
);
export type EchoRequest = z.infer<typeof EchoRequest>;

/** POST /v1/echo response: the message back, with its UTF-8 size. */
export const EchoResponse = z.lazy(() =>
  z.object({
    message: z.string(),
    tags: z.array(z.string()).check(z.describe("[] when the request had none")),
    bytes: z.number().check(z.int(), z.gte(0), z.describe("UTF-8 byte length of message")),
  }),
);
export type EchoResponse = z.infer<typeof EchoResponse>;
