import { AlbProcessor } from "./alb";
import { ApiGatewayV1Processor } from "./api-gateway-v1";
import { ApiGatewayV2Processor } from "./api-gateway-v2";
import { type EventProcessor, UnsupportedEventError } from "./event-processor";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Picks the processor for an event the way AWS tells the formats apart: `requestContext.elb` is ALB;
 * `version: "2.0"` with `requestContext.http` is payload 2.0 (HTTP API or Function URL); anything else is 1.0.
 * @throws UnsupportedEventError when the event is not an object or does not fit its format
 */
export function selectProcessor(event: unknown): EventProcessor {
  if (!isRecord(event)) throw new UnsupportedEventError(`event: expected an object, got ${event === null ? "null" : typeof event}`);
  const requestContext = isRecord(event.requestContext) ? event.requestContext : {};
  if (isRecord(requestContext.elb)) return new AlbProcessor(event);
  if (event.version === "2.0" && isRecord(requestContext.http)) return new ApiGatewayV2Processor(event);
  return new ApiGatewayV1Processor(event);
}
