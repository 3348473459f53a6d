import { createApp } from "./index";
import { createHandler } from "../lambda/create-handler";
import { baselineHeaders } from "../lambda/middleware/security-headers";

/**
 * The Lambda entry point, created once per cold start (see app/lambda/create-handler.ts). The adapter adds the
 * security headers to each result itself (see setSecurityHeaders).
 */
export const handler = createHandler(createApp(), { basePath: process.env.FLEET_BASE_PATH, defaultHeaders: baselineHeaders });
