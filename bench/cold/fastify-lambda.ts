import { createFastifyHandler } from "../peers/fastify";
import type { ProxyHandler } from "../peers/types";

// Created at module scope as the others are; the first invocation waits for Fastify's ready().
const ready = createFastifyHandler();

/** Fastify + @fastify/aws-lambda as a Lambda entry file, bundled the same way as the app. */
export const handler: ProxyHandler = async (event, context) => (await ready)(event, context);
