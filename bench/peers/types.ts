import type { Context } from "aws-lambda";

/** A proxy-integration handler as every peer exposes it: event in, API Gateway result out. */
export type ProxyHandler = (event: unknown, context: Context) => Promise<ProxyResult>;

/** The part of an API Gateway proxy result the benchmark checks. */
export interface ProxyResult {
  statusCode: number;
  body?: string;
  isBase64Encoded?: boolean;
  headers?: Record<string, unknown>;
}
