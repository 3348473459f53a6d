import * as z from "zod/mini";

// Each schema is built on its first use (z.lazy), not when this module loads: a cold start builds only the
// schemas its first request parses.

/** Languages a greeting can be in. */
export const Language = z.lazy(() => z.enum(["en", "fr", "de"]));
export type Language = z.infer<typeof Language>;

/** GET /v1/greetings/{name} path parameters. */
export const GreetingParams = z.lazy(() =>
  z.object({
    name: z.string().check(z.minLength(1), z.maxLength(64), z.describe("Who to greet, 1-64 characters")),
  }),
);
export type GreetingParams = z.infer<typeof GreetingParams>;

/** GET /v1/greetings/{name} query. */
export const GreetingQuery = z.lazy(() =>
  z.object({
    lang: z._default(Language, "en"),
  }),
);
export type GreetingQuery = z.infer<typeof GreetingQuery>;

/** GET /v1/greetings/{name} response. */
export const Greeting = z.lazy(() =>
  z.object({
    greeting: z.string().check(z.describe('e.g. "Hello, Ada!"')),
  }),
);
export type Greeting = z.infer<typeof Greeting>;
