import * as z from "zod/mini";

// Each schema is built on its first use (z.lazy), not when this module loads: a cold start builds only the
// schemas its first request parses.

/** One bad field of a request. */
export const FieldError = z.lazy(() =>
  z.object({
    path: z.string().check(z.describe("Where the bad value is: body.tags[2], query.lang, params.name")),
    message: z.string(),
  }),
);
export type FieldError = z.infer<typeof FieldError>;

/** RFC 9457 problem details, the body of every error response. */
export const Problem = z.lazy(() =>
  z.object({
    type: z.string().check(z.describe("URI naming the kind of problem, or about:blank")),
    title: z.string(),
    // Problems are errors: a 4xx or 5xx status, never the safe-integer range a bare int documents.
    status: z.number().check(z.int(), z.gte(400), z.lte(599)),
    detail: z.string(),
    requestId: z.string().check(z.describe("Quote it when asking about this request; also in x-request-id")),
    errors: z.optional(z.array(FieldError).check(z.describe("Present on validation problems (400)"))),
  }),
);
export type Problem = z.infer<typeof Problem>;
