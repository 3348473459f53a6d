import type Router from "@koa/router";
import type * as z from "zod/mini";
import { fieldPath, ValidationError, type InputLocation } from "../errors";
import { jsonBody } from "../middleware/json-body";
import type { AppContext, AppState } from "../state";

/** Methods a route can declare. HEAD comes free with GET (koa-router answers it from the GET handler). */
export type RouteMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Any zod/mini schema. */
type Schema = z.ZodMiniType;

/** What a schema slot yields in the handler: the parsed value, or undefined when the route declares none. */
type Parsed<S> = S extends Schema ? z.output<S> : undefined;

/** One documented response of a route. */
export interface ResponseSpec {
  description: string;
  /** JSON body schema (content type application/json). */
  schema?: Schema;
  /** A non-JSON body: its content type and a JSON Schema for it in the document. */
  media?: { contentType: string; schema: Record<string, unknown> };
  /** Response headers worth documenting, name -> description. */
  headers?: Record<string, string>;
}

/**
 * A route declared once: the router, the request validation and the OpenAPI document all read it.
 * `path` uses koa-router syntax (`/v1/greetings/:name`).
 */
export interface RouteDefinition<P extends Schema | undefined = Schema | undefined, Q extends Schema | undefined = Schema | undefined, B extends Schema | undefined = Schema | undefined> {
  method: RouteMethod;
  path: string;
  /** Unique, stable operation name (OpenAPI operationId). */
  operationId: string;
  summary: string;
  description?: string;
  /** Groups operations in the document; usually the resource. */
  tag: string;
  /** Also document HEAD (served by the GET handler with no body). @default false */
  documentHead?: boolean;
  params?: P;
  query?: Q;
  /** JSON request body; declaring it adds the content-type check and the byte limit. */
  body?: B;
  /** Success responses by status. Error responses (problem+json) are added by the document builder. */
  responses: Record<number, ResponseSpec>;
  handler: (ctx: AppContext, input: { params: Parsed<P>; query: Parsed<Q>; body: Parsed<B> }) => void | Promise<void>;
}

/** A route definition with its schema types erased, as the registry holds it. */
export type AnyRouteDefinition = RouteDefinition<Schema | undefined, Schema | undefined, Schema | undefined>;

/** Declares a route with its schemas; the handler's input is typed from them. */
export function defineRoute<P extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, B extends Schema | undefined = undefined>(
  definition: RouteDefinition<P, Q, B>,
): AnyRouteDefinition {
  return definition as unknown as AnyRouteDefinition;
}

/** Registers each definition on the router: body reader (if any), validation, then the handler. */
export function addRoutes(router: Router<AppState>, definitions: readonly AnyRouteDefinition[]): Router<AppState> {
  for (const definition of definitions) {
    const validateAndHandle = async (ctx: AppContext) => {
      const input = {
        params: parseInput(definition.params, "params", ctx.params),
        query: parseInput(definition.query, "query", ctx.query),
        body: parseInput(definition.body, "body", ctx.state.jsonBody),
      };
      await definition.handler(ctx, input);
    };
    const stack = definition.body ? [jsonBody(), validateAndHandle] : [validateAndHandle];
    router.register(definition.path, [definition.method], stack, { name: definition.operationId });
  }
  return router;
}

function parseInput(schema: Schema | undefined, location: InputLocation, value: unknown): any {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.flatMap((issue) =>
      // One entry per unknown key, so each names its own field rather than the object holding it.
      issue.code === "unrecognized_keys"
        ? issue.keys.map((key) => ({ path: fieldPath(location, [...issue.path, key]), message: "Unknown field" }))
        : [{ path: fieldPath(location, issue.path), message: issue.message }],
    ),
  );
}
