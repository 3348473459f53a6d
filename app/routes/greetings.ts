import { Greeting, GreetingParams, GreetingQuery, type Language } from "../schemas/greetings";
import { defineRoute } from "./define-route";

const salutations: Record<Language, string> = { en: "Hello", fr: "Bonjour", de: "Hallo" };

/** GET /v1/greetings/:name: a greeting in one of three languages. */
export function greetingsRoutes() {
  return [
    defineRoute({
      method: "GET",
      path: "/v1/greetings/:name",
      operationId: "getGreeting",
      summary: "Greet someone by name in English, French or German",
      tag: "greetings",
      params: GreetingParams,
      query: GreetingQuery,
      responses: { 200: { description: "The greeting", schema: Greeting } },
      handler(ctx, { params, query }) {
        const body: Greeting = { greeting: `${salutations[query.lang]}, ${params.name}!` };
        ctx.body = body;
      },
    }),
  ];
}
