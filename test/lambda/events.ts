import { loadAwsEvent } from "../helpers/aws-events";

/** A JSON object event, to be changed by a test before it is handed to the handler. */
export type EventObject = Record<string, any>;

function load(file: string): EventObject {
  const event = loadAwsEvent(file);
  if (typeof event !== "object" || event === null || Array.isArray(event)) throw new Error(`${file} is not an object`);
  return event as EventObject;
}

/** Events derived from real fixtures: the fixture, with the fields a test cares about replaced. */
export const events = {
  /** REST API (payload 1.0, no version), no body, no query, no cookies. */
  restV1(): EventObject {
    const event = load("powertools-lambda-typescript/apigw-rest/no-auth.json");
    return { ...event, httpMethod: "GET", path: "/", body: null, isBase64Encoded: false, queryStringParameters: null, multiValueQueryStringParameters: null };
  },
  /** HTTP API, payload 1.0 (`version: "1.0"`). */
  httpV1(): EventObject {
    const event = load("powertools-lambda-python/tests/events/apiGatewayProxyEvent.json");
    return { ...event, httpMethod: "GET", path: "/", body: null, isBase64Encoded: false, queryStringParameters: null, multiValueQueryStringParameters: null };
  },
  /** HTTP API, payload 2.0, `$default` stage. */
  httpV2(): EventObject {
    const event = load("aws-lambda-go/events/testdata/apigw-v2-request-no-authorizer.json");
    return { ...event, rawPath: "/", rawQueryString: "", body: null, isBase64Encoded: false };
  },
  /** Lambda Function URL (payload 2.0 on *.lambda-url.<region>.on.aws). */
  functionUrl(): EventObject {
    const event = load("aws-lambda-go/lambdaurl/testdata/function-url-domain-only-get-request-trailing-slash.json");
    return { ...event, rawPath: "/", rawQueryString: "", body: null, isBase64Encoded: false };
  },
  /** ALB target group with multi-value headers on. */
  albMultiValue(): EventObject {
    const event = load("aws-lambda-go/events/testdata/alb-lambda-target-request-multivalue-headers.json");
    return { ...event, path: "/", body: "", isBase64Encoded: false, multiValueQueryStringParameters: {} };
  },
  /** ALB target group with multi-value headers off. */
  albSingleValue(): EventObject {
    const event = load("aws-lambda-go/events/testdata/alb-lambda-target-request-headers-only.json");
    return { ...event, path: "/", body: "", isBase64Encoded: false, queryStringParameters: {} };
  },
};

/** One builder per event kind, for tests that must hold for every kind. */
export const everyKind = [
  { kind: "rest-v1", build: events.restV1 },
  { kind: "http-v1", build: events.httpV1 },
  { kind: "http-v2", build: events.httpV2 },
  { kind: "function-url", build: events.functionUrl },
  { kind: "alb (multi-value)", build: events.albMultiValue },
  { kind: "alb (single-value)", build: events.albSingleValue },
] as const;

/** Sets the request path in whichever field the event's format keeps it. */
export function withPath(event: EventObject, path: string): EventObject {
  return event["version"] === "2.0" ? { ...event, rawPath: path } : { ...event, path };
}

/** Sets the request method in whichever field the event's format keeps it. */
export function withMethod(event: EventObject, method: string): EventObject {
  return event["version"] === "2.0" ? { ...event, requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method } } } : { ...event, httpMethod: method };
}

/** Sets a base64 body in whichever format. */
export function withBody(event: EventObject, body: string, isBase64Encoded: boolean): EventObject {
  return { ...event, body, isBase64Encoded };
}

/** Freezes an object and everything reachable from it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** What fleet's adapter adds to every answer, from the function's environment (none in tests: the defaults). */
export const fleetIdentity = { "x-fleet-release": "dev", "x-fleet-region": "local" } as const;
