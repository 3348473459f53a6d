import type * as z from "zod/mini";
import type { AppConfig } from "./config";
import { problemContentType } from "fleet/middleware";
import { type Json, jsonSchemaOf } from "./json-schema";
import { openApiInfo } from "./openapi-info";
import type { AnyRouteDefinition, ResponseSpec } from "./routes/define-route";
import { Problem } from "./schemas/problem";

/** An OpenAPI 3.1 document (only the parts the app produces are typed). */
export interface OpenApiDocument {
  openapi: "3.1.0";
  info: { title: string; version: string; description: string };
  servers: { url: string; description: string }[];
  tags: { name: string }[];
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json> };
}

const problemRef = { $ref: "#/components/schemas/Problem" };

/** `/v1/greetings/:name` -> `/v1/greetings/{name}`. */
export function toOpenApiPath(koaPath: string): string {
  return koaPath.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

/**
 * Builds the OpenAPI 3.1 document from the route definitions and their zod schemas: the same schemas
 * that validate requests describe them here. Every operation also lists its problem+json error responses.
 * The bundle builds it on the first request of the document (routes/index.ts memoizes it), not at cold start.
 */
export function buildOpenApiDocument(definitions: readonly AnyRouteDefinition[], config: AppConfig): OpenApiDocument {
  const paths: OpenApiDocument["paths"] = {};
  for (const route of definitions) {
    const path = toOpenApiPath(route.path);
    const operations = (paths[path] ??= {});
    operations[route.method.toLowerCase()] = operationOf(route);
    if (route.documentHead) operations.head = headOperationOf(route);
  }
  const tags = [...new Set(definitions.map((route) => route.tag))].map((name) => ({ name }));
  return {
    openapi: "3.1.0",
    info: openApiInfo(config),
    // Relative, so it resolves against wherever the document was fetched (REST APIs add a /<stage> prefix).
    servers: [{ url: ".", description: "This deployment" }],
    tags,
    paths,
    components: { schemas: { Problem: jsonSchemaOf(Problem, "output") } },
  };
}

function operationOf(route: AnyRouteDefinition): Json {
  const operation: Json = {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
  };
  if (route.description) operation.description = route.description;
  const parameters = [
    ...parametersOf(route.params, "path"),
    ...parametersOf(route.query, "query"),
  ];
  if (parameters.length > 0) operation.parameters = parameters;
  if (route.body) {
    operation.requestBody = {
      required: true,
      content: { "application/json": { schema: jsonSchemaOf(route.body, "input") } },
    };
  }
  const responses: Json = {};
  for (const [status, spec] of Object.entries(route.responses)) responses[status] = responseOf(spec);
  Object.assign(responses, errorResponsesOf(route));
  operation.responses = responses;
  return operation;
}

function headOperationOf(route: AnyRouteDefinition): Json {
  const responses: Json = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    responses[status] = { description: `${spec.description} (headers only, no body)` };
  }
  responses["500"] = errorResponse("Unexpected failure (no body on HEAD)");
  return {
    operationId: `${route.operationId}Head`,
    summary: `${route.summary} (HEAD: headers only)`,
    tags: [route.tag],
    responses,
  };
}

function parametersOf(schema: z.ZodMiniType | undefined, location: "path" | "query"): Json[] {
  if (!schema) return [];
  const objectSchema = jsonSchemaOf(schema, "input");
  const properties = (objectSchema.properties ?? {}) as Record<string, Json>;
  const required = new Set((objectSchema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, propertySchema]) => {
    const { description, ...rest } = propertySchema;
    const parameter: Json = { name, in: location, required: location === "path" || required.has(name), schema: rest };
    if (typeof description === "string") parameter.description = description;
    return parameter;
  });
}

function responseOf(spec: ResponseSpec): Json {
  const response: Json = { description: spec.description };
  if (spec.schema) response.content = { "application/json": { schema: jsonSchemaOf(spec.schema, "output") } };
  else if (spec.media) response.content = { [spec.media.contentType]: { schema: spec.media.schema } };
  if (spec.headers) {
    response.headers = Object.fromEntries(
      Object.entries(spec.headers).map(([name, description]) => [name, { description, schema: { type: "string" } }]),
    );
  }
  return response;
}

function errorResponsesOf(route: AnyRouteDefinition): Json {
  const responses: Json = {};
  if (route.params || route.query || route.body) {
    responses["400"] = errorResponse(
      route.body ? "Invalid request (errors[] names each bad field) or malformed JSON" : "Invalid request: errors[] names each bad field",
    );
  }
  if (route.body) {
    responses["413"] = errorResponse("Body larger than the limit");
    responses["415"] = errorResponse("Body is not application/json (UTF-8)");
  }
  responses["405"] = {
    ...errorResponse("Method not allowed on this path"),
    headers: { allow: { description: "The methods this path accepts", schema: { type: "string" } } },
  };
  responses["500"] = errorResponse("Unexpected failure: quote requestId when reporting it");
  return responses;
}

function errorResponse(description: string): Json {
  return { description, content: { [problemContentType]: { schema: problemRef } } };
}
