import { createHonoHandler } from "../peers/hono";

/** Hono + hono/aws-lambda as a Lambda entry file, bundled the same way as the app. */
export const handler = createHonoHandler();
