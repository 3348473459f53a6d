import { createApp } from "./index";
import { createHandler } from "./lambda/create-handler";

/** The Lambda entry point, created once per cold start (see app/lambda/create-handler.ts). */
export const handler = createHandler(createApp(), { basePath: process.env.FLEET_BASE_PATH });
